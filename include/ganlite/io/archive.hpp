// ganlite/io/archive.hpp — ganlite's one file format: a table of settings and named tensors.
//
// Checkpoints and weights files are both archives; what the keys and names mean is their
// writers' business (train/gan_checkpoint.hpp, train/checkpoint.hpp, io/weights.hpp).
// Format (little-endian), version 5:
//   "GNLTCKP1" | u32 version (5)
//   | u32 setting count | per setting: str key, str value           (text: readable, extensible)
//   | u32 tensor count  | per tensor: str name, u32 rank, i32 dims[rank], f32 values
//   | u32 CRC32 of all before
// Tensor names are paths from layer names ("generator/conv2d_transpose_1/kernel"). Version 4 has
// the same layout with tensors named by position ("generator.3"); its readers map those names.
// Written atomically (temporary file, fsync, rename). Reading checks magic, version and checksum
// before anything is parsed, bounds every count and length, refuses a name given twice and a tensor
// holding NaN or infinity (no good run saves one: the training loop stops first).
#pragma once
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../tensor.hpp"
#include "binary_file.hpp"

namespace ganlite {

inline constexpr char kArchiveMagic[8] = {'G', 'N', 'L', 'T', 'C', 'K', 'P', '1'};
inline constexpr std::uint32_t kArchiveVersion = 5;

struct Archive {
  std::uint32_t version = kArchiveVersion;  // as read; a written archive is always the newest
  std::map<std::string, std::string> settings;
  std::vector<std::pair<std::string, Tensor<float>>> tensors;  // in file order

  void set(const std::string& key, const std::string& value) { settings[key] = value; }
  void add(const std::string& name, const Tensor<float>& t) { tensors.emplace_back(name, t); }
  const Tensor<float>* find(const std::string& name) const {
    for (const auto& [n, t] : tensors)
      if (n == name) return &t;
    return nullptr;
  }
  const std::string* setting(const std::string& key) const {
    const auto it = settings.find(key);
    return it == settings.end() ? nullptr : &it->second;
  }
};

// A tensor read from a file holds only finite values, or the file is refused naming it: a model
// or optimizer state with NaN in it would poison everything trained or drawn from it.
template <class T>
void require_finite(const ByteReader& r, const Tensor<T>& t, const std::string& what) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!std::isfinite(t[i])) r.fail("holds weights that are not finite (NaN or infinity): " + what + ", element " + std::to_string(i));
}

inline std::string archive_bytes(const Archive& a) {
  ByteWriter w;
  w.bytes(kArchiveMagic, 8);
  w.u32(kArchiveVersion);
  w.u32(static_cast<std::uint32_t>(a.settings.size()));
  for (const auto& [k, v] : a.settings) w.str(k), w.str(v);
  w.u32(static_cast<std::uint32_t>(a.tensors.size()));
  for (std::size_t i = 0; i < a.tensors.size(); ++i) {
    const auto& [name, t] = a.tensors[i];
    for (std::size_t j = 0; j < i; ++j)  // a reader would refuse it: say so to the writer instead
      if (a.tensors[j].first == name) throw std::invalid_argument("archive: the tensor name " + name + " is given twice (two layers of one name?)");
    w.str(name);
    w.u32(static_cast<std::uint32_t>(t.rank()));
    for (int d : t.shape()) w.pod<std::int32_t>(d);
    w.bytes(t.data(), t.size() * sizeof(float));
  }
  w.crc_trailer();
  return w.data();
}

inline void write_archive(const std::string& path, const Archive& a) { write_file_atomic(path, archive_bytes(a)); }

// Checks magic, checksum and version; returns the version (1 to 5; 1 to 3 are the seed DCGAN's
// fixed-layout checkpoints, train/checkpoint.hpp). The reader is then just past it.
inline std::uint32_t read_archive_preamble(ByteReader& r, std::size_t size) {
  if (size < 12) r.fail("not a ganlite checkpoint (too short)");
  char magic[8];
  r.bytes(magic, 8);
  if (std::memcmp(magic, kArchiveMagic, 8) != 0) r.fail("not a ganlite checkpoint (bad magic number)");
  r.verify_crc_trailer();
  const std::uint32_t version = r.u32();
  if (version < 1 || version > kArchiveVersion) r.fail("unsupported checkpoint version " + std::to_string(version));
  return version;
}

// The settings and tensors of a version 4 or 5 file, after its preamble.
inline Archive read_archive_body(ByteReader& r, std::uint32_t version = kArchiveVersion) {
  Archive a;
  a.version = version;
  const std::uint32_t n = r.u32();
  if (n > 10000) r.fail("implausible setting count " + std::to_string(n));
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string k = r.str(), v = r.str(1 << 20);
    if (!a.settings.emplace(std::move(k), std::move(v)).second) r.fail("a setting is given twice");
  }
  const std::uint32_t m = r.u32();
  if (m > 100000) r.fail("implausible tensor count " + std::to_string(m));
  for (std::uint32_t i = 0; i < m; ++i) {
    std::string name = r.str();
    if (a.find(name)) r.fail("tensor " + name + " is given twice");
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
    a.tensors.emplace_back(std::move(name), std::move(t));
  }
  if (r.remaining() != 0) r.fail("unexpected trailing bytes");
  return a;
}

// A whole version 4 or 5 file; an older checkpoint is named as what it is.
inline Archive read_archive(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  if (version < 4) r.fail("is a version " + std::to_string(version) + " checkpoint of the seed DCGAN (a fixed layout, not a table); load it with load_checkpoint");
  return read_archive_body(r, version);
}

// The table as text, for people: "version 5", each setting "key = value", each tensor
// "name  (shape)"; what `mnist_dcgan inspect` prints.
inline std::string archive_listing(const Archive& a) {
  std::string s = "archive version " + std::to_string(a.version) + "\n" + std::to_string(a.settings.size()) + " settings:\n";
  for (const auto& [k, v] : a.settings) s += "  " + k + " = " + v + "\n";
  std::size_t values = 0;
  for (const auto& nt : a.tensors) values += nt.second.size();
  s += std::to_string(a.tensors.size()) + " tensors (" + std::to_string(values) + " values):\n";
  for (const auto& [name, t] : a.tensors) s += "  " + name + "  " + shape_str(t.shape()) + "\n";
  return s;
}

}  // namespace ganlite
