// ganlite/train/vae_checkpoint.hpp — the checkpoint of a VaeTrainer<float>: all a resumed run
// needs to continue bit-identically (training_loop.hpp), and what the model is.
//
// An archive (io/archive.hpp) with the settings
//   the model's own   ModelSettings, at least "model" (a name); a load into a trainer whose model
//                     says otherwise is refused, naming each difference
//   the trainer's     kind = vae_checkpoint; seed, latent, classes, batch, beta, kl_warmup_steps;
//                     learning_rate, beta1, beta2, epsilon, adam_step; epoch, step_in_epoch,
//                     epoch_start_rng, data_rng; data_images, data_fingerprint
// and the tensors by path: encoder/<layer>/<tensor>, decoder/..., and the one Adam's moments
// adam/m/encoder/<layer>/<tensor>, adam/v/decoder/... Loading is all or nothing.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "archive_settings.hpp"
#include "run_position.hpp"
#include "settings_difference.hpp"
#include "vae_trainer.hpp"

namespace ganlite {

struct VaeCheckpointInfo {
  VaeConfig config;
  ModelSettings model;
  RunPosition position;
};

namespace detail {

inline bool is_vae_trainer_setting(const std::string& key) {
  static const std::set<std::string> keys = {"kind", "seed", "latent", "classes", "batch", "beta", "kl_warmup_steps", "learning_rate", "beta1",
                                             "beta2", "epsilon", "adam_step", "epoch", "step_in_epoch", "epoch_start_rng", "data_rng",
                                             "data_images", "data_fingerprint"};
  return keys.count(key) > 0;
}

inline VaeCheckpointInfo vae_info_of(const Archive& c, const ByteReader& r) {
  const Settings s{c, r};
  if (s.text("kind") != "vae_checkpoint") r.fail("is a " + kind_in_words(s.text("kind")) + ", not a VAE checkpoint");
  VaeCheckpointInfo h;
  for (const auto& [k, v] : c.settings)
    if (!is_vae_trainer_setting(k)) h.model[k] = v;
  if (!h.model.count("model")) r.fail("setting model is missing");
  VaeConfig& v = h.config;
  v.seed = s.whole("seed", ~0ull);
  v.latent = static_cast<int>(s.whole("latent", 1 << 20));
  v.classes = static_cast<int>(s.whole("classes", 1000));
  v.batch = static_cast<int>(s.whole("batch", 1 << 30));
  v.beta = s.real("beta");
  v.kl_warmup_steps = static_cast<long>(s.whole("kl_warmup_steps", 1ull << 40));
  v.adam = AdamConfig{s.real("learning_rate"), s.real("beta1"), s.real("beta2"), s.real("epsilon")};
  h.position = s.position();
  return h;
}

// Every tensor of the checkpoint, with where it lives (the Adam moments staged in `adam`).
inline NamedTensors vae_named_state(VaeTrainer<float>& t, AdamState<float>& adam) {
  return networks_named_state({{"encoder", &t.encoder()}, {"decoder", &t.decoder()}}, adam);
}

}  // namespace detail

// Where a checkpoint's settings differ from a trainer's and its model's.
inline SettingDifferences vae_settings_differences(const VaeCheckpointInfo& saved, const VaeConfig& now, const ModelSettings& now_model) {
  SettingDifferences d;
  const VaeConfig& a = saved.config;
  add_difference(d, "latent", std::to_string(a.latent), std::to_string(now.latent));
  add_difference(d, "classes", std::to_string(a.classes), std::to_string(now.classes));
  add_difference(d, "seed", std::to_string(a.seed), std::to_string(now.seed));
  add_difference(d, "batch", std::to_string(a.batch), std::to_string(now.batch));
  add_difference(d, "beta", exact_number(a.beta), exact_number(now.beta));
  add_difference(d, "KL warm-up steps", std::to_string(a.kl_warmup_steps), std::to_string(now.kl_warmup_steps));
  add_difference(d, "learning rate", exact_number(a.adam.learning_rate), exact_number(now.adam.learning_rate));
  add_difference(d, "Adam beta1", exact_number(a.adam.beta1), exact_number(now.adam.beta1));
  add_difference(d, "Adam beta2", exact_number(a.adam.beta2), exact_number(now.adam.beta2));
  add_difference(d, "Adam epsilon", exact_number(a.adam.epsilon), exact_number(now.adam.epsilon));
  add_model_settings_differences(d, saved.model, now_model);
  return d;
}

inline void save_vae_checkpoint(VaeTrainer<float>& t, const std::string& path, const ModelSettings& model, const RunPosition& position = {}) {
  if (!model.count("model")) throw std::invalid_argument("save_vae_checkpoint: the model settings need a \"model\" name");
  Archive c;
  for (const auto& [k, v] : model) {
    if (detail::is_vae_trainer_setting(k)) throw std::invalid_argument("save_vae_checkpoint: model setting \"" + k + "\" is a name the trainer uses");
    c.set(k, v);
  }
  const VaeConfig& v = t.config();
  const AdamConfig& a = t.optimizer().config();  // what the optimizer uses now
  c.set("kind", "vae_checkpoint");
  c.set("seed", std::to_string(v.seed));
  c.set("latent", std::to_string(v.latent));
  c.set("classes", std::to_string(v.classes));
  c.set("batch", std::to_string(v.batch));
  c.set("beta", exact_number(v.beta));
  c.set("kl_warmup_steps", std::to_string(v.kl_warmup_steps));
  c.set("learning_rate", exact_number(a.learning_rate));
  c.set("beta1", exact_number(a.beta1));
  c.set("beta2", exact_number(a.beta2));
  c.set("epsilon", exact_number(a.epsilon));
  c.set("adam_step", std::to_string(t.optimizer().state().step));
  detail::set_position(c, position);
  c.set("data_rng", detail::rng_text(t.data_rng().state()));
  AdamState<float> adam = t.optimizer().state();
  for (const auto& [name, tensor] : detail::vae_named_state(t, adam)) c.add(name, *tensor);
  write_archive(path, c);
}

// A checkpoint read whole and checked, not yet loaded: its settings to decide with, its tensors
// to load from without reading the file again.
struct VaeCheckpointFile {
  std::string path;
  VaeCheckpointInfo info;
  Archive archive;
};

inline VaeCheckpointFile read_vae_checkpoint(const std::string& path) {
  VaeCheckpointFile f{path, {}, read_archive(path)};
  f.info = detail::vae_info_of(f.archive, detail::reader_naming(path));
  return f;
}
inline VaeCheckpointInfo read_vae_checkpoint_info(const std::string& path) { return read_vae_checkpoint(path).info; }

// Restores a trainer built with the checkpoint's settings (and `model`, the model settings it was
// saved with); returns where the run stood. The trainer changes only if the whole file is good.
inline RunPosition load_vae_checkpoint(VaeTrainer<float>& t, const VaeCheckpointFile& f, const ModelSettings& model) {
  const Archive& c = f.archive;
  const ByteReader r = detail::reader_naming(f.path);
  const VaeCheckpointInfo& h = f.info;
  const std::string differs = describe(vae_settings_differences(h, t.config(), model));
  if (!differs.empty()) r.fail("holds another model or other settings than this trainer's: " + differs);
  AdamState<float> adam = t.optimizer().state();
  auto named = detail::vae_named_state(t, adam);
  std::vector<Tensor<float>> staged = detail::staged_tensors(c, named, r);
  const detail::Settings s{c, r};
  const Rng::State data_state = s.rng("data_rng");
  adam.step = static_cast<std::int64_t>(s.whole("adam_step", 1ull << 62));
  for (std::size_t i = 0; i < named.size(); ++i) *named[i].second = std::move(staged[i]);
  t.optimizer().set_state(adam);
  t.data_rng().set_state(data_state);
  return h.position;
}
inline RunPosition load_vae_checkpoint(VaeTrainer<float>& t, const std::string& path, const ModelSettings& model) {
  return load_vae_checkpoint(t, read_vae_checkpoint(path), model);
}

}  // namespace ganlite
