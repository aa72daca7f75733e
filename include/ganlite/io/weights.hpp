// ganlite/io/weights.hpp — save and load a Sequential's weights and BatchNorm statistics.
//
// A weights file is an archive (io/archive.hpp) with the settings kind = weights and model = the
// Sequential's name, and its state by path (Sequential::named_state: "conv2d/kernel",
// "batch_normalization/moving_mean", ...), as float32. load_network takes one network out of a
// checkpoint the same way (say "generator_average", to draw samples without the rest).
// Loading checks every name and shape against the model and is all or nothing.
// Files of the earlier weights format still load:
//   "GNLTWGT1" magic (8 bytes) | u32 version 1 | u32 scalar bytes (4 or 8) | str model name
//   | u32 tensor count | per tensor: u32 rank, i32 dims[rank], raw scalars | u32 CRC32 of all before
// (the tensors in Sequential::state_tensors() order: per layer, its parameters then its buffers).
#pragma once
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../models/sequential.hpp"
#include "archive.hpp"
#include "binary_file.hpp"

namespace ganlite {

inline constexpr char kWeightsMagic[8] = {'G', 'N', 'L', 'T', 'W', 'G', 'T', '1'};

// The fixed-order tensors of the earlier formats (weights files, checkpoint versions 1 to 3).
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

namespace detail {

// Sets model's state from the archive's tensors `prefix` + name (version 5) or, in a version 4
// checkpoint, `prefix4` + position; every one there, of the model's shape; all or nothing.
template <class T>
void load_named_state(Sequential<T>& model, const Archive& a, const ByteReader& r, const std::string& prefix, const std::string& prefix4) {
  const auto named = model.named_state();
  std::vector<Tensor<T>> staged(named.size());
  for (std::size_t k = 0; k < named.size(); ++k) {
    const std::string name = a.version == 4 ? prefix4 + std::to_string(k) : prefix + named[k].first;
    const Tensor<float>* src = a.find(name);
    if (!src) r.fail("has no tensor " + name + " (model \"" + model.name() + "\")");
    if (src->shape() != named[k].second->shape())
      r.fail("tensor " + name + " has shape " + shape_str(src->shape()) + ", the model expects " + shape_str(named[k].second->shape()));
    staged[k].resize(src->shape());
    std::copy(src->begin(), src->end(), staged[k].begin());
  }
  for (std::size_t k = 0; k < named.size(); ++k) *named[k].second = std::move(staged[k]);
}

// How version 4 named a checkpoint's network: by position under "generator.", "discriminator.",
// and G's moving average under "generator_ema.".
inline std::string version4_prefix(const std::string& network) { return (network == "generator_average" ? "generator_ema" : network) + "."; }

template <class T>
void load_legacy_weights(Sequential<T>& model, ByteReader& r) {
  r.verify_crc_trailer();
  const std::uint32_t version = r.u32();
  if (version != 1) r.fail("unsupported weights format version " + std::to_string(version));
  const std::uint32_t scalar = r.u32();
  const std::string name = r.str();
  if (name != model.name()) r.fail("holds model \"" + name + "\", not \"" + model.name() + "\"");
  read_tensors(r, model.state_tensors(), scalar, name);
  if (r.remaining() != 0) r.fail("unexpected trailing bytes");
}

}  // namespace detail

// Archives hold float32: a double model's weights are saved rounded to float.
template <class T>
void save_weights(Sequential<T>& model, const std::string& path) {
  Archive a;
  a.set("kind", "weights");
  a.set("model", model.name());
  for (const auto& [name, t] : model.named_state()) {
    Tensor<float> f(t->shape());
    for (std::size_t i = 0; i < t->size(); ++i) f[i] = static_cast<float>((*t)[i]);
    a.add(name, f);
  }
  write_archive(path, a);
}

// A weights file (an archive of kind weights, or the earlier "GNLTWGT1" format) into model.
template <class T>
void load_weights(Sequential<T>& model, const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  if (data.size() >= 8 && std::memcmp(data.data(), kWeightsMagic, 8) == 0) {
    char magic[8];
    r.bytes(magic, 8);
    return detail::load_legacy_weights(model, r);
  }
  if (data.size() < 8 || std::memcmp(data.data(), kArchiveMagic, 8) != 0) r.fail("not a ganlite weights file (bad magic number)");
  const std::uint32_t version = read_archive_preamble(r, data.size());
  if (version < 4) r.fail("is a version " + std::to_string(version) + " checkpoint of the seed DCGAN, not a weights file");
  const Archive a = read_archive_body(r, version);
  const std::string* kind = a.setting("kind");
  if (!kind || *kind != "weights")
    r.fail("is a " + std::string(kind ? *kind : "checkpoint") + " file, not a weights file (take a network out of a checkpoint with load_network)");
  const std::string* name = a.setting("model");
  if (!name || *name != model.name()) r.fail("holds model \"" + (name ? *name : std::string("(none)")) + "\", not \"" + model.name() + "\"");
  detail::load_named_state(model, a, r, "", "");
}

// One network of a checkpoint (version 4 or 5) into model: "generator", "discriminator" or
// "generator_average" (the moving average, when the run kept one).
template <class T>
void load_network(Sequential<T>& model, const std::string& path, const std::string& network) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  if (version < 4) r.fail("is a version " + std::to_string(version) + " checkpoint of the seed DCGAN; load it whole with load_checkpoint");
  const Archive a = read_archive_body(r, version);
  const std::string* kind = a.setting("kind");
  if (kind && *kind != "checkpoint") r.fail("is a " + *kind + " file, not a checkpoint (load it with load_weights)");
  detail::load_named_state(model, a, r, network + "/", detail::version4_prefix(network));
}

}  // namespace ganlite
