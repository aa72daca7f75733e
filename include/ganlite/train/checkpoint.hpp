// ganlite/train/checkpoint.hpp — the full training checkpoint of a DcganTrainer.
//
// Version 4 (checkpoint_record.hpp) is a table of settings and named tensors:
//   settings  model ("dcgan": the seed's layers, models/dcgan.hpp), noise_dim, classes,
//             class_names (comma-separated), dropout, seed, batch, learning_rate, beta1, beta2,
//             epsilon (both networks), epoch, step_in_epoch, the Rng states (epoch_start_rng,
//             data_rng, dropout_rng), both Adam step counts, data_images, data_fingerprint
//   tensors   generator.K / discriminator.K (Sequential::state_tensors order), their Adam
//             moments generator.adam_m.K, generator.adam_v.K, ..., and fixed_noise
// so reading one builds the right model by itself (read_checkpoint_config), and loading it into
// another model says what differs. Versions 1 to 3 (a fixed header, then the tensors in order;
// below) still load, as the seed model.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "../io/binary_file.hpp"
#include "../io/weights.hpp"
#include "checkpoint_record.hpp"
#include "dcgan_trainer.hpp"

namespace ganlite {

// A number as text that reads back as the same double (1e-07 stays 1e-07, never 0.000000).
inline std::string exact_number(double v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// The settings that shape a run's numbers where a and b differ ("--lr 1e-07 in the checkpoint,
// 2e-07 now, ..."), or "" when they agree.
inline std::string settings_difference(const DcganConfig& saved, const DcganConfig& now) {
  std::string d;
  auto add = [&](const char* flag, const std::string& a, const std::string& b) {
    if (a != b) d += std::string(d.empty() ? "" : ", ") + flag + " " + a + " in the checkpoint, " + b + " now";
  };
  add("--seed", std::to_string(saved.seed), std::to_string(now.seed));
  add("--batch", std::to_string(saved.batch), std::to_string(now.batch));
  add("--lr", exact_number(saved.learning_rate), exact_number(now.learning_rate));  // round-trip text: equal text, equal value
  add("--beta1", exact_number(saved.beta1), exact_number(now.beta1));
  add("classes", std::to_string(saved.classes), std::to_string(now.classes));
  return d;
}

namespace detail {

struct CheckpointHeader {
  DcganConfig config;
  std::uint32_t version = 0, epoch = 0, step_in_epoch = 0;
  Rng::State epoch_start{};
  std::uint32_t data_images = 0;  // v3 and later; 0 in older files
  std::uint64_t data_fingerprint = 0;
};

inline std::string rng_text(const Rng::State& s) {
  char b[80];
  std::snprintf(b, sizeof b, "%016llx:%016llx:%016llx:%016llx", static_cast<unsigned long long>(s[0]), static_cast<unsigned long long>(s[1]),
                static_cast<unsigned long long>(s[2]), static_cast<unsigned long long>(s[3]));
  return b;
}

// Typed access to a version 4 settings table; every error names the file and the key.
struct Settings {
  const CheckpointRecord& c;
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
  Rng::State rng(const std::string& key) const {
    const std::string& v = text(key);
    Rng::State s{};
    unsigned long long a, b, c2, d;
    int used = 0;
    if (std::sscanf(v.c_str(), "%16llx:%16llx:%16llx:%16llx%n", &a, &b, &c2, &d, &used) != 4 || used != static_cast<int>(v.size()))
      r.fail("setting " + key + " is not a random generator state");
    s = {a, b, c2, d};
    return s;
  }
};

inline CheckpointHeader header_of(const CheckpointRecord& c, const ByteReader& r) {
  const Settings s{c, r};
  if (s.text("model") != "dcgan") r.fail("holds a \"" + s.text("model") + "\" model, not the DCGAN this program trains");
  if (s.whole("noise_dim", 1 << 20) != static_cast<std::uint64_t>(kNoiseDim))
    r.fail("has noise_dim " + s.text("noise_dim") + "; the DCGAN takes " + std::to_string(kNoiseDim));
  CheckpointHeader h;
  h.version = 4;
  DcganConfig& k = h.config;
  k.seed = s.whole("seed", ~0ull);
  k.batch = static_cast<int>(s.whole("batch", 1 << 30));
  k.learning_rate = s.real("learning_rate");
  k.beta1 = s.real("beta1");
  k.dropout = s.real("dropout");
  k.classes = static_cast<int>(s.whole("classes", 1000));
  std::stringstream names(s.text("class_names"));
  for (std::string n; std::getline(names, n, ',');) k.class_names.push_back(n);
  if (static_cast<int>(k.class_names.size()) != k.classes) r.fail("names " + std::to_string(k.class_names.size()) + " classes, has " + s.text("classes"));
  h.epoch = static_cast<std::uint32_t>(s.whole("epoch", 1u << 31));
  h.step_in_epoch = static_cast<std::uint32_t>(s.whole("step_in_epoch", 1u << 31));
  h.epoch_start = s.rng("epoch_start_rng");
  h.data_images = static_cast<std::uint32_t>(s.whole("data_images", ~0u));
  h.data_fingerprint = s.whole("data_fingerprint", ~0ull);
  return h;
}

// Versions 1 to 3: "GNLTCKP1" | u32 version | u32 epoch | u64 seed | f64 learning rate | f64 beta1
// | u32 batch | v2: u32 steps done in the epoch in progress, data Rng state at that epoch's start
// | v3: u32 training images used, u64 fingerprint of the training files
// | generator, discriminator state tensors | per optimizer (G, D): i64 step, m, v tensors
// | data Rng (4 x u64) | dropout Rng (4 x u64) | fixed noise tensor | u32 CRC32
inline CheckpointHeader read_legacy_header(ByteReader& r, std::uint32_t version) {
  CheckpointHeader h;
  h.version = version;
  h.epoch = r.u32();
  h.config.seed = r.u64();
  h.config.learning_rate = r.pod<double>();
  h.config.beta1 = r.pod<double>();
  h.config.batch = static_cast<int>(r.u32());
  if (version >= 2) {
    h.step_in_epoch = r.u32();
    for (auto& v : h.epoch_start) v = r.u64();
  }
  if (version >= 3) {
    h.data_images = r.u32();
    h.data_fingerprint = r.u64();
  }
  return h;
}

inline std::vector<Tensor<float>*> pointers(std::vector<Tensor<float>>& ts) {
  std::vector<Tensor<float>*> p;
  for (auto& t : ts) p.push_back(&t);
  return p;
}

// Every tensor a trainer's checkpoint holds, by name, with where it lives in the trainer (the
// Adam moments are staged in `adam`, set afterwards).
inline std::vector<std::pair<std::string, Tensor<float>*>> named_state(DcganTrainer& t, AdamState<float> (&adam)[2]) {
  std::vector<std::pair<std::string, Tensor<float>*>> all;
  const char* nets[2] = {"generator", "discriminator"};
  for (int n = 0; n < 2; ++n) {
    auto state = n ? t.discriminator().state_tensors() : t.generator().state_tensors();
    for (std::size_t k = 0; k < state.size(); ++k) all.emplace_back(std::string(nets[n]) + "." + std::to_string(k), state[k]);
    for (std::size_t k = 0; k < adam[n].m.size(); ++k) all.emplace_back(std::string(nets[n]) + ".adam_m." + std::to_string(k), &adam[n].m[k]);
    for (std::size_t k = 0; k < adam[n].v.size(); ++k) all.emplace_back(std::string(nets[n]) + ".adam_v." + std::to_string(k), &adam[n].v[k]);
  }
  all.emplace_back("fixed_noise", &t.fixed_noise());
  return all;
}

}  // namespace detail

inline void save_checkpoint(DcganTrainer& t, const std::string& path) {
  CheckpointRecord c;
  const DcganConfig& k = t.config();
  std::string names;
  for (const auto& n : k.class_names) names += (names.empty() ? "" : ",") + n;
  c.set("model", "dcgan");
  c.set("noise_dim", std::to_string(kNoiseDim));
  c.set("classes", std::to_string(k.classes));
  c.set("class_names", names);
  c.set("dropout", exact_number(k.dropout));
  c.set("seed", std::to_string(k.seed));
  c.set("batch", std::to_string(k.batch));
  c.set("learning_rate", exact_number(k.learning_rate));
  c.set("beta1", exact_number(k.beta1));
  c.set("beta2", "0.999");
  c.set("epsilon", "1e-07");
  c.set("epoch", std::to_string(t.epoch));
  c.set("step_in_epoch", std::to_string(t.step_in_epoch));
  c.set("epoch_start_rng", detail::rng_text(t.epoch_start_state));
  c.set("data_rng", detail::rng_text(t.data_rng().state()));
  c.set("dropout_rng", detail::rng_text(t.dropout_rng().state()));
  c.set("generator_adam_step", std::to_string(t.generator_optimizer().state().step));
  c.set("discriminator_adam_step", std::to_string(t.discriminator_optimizer().state().step));
  c.set("data_images", std::to_string(t.data_images));
  c.set("data_fingerprint", std::to_string(t.data_fingerprint));
  AdamState<float> adam[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  for (const auto& [name, tensor] : detail::named_state(t, adam)) c.add(name, *tensor);
  write_checkpoint_record(path, c);
}

// Everything but the tensors (settings, progress, data identity), after checking the file's
// magic number and checksum.
inline detail::CheckpointHeader read_checkpoint_info(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_checkpoint_preamble(r, data.size());
  return version >= 4 ? detail::header_of(read_checkpoint_record(r), r) : detail::read_legacy_header(r, version);
}

// The model and settings a checkpoint was trained with, to build a matching DcganTrainer.
inline DcganConfig read_checkpoint_config(const std::string& path) { return read_checkpoint_info(path).config; }

// Restores a trainer built with the checkpoint's settings (read_checkpoint_config). All or
// nothing: the trainer changes only once the whole file has been read and checked.
inline void load_checkpoint(DcganTrainer& t, const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_checkpoint_preamble(r, data.size());
  CheckpointRecord c;
  const detail::CheckpointHeader h = version >= 4 ? detail::header_of(c = read_checkpoint_record(r), r) : detail::read_legacy_header(r, version);
  const std::string differs = settings_difference(h.config, t.config());
  if (!differs.empty()) r.fail("was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");

  AdamState<float> adam[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  auto named = detail::named_state(t, adam);
  std::vector<Tensor<float>> staged;
  Rng::State data_state{}, drop_state{};
  if (version >= 4) {
    if (c.tensors.size() != named.size())
      r.fail("holds " + std::to_string(c.tensors.size()) + " tensors; this model has " + std::to_string(named.size()));
    for (const auto& [name, target] : named) {
      const Tensor<float>* src = c.find(name);
      if (!src) r.fail("has no tensor " + name);
      if (src->shape() != target->shape())
        r.fail("tensor " + name + " has shape " + shape_str(src->shape()) + "; this model's is " + shape_str(target->shape()));
      staged.push_back(*src);
    }
    const detail::Settings s{c, r};
    data_state = s.rng("data_rng"), drop_state = s.rng("dropout_rng");
    adam[0].step = static_cast<std::int64_t>(s.whole("generator_adam_step", 1ull << 62));
    adam[1].step = static_cast<std::int64_t>(s.whole("discriminator_adam_step", 1ull << 62));
  } else {  // the tensors in a fixed order: the same order as named_state's, Adam steps between
    for (const auto& nt : named) staged.push_back(*nt.second);
    auto staged_range = [&](std::size_t from, std::size_t count, const std::string& what) {
      std::vector<Tensor<float>*> p;
      for (std::size_t i = from; i < from + count; ++i) p.push_back(&staged[i]);
      read_tensors(r, p, 4, what);
    };
    const std::size_t g = t.generator().state_tensors().size(), d = t.discriminator().state_tensors().size();
    const std::size_t gm = adam[0].m.size(), dm = adam[1].m.size();
    std::size_t at = 0;
    staged_range(at, g, "generator"), at += g + 2 * gm;
    staged_range(at, d, "discriminator"), at = g;
    for (int n = 0; n < 2; ++n) {
      const std::size_t m = n ? dm : gm;
      adam[n].step = r.pod<std::int64_t>();
      staged_range(at, m, "Adam m"), at += m;
      staged_range(at, m, "Adam v"), at += m + (n ? 0 : d);
    }
    for (auto& v : data_state) v = r.u64();
    for (auto& v : drop_state) v = r.u64();
    staged_range(staged.size() - 1, 1, "fixed noise");
    if (r.remaining() != 0) r.fail("unexpected trailing bytes");
  }
  for (std::size_t i = 0; i < named.size(); ++i) *named[i].second = std::move(staged[i]);
  t.generator_optimizer().set_state(adam[0]);
  t.discriminator_optimizer().set_state(adam[1]);
  t.data_rng().set_state(data_state);
  t.dropout_rng().set_state(drop_state);
  t.epoch = static_cast<int>(h.epoch);
  t.step_in_epoch = static_cast<int>(h.step_in_epoch);
  t.epoch_start_state = h.epoch_start;
  t.data_images = h.data_images;
  t.data_fingerprint = h.data_fingerprint;
}

}  // namespace ganlite
