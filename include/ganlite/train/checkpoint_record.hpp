// ganlite/train/checkpoint_record.hpp — a checkpoint as a table of settings and named tensors.
//
// Format (little-endian), version 4:
//   "GNLTCKP1" | u32 version (4)
//   | u32 setting count | per setting: str key, str value           (text: readable, extensible)
//   | u32 tensor count  | per tensor: str name, u32 rank, i32 dims[rank], f32 values
//   | u32 CRC32 of all before
// Written atomically (temporary file, fsync, rename). Reading checks magic, version and checksum
// before anything is parsed, bounds every count and length, refuses a name given twice and a tensor
// holding NaN or infinity (no good run saves one: the training loop stops first).
// What the keys and names mean is the trainer's business (checkpoint.hpp).
#pragma once
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../io/binary_file.hpp"
#include "../io/weights.hpp"
#include "../tensor.hpp"

namespace ganlite {

inline constexpr char kCheckpointMagic[8] = {'G', 'N', 'L', 'T', 'C', 'K', 'P', '1'};
inline constexpr std::uint32_t kCheckpointVersion = 4;

struct CheckpointRecord {
  std::map<std::string, std::string> settings;
  std::vector<std::pair<std::string, Tensor<float>>> tensors;  // in file order

  void set(const std::string& key, const std::string& value) { settings[key] = value; }
  void add(const std::string& name, const Tensor<float>& t) { tensors.emplace_back(name, t); }
  const Tensor<float>* find(const std::string& name) const {
    for (const auto& [n, t] : tensors)
      if (n == name) return &t;
    return nullptr;
  }
};

inline std::string checkpoint_record_bytes(const CheckpointRecord& c) {
  ByteWriter w;
  w.bytes(kCheckpointMagic, 8);
  w.u32(kCheckpointVersion);
  w.u32(static_cast<std::uint32_t>(c.settings.size()));
  for (const auto& [k, v] : c.settings) w.str(k), w.str(v);
  w.u32(static_cast<std::uint32_t>(c.tensors.size()));
  for (const auto& [name, t] : c.tensors) {
    w.str(name);
    w.u32(static_cast<std::uint32_t>(t.rank()));
    for (int d : t.shape()) w.pod<std::int32_t>(d);
    w.bytes(t.data(), t.size() * sizeof(float));
  }
  w.crc_trailer();
  return w.data();
}

inline void write_checkpoint_record(const std::string& path, const CheckpointRecord& c) { write_file_atomic(path, checkpoint_record_bytes(c)); }

// Checks magic, checksum and version; returns the version (1 to 4). The reader is then just past it.
inline std::uint32_t read_checkpoint_preamble(ByteReader& r, std::size_t size) {
  if (size < 12) r.fail("not a ganlite checkpoint (too short)");
  char magic[8];
  r.bytes(magic, 8);
  if (std::memcmp(magic, kCheckpointMagic, 8) != 0) r.fail("not a ganlite checkpoint (bad magic number)");
  r.verify_crc_trailer();
  const std::uint32_t version = r.u32();
  if (version < 1 || version > kCheckpointVersion) r.fail("unsupported checkpoint version " + std::to_string(version));
  return version;
}

// The settings and tensors of a version 4 file, after its preamble.
inline CheckpointRecord read_checkpoint_record(ByteReader& r) {
  CheckpointRecord c;
  const std::uint32_t n = r.u32();
  if (n > 10000) r.fail("implausible setting count " + std::to_string(n));
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string k = r.str(), v = r.str(1 << 20);
    if (!c.settings.emplace(std::move(k), std::move(v)).second) r.fail("a setting is given twice");
  }
  const std::uint32_t m = r.u32();
  if (m > 10000) r.fail("implausible tensor count " + std::to_string(m));
  for (std::uint32_t i = 0; i < m; ++i) {
    std::string name = r.str();
    if (c.find(name)) r.fail("tensor " + name + " is given twice");
    const std::uint32_t rank = r.u32();
    if (rank > 8) r.fail("tensor " + name + " has implausible rank " + std::to_string(rank));
    Shape s(rank);
    std::size_t count = 1;
    for (auto& d : s) {
      d = r.pod<std::int32_t>();
      if (d < 0 || (d > 0 && count > r.remaining() / sizeof(float) / static_cast<std::size_t>(d)))
        r.fail("tensor " + name + " has an implausible shape");
      count *= static_cast<std::size_t>(d);
    }
    if (count * sizeof(float) > r.remaining()) r.fail("tensor " + name + " is larger than the file (truncated?)");
    Tensor<float> t(s);
    r.bytes(t.data(), t.size() * sizeof(float));
    require_finite(r, t, "tensor " + name);
    c.tensors.emplace_back(std::move(name), std::move(t));
  }
  if (r.remaining() != 0) r.fail("unexpected trailing bytes");
  return c;
}

}  // namespace ganlite
