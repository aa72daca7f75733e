// ganlite/io/weights.hpp — save and load a Sequential's weights and BatchNorm statistics.
//
// Format (little-endian), version 1:
//   "GNLTWGT1" magic (8 bytes) | u32 version | u32 scalar bytes (4 or 8) | str model name
//   | u32 tensor count | per tensor: u32 rank, i32 dims[rank], raw scalars | u32 CRC32 of all before
// Tensors are Sequential::state_tensors(): per layer, its parameters then its buffers.
// Loading checks every shape against the model and converts float <-> double if needed.
#pragma once
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../models/sequential.hpp"
#include "binary_file.hpp"

namespace ganlite {

inline constexpr char kWeightsMagic[8] = {'G', 'N', 'L', 'T', 'W', 'G', 'T', '1'};
inline constexpr std::uint32_t kWeightsVersion = 1;

template <class T>
void write_tensors(ByteWriter& w, const std::vector<Tensor<T>*>& ts) {
  w.u32(static_cast<std::uint32_t>(ts.size()));
  for (const auto* t : ts) {
    w.u32(static_cast<std::uint32_t>(t->rank()));
    for (int d : t->shape()) w.pod<std::int32_t>(d);
    w.bytes(t->data(), t->size() * sizeof(T));
  }
}

// Reads tensors written by write_tensors with scalar size `scalar_bytes` into `ts`, whose shapes
// must match; `what` names the thing for errors ("generator", "Adam m"...). All or nothing: the
// targets are only overwritten once every tensor has been read and checked.
// A tensor read from a file holds only finite values, or the file is refused naming it: a model
// or optimizer state with NaN in it would poison everything trained or drawn from it.
template <class T>
void require_finite(const ByteReader& r, const Tensor<T>& t, const std::string& what) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!std::isfinite(t[i])) r.fail("holds weights that are not finite (NaN or infinity): " + what + ", element " + std::to_string(i));
}

template <class T>
void read_tensors(ByteReader& r, const std::vector<Tensor<T>*>& ts, std::uint32_t scalar_bytes, const std::string& what) {
  const std::uint32_t count = r.u32();
  std::vector<Tensor<T>> staged(ts.size());
  if (count != ts.size())
    r.fail(what + ": holds " + std::to_string(count) + " tensors, the model has " + std::to_string(ts.size()));
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const std::uint32_t rank = r.u32();
    if (rank > 8) r.fail(what + ": tensor " + std::to_string(k) + " has implausible rank " + std::to_string(rank));
    Shape s(rank);
    for (auto& d : s) d = r.pod<std::int32_t>();
    if (s != ts[k]->shape())
      r.fail(what + ": tensor " + std::to_string(k) + " has shape " + shape_str(s) + ", the model expects " +
             shape_str(ts[k]->shape()));
    Tensor<T>& t = staged[k];
    t.resize(s);
    if (scalar_bytes == sizeof(T)) {
      r.bytes(t.data(), t.size() * sizeof(T));
    } else if (scalar_bytes == 4) {
      for (auto& v : t) v = static_cast<T>(r.pod<float>());
    } else if (scalar_bytes == 8) {
      for (auto& v : t) v = static_cast<T>(r.pod<double>());
    } else {
      r.fail(what + ": unsupported scalar size " + std::to_string(scalar_bytes));
    }
    require_finite(r, t, what + " tensor " + std::to_string(k));
  }
  for (std::size_t k = 0; k < ts.size(); ++k) *ts[k] = std::move(staged[k]);
}

template <class T>
void save_weights(Sequential<T>& model, const std::string& path) {
  ByteWriter w;
  w.bytes(kWeightsMagic, 8);
  w.u32(kWeightsVersion);
  w.u32(sizeof(T));
  w.str(model.name());
  write_tensors(w, model.state_tensors());
  w.crc_trailer();
  write_file_atomic(path, w.data());
}

template <class T>
void load_weights(Sequential<T>& model, const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  char magic[8];
  if (data.size() < 8) r.fail("not a ganlite weights file (too short)");
  r.bytes(magic, 8);
  if (std::memcmp(magic, kWeightsMagic, 8) != 0) r.fail("not a ganlite weights file (bad magic number)");
  r.verify_crc_trailer();
  const std::uint32_t version = r.u32();
  if (version != kWeightsVersion) r.fail("unsupported weights format version " + std::to_string(version));
  const std::uint32_t scalar = r.u32();
  const std::string name = r.str();
  if (name != model.name()) r.fail("holds model \"" + name + "\", not \"" + model.name() + "\"");
  read_tensors(r, model.state_tensors(), scalar, name);
  if (r.remaining() != 0) r.fail("unexpected trailing bytes");
}

}  // namespace ganlite
