// ganlite/train/inspect.hpp — what a ganlite file holds, as text for people: any archive
// (checkpoint or weights, version 4 or 5) as its table of settings and tensors; an earlier
// weights file (GNLTWGT1) as its model name and tensor shapes; a version 1 to 3 checkpoint of the
// seed DCGAN as its fixed header. Every check a load makes on the bytes (magic, checksum, counts
// and lengths) is made here too, so a damaged file is named as such.
#pragma once
#include <cstring>
#include <string>

#include "../io/archive.hpp"
#include "../io/weights.hpp"
#include "checkpoint.hpp"

namespace ganlite {

inline std::string file_listing(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  if (data.size() >= 8 && std::memcmp(data.data(), kWeightsMagic, 8) == 0) {
    char magic[8];
    r.bytes(magic, 8);
    r.verify_crc_trailer();
    const std::uint32_t version = r.u32();
    if (version != 1) r.fail("unsupported weights format version " + std::to_string(version));
    const std::uint32_t scalar = r.u32();
    if (scalar != 4 && scalar != 8) r.fail("unsupported scalar size " + std::to_string(scalar));
    std::string s = "weights file, earlier format (GNLTWGT1 version 1, " + std::to_string(8 * scalar) + "-bit scalars)\nmodel = " + r.str() + "\n";
    const std::uint32_t count = r.u32();
    if (count > 100000) r.fail("implausible tensor count " + std::to_string(count));
    s += std::to_string(count) + " tensors, in layer order:\n";
    for (std::uint32_t k = 0; k < count; ++k) {
      const std::uint32_t rank = r.u32();
      if (rank > 8) r.fail("tensor " + std::to_string(k) + " has implausible rank " + std::to_string(rank));
      Shape shape(rank);
      std::size_t n = 1;
      for (auto& d : shape) {
        d = r.pod<std::int32_t>();
        if (d < 0 || (d > 0 && n > r.remaining() / scalar / static_cast<std::size_t>(d))) r.fail("tensor " + std::to_string(k) + " has an implausible shape");
        n *= static_cast<std::size_t>(d);
      }
      if (n * scalar > r.remaining()) r.fail("tensor " + std::to_string(k) + " is larger than the file (truncated?)");
      std::string skip(n * scalar, '\0');
      r.bytes(skip.data(), skip.size());
      s += "  " + std::to_string(k) + "  " + shape_str(shape) + "\n";
    }
    if (r.remaining() != 0) r.fail("unexpected trailing bytes");
    return s;
  }
  const std::uint32_t version = read_archive_preamble(r, data.size());
  if (version >= 4) return archive_listing(read_archive_body(r, version));
  const GanCheckpointInfo h = detail::read_legacy_info(r, version);
  const DcganConfig k = dcgan_config_of(h);
  const RunPosition& at = h.position;
  return "checkpoint version " + std::to_string(version) + " of the seed DCGAN (a fixed layout, not a table)\nepoch = " + std::to_string(at.cursor.epoch) +
         "\nstep_in_epoch = " + std::to_string(at.cursor.step_in_epoch) + "\nseed = " + std::to_string(k.seed) + "\nlearning_rate = " +
         exact_number(k.learning_rate) + "\nbeta1 = " + exact_number(k.beta1) + "\nbatch = " + std::to_string(k.batch) +
         "\ndata_images = " + std::to_string(at.data.images) + "\ndata_fingerprint = " + std::to_string(at.data.fingerprint) + "\n";
}

}  // namespace ganlite
