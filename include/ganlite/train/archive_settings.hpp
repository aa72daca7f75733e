// ganlite/train/archive_settings.hpp — reading a checkpoint archive's settings (io/archive.hpp):
// typed, each error naming the file and the key; a random generator's state as text; where the
// run stood (RunPosition) as settings; and networks with their Adam moments as named tensors,
// staged whole before any is loaded. Shared by every model's checkpoint (gan_checkpoint.hpp,
// vae_checkpoint.hpp, classifier_checkpoint.hpp).
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <utility>
#include <vector>

#include "../io/archive.hpp"
#include "../io/binary_file.hpp"
#include "../models/sequential.hpp"
#include "../optim/adam.hpp"
#include "../rng.hpp"
#include "run_position.hpp"

namespace ganlite {

namespace detail {

inline std::string rng_text(const Rng::State& s) {
  char b[80];
  std::snprintf(b, sizeof b, "%016llx:%016llx:%016llx:%016llx", static_cast<unsigned long long>(s[0]), static_cast<unsigned long long>(s[1]),
                static_cast<unsigned long long>(s[2]), static_cast<unsigned long long>(s[3]));
  return b;
}

// What a checkpoint's kind setting says it is, in words: "GAN checkpoint", "VAE checkpoint"...
inline std::string kind_in_words(const std::string& kind) {
  if (kind == "checkpoint") return "GAN checkpoint";
  if (kind == "vae_checkpoint") return "VAE checkpoint";
  if (kind == "classifier_checkpoint") return "classifier checkpoint";
  return "\"" + kind + "\" file";
}

// A reader of no bytes that names `path` in what it refuses: errors about a file already read.
inline ByteReader reader_naming(const std::string& path) {
  static const std::string no_bytes;
  return ByteReader(no_bytes, path);
}

// Typed access to an archive's settings; every error names the file and the key.
struct Settings {
  const Archive& c;
  const ByteReader& r;
  const std::string& text(const std::string& key) const {
    const auto it = c.settings.find(key);
    if (it == c.settings.end()) r.fail("setting " + key + " is missing");
    return it->second;
  }
  std::uint64_t whole(const std::string& key, std::uint64_t max) const {
    const std::string& v = text(key);
    char* end = nullptr;
    errno = 0;
    const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || v[0] == '-' || x > max) r.fail("setting " + key + " = \"" + v + "\" is not a whole number up to " + std::to_string(max));
    return x;
  }
  double real(const std::string& key) const {
    const std::string& v = text(key);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(x)) r.fail("setting " + key + " = \"" + v + "\" is not a finite number");
    return x;
  }
  // A network's Adam setting; files written before Adam was per network have one for both.
  double adam(const std::string& net, const std::string& key) const { return real(c.settings.count(net + "_" + key) ? net + "_" + key : key); }
  Rng::State rng(const std::string& key) const {
    const std::string& v = text(key);
    unsigned long long a, b, c2, d;
    int used = 0;
    if (std::sscanf(v.c_str(), "%16llx:%16llx:%16llx:%16llx%n", &a, &b, &c2, &d, &used) != 4 || used != static_cast<int>(v.size()))
      r.fail("setting " + key + " is not a random generator state");
    return {a, b, c2, d};
  }
  // The position set_position wrote.
  RunPosition position() const {
    RunPosition p;
    p.cursor.epoch = static_cast<int>(whole("epoch", 1u << 30));
    p.cursor.step_in_epoch = static_cast<int>(whole("step_in_epoch", 1u << 30));
    p.cursor.epoch_start = rng("epoch_start_rng");
    p.data.images = static_cast<std::uint32_t>(whole("data_images", ~0u));
    p.data.fingerprint = whole("data_fingerprint", ~0ull);
    return p;
  }
};

inline void set_position(Archive& c, const RunPosition& at) {
  c.set("epoch", std::to_string(at.cursor.epoch));
  c.set("step_in_epoch", std::to_string(at.cursor.step_in_epoch));
  c.set("epoch_start_rng", rng_text(at.cursor.epoch_start));
  c.set("data_images", std::to_string(at.data.images));
  c.set("data_fingerprint", std::to_string(at.data.fingerprint));
}

using NamedTensors = std::vector<std::pair<std::string, Tensor<float>*>>;

// Every tensor of `nets` (name, network) by path, net/<layer>/<tensor>, then the moments of the
// one Adam over all their params in that order, staged in `adam`: adam/m/net/..., adam/v/net/...
inline NamedTensors networks_named_state(const std::vector<std::pair<const char*, Sequential<float>*>>& nets, AdamState<float>& adam) {
  NamedTensors all;
  std::vector<std::string> params;
  for (auto [net, model] : nets) {
    for (const auto& [name, tensor] : model->named_state()) all.push_back({std::string(net) + "/" + name, tensor});
    for (const auto& p : model->named_params()) params.push_back(std::string(net) + "/" + p.first);
  }
  for (int moment = 0; moment < 2; ++moment) {
    auto& tensors = moment ? adam.v : adam.m;
    for (std::size_t k = 0; k < tensors.size(); ++k) all.push_back({std::string("adam/") + (moment ? "v/" : "m/") + params.at(k), &tensors[k]});
  }
  return all;
}

// The archive's copy of each named tensor, all of them there and of their shapes, or an error
// naming the first that isn't: nothing is loaded until everything is known good.
inline std::vector<Tensor<float>> staged_tensors(const Archive& c, const NamedTensors& named, const ByteReader& r) {
  if (c.tensors.size() != named.size()) r.fail("holds " + std::to_string(c.tensors.size()) + " tensors; this model has " + std::to_string(named.size()));
  std::vector<Tensor<float>> staged;
  for (const auto& [name, tensor] : named) {
    const Tensor<float>* src = c.find(name);
    if (!src) r.fail("has no tensor " + name);
    if (src->shape() != tensor->shape()) r.fail("tensor " + name + " has shape " + shape_str(src->shape()) + "; this model's is " + shape_str(tensor->shape()));
    staged.push_back(*src);
  }
  return staged;
}

}  // namespace detail

}  // namespace ganlite
