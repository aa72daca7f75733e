// ganlite/train/gan_checkpoint.hpp — the checkpoint of any GanTrainer<float>: all a resumed run
// needs to continue bit-identically, and what the model is.
//
// An archive (io/archive.hpp) with the settings
//   the model's own   ModelSettings, given by whoever built the networks: at least "model" (a
//                     name); the DCGAN adds dropout and class_names. A load into a trainer whose
//                     model says otherwise is refused, naming each difference.
//   the trainer's     kind = checkpoint; noise_dim, classes, seed, batch; per network (generator_, discriminator_)
//                     learning_rate, beta1, beta2, epsilon and adam_step; generator_ema (files
//                     from before it: 0); objective (the loss pair's name; before it: bce);
//                     augment (augment.hpp's name for it; before it: none); generator_ema_warmup
//                     (1 or 0; before it: 0);
//                     epoch, step_in_epoch, epoch_start_rng, data_rng, dropout_rng; data_images,
//                     data_fingerprint
// and the tensors by path (Sequential::named_state): generator/<layer>/<tensor> (say
// generator/batch_normalization/moving_mean), discriminator/..., their Adam moments
// generator/adam/m/<layer>/<tensor> and .../adam/v/..., fixed_noise, and with generator_ema > 0
// G's moving average generator_average/<layer>/<tensor>. Version 4 files, with the same tensors
// named by position (generator.K, generator.adam_m.K, generator_ema.K), still load.
// Loading is all or nothing: the trainer changes only once the whole file is read and checked.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../io/binary_file.hpp"
#include "../io/archive.hpp"
#include "gan_trainer.hpp"
#include "archive_settings.hpp"
#include "run_position.hpp"
#include "settings_difference.hpp"

namespace ganlite {

// What a checkpoint says, without its tensors.
struct GanCheckpointInfo {
  std::uint32_t version = 0;  // of the file's format
  GanConfig config;           // fixed_noise_count included
  ModelSettings model;        // every setting that is not the trainer's own
  RunPosition position;       // the loop's cursor and the data's identity when it was saved
};

namespace detail {

// The settings the trainer itself writes (and those of files from before per-network Adam).
inline bool is_trainer_setting(const std::string& key) {
  static const std::set<std::string> keys = {
      "noise_dim", "classes", "seed", "batch", "epoch", "step_in_epoch", "epoch_start_rng", "data_rng", "dropout_rng", "data_images",
      "data_fingerprint", "objective", "augment", "generator_ema_warmup", "kind", "learning_rate", "beta1", "beta2", "epsilon"};
  for (const char* net : {"generator_", "discriminator_"})
    if (key.compare(0, std::char_traits<char>::length(net), net) == 0) return true;
  return keys.count(key) > 0;
}

inline GanCheckpointInfo gan_info_of(const Archive& c, const ByteReader& r) {
  const Settings s{c, r};
  if (c.settings.count("kind") && s.text("kind") != "checkpoint") r.fail("is a " + s.text("kind") + " file, not a checkpoint");
  GanCheckpointInfo h;
  h.version = c.version;
  for (const auto& [k, v] : c.settings)
    if (!is_trainer_setting(k)) h.model[k] = v;
  if (!h.model.count("model")) r.fail("setting model is missing");
  GanConfig& g = h.config;
  g.noise_dim = static_cast<int>(s.whole("noise_dim", 1 << 20));
  g.classes = static_cast<int>(s.whole("classes", 1000));
  g.seed = s.whole("seed", ~0ull);
  g.batch = static_cast<int>(s.whole("batch", 1 << 30));
  for (const char* net : {"generator", "discriminator"}) {
    AdamConfig& a = std::string(net) == "generator" ? g.generator_adam : g.discriminator_adam;
    a = AdamConfig{s.adam(net, "learning_rate"), s.adam(net, "beta1"), s.adam(net, "beta2"), s.adam(net, "epsilon")};
  }
  g.generator_ema = c.settings.count("generator_ema") ? s.real("generator_ema") : 0.0;
  // Files from before objectives were a part trained with bce, the only one there was. A name
  // this build doesn't know is a user's own objective: kept by name only (a trainer built from
  // this info needs it given again; loading compares names).
  const std::string objective = c.settings.count("objective") ? s.text("objective") : "bce";
  if (objective.empty()) r.fail("setting objective is empty");
  g.objective = known_objective(objective) ? objective_named(objective) : GanObjective{objective, {}, {}};
  if (c.settings.count("generator_ema_warmup")) {  // files from before it: 0
    const std::string& w = s.text("generator_ema_warmup");
    if (w != "0" && w != "1") r.fail("setting generator_ema_warmup = \"" + w + "\" is not 0 or 1");
    g.generator_ema_warmup = w == "1";
  }
  if (c.settings.count("augment")) {  // files from before augmentation: none
    try {
      g.augment = augmentation_named(s.text("augment"));
    } catch (const std::invalid_argument& e) {
      r.fail(std::string("setting augment: ") + e.what());
    }
  }
  if (!(g.generator_ema >= 0 && g.generator_ema < 1)) r.fail("setting generator_ema = \"" + s.text("generator_ema") + "\" is not a decay in [0, 1)");
  const Tensor<float>* fixed = c.find("fixed_noise");
  if (!fixed || fixed->rank() != 2) r.fail("has no fixed_noise tensor of rank 2");
  g.fixed_noise_count = fixed->dim(0);
  LoopCursor& at = h.position.cursor;
  at.epoch = static_cast<int>(s.whole("epoch", 1u << 30));
  at.step_in_epoch = static_cast<int>(s.whole("step_in_epoch", 1u << 30));
  at.epoch_start = s.rng("epoch_start_rng");
  h.position.data.images = static_cast<std::uint32_t>(s.whole("data_images", ~0u));
  h.position.data.fingerprint = s.whole("data_fingerprint", ~0ull);
  return h;
}

// Every tensor a trainer's checkpoint holds, with where it lives in the trainer (the Adam
// moments are staged in `adam`, set afterwards): its name by path (version 5) and by position
// (version 4, whose files still load).
struct NamedCheckpointTensor {
  std::string name, version4_name;
  Tensor<float>* tensor;
};
inline std::vector<NamedCheckpointTensor> named_state(GanTrainer<float>& t, AdamState<float> (&adam)[2]) {
  std::vector<NamedCheckpointTensor> all;
  auto add_network = [&](const std::string& net, const std::string& net4, Sequential<float>& model) {
    const auto state = model.named_state();
    for (std::size_t k = 0; k < state.size(); ++k) all.push_back({net + "/" + state[k].first, net4 + "." + std::to_string(k), state[k].second});
  };
  const char* nets[2] = {"generator", "discriminator"};
  for (int n = 0; n < 2; ++n) {
    add_network(nets[n], nets[n], n ? t.discriminator() : t.generator());
    const auto params = (n ? t.discriminator() : t.generator()).named_params();  // Adam's moments follow params()
    for (int moment = 0; moment < 2; ++moment) {
      auto& tensors = moment ? adam[n].v : adam[n].m;
      for (std::size_t k = 0; k < tensors.size(); ++k)
        all.push_back({std::string(nets[n]) + "/adam/" + (moment ? "v/" : "m/") + params.at(k).first,
                       std::string(nets[n]) + (moment ? ".adam_v." : ".adam_m.") + std::to_string(k), &tensors[k]});
    }
  }
  all.push_back({"fixed_noise", "fixed_noise", &t.fixed_noise()});
  if (Sequential<float>* avg = t.generator_average()) add_network("generator_average", "generator_ema", *avg);
  return all;
}

// The trainer takes what a load staged and checked: every tensor, both Adam states, both Rngs.
inline void commit_state(GanTrainer<float>& t, std::vector<NamedCheckpointTensor>& named, std::vector<Tensor<float>>& staged,
                         const AdamState<float> (&adam)[2], const Rng::State& data_state, const Rng::State& drop_state) {
  for (std::size_t i = 0; i < named.size(); ++i) *named[i].tensor = std::move(staged[i]);
  t.generator_optimizer().set_state(adam[0]);
  t.discriminator_optimizer().set_state(adam[1]);
  t.data_rng().set_state(data_state);
  t.dropout_rng().set_state(drop_state);
}

// Sets the trainer from a version 4 or 5 archive whose settings were already compared with its
// own; returns where the run stood.
inline RunPosition restore_gan_state(GanTrainer<float>& t, const Archive& c, const ByteReader& r) {
  const GanCheckpointInfo h = gan_info_of(c, r);
  AdamState<float> adam[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  auto named = named_state(t, adam);
  if (c.tensors.size() != named.size()) r.fail("holds " + std::to_string(c.tensors.size()) + " tensors; this model has " + std::to_string(named.size()));
  std::vector<Tensor<float>> staged;
  for (const auto& n : named) {
    const std::string& name = c.version == 4 ? n.version4_name : n.name;
    const Tensor<float>* src = c.find(name);
    if (!src) r.fail("has no tensor " + name);
    if (src->shape() != n.tensor->shape()) r.fail("tensor " + name + " has shape " + shape_str(src->shape()) + "; this model's is " + shape_str(n.tensor->shape()));
    staged.push_back(*src);
  }
  const Settings s{c, r};
  const Rng::State data_state = s.rng("data_rng"), drop_state = s.rng("dropout_rng");
  adam[0].step = static_cast<std::int64_t>(s.whole("generator_adam_step", 1ull << 62));
  adam[1].step = static_cast<std::int64_t>(s.whole("discriminator_adam_step", 1ull << 62));
  commit_state(t, named, staged, adam, data_state, drop_state);
  return h.position;
}

}  // namespace detail

// Where a checkpoint's model or trainer settings differ from a trainer's and its model's.
inline SettingDifferences checkpoint_differences(const GanCheckpointInfo& saved, const GanConfig& now, const ModelSettings& now_model) {
  return gan_settings_differences(saved.model, saved.config, now_model, now);
}

// The trainer's whole state, `model` (which must name it: model["model"]) and where the run
// stands, atomically.
inline void save_gan_checkpoint(GanTrainer<float>& t, const std::string& path, const ModelSettings& model, const RunPosition& position = {}) {
  if (!model.count("model")) throw std::invalid_argument("save_gan_checkpoint: the model settings need a \"model\" name");
  Archive c;
  for (const auto& [k, v] : model) {
    if (detail::is_trainer_setting(k)) throw std::invalid_argument("save_gan_checkpoint: model setting \"" + k + "\" is a name the trainer uses");
    c.set(k, v);
  }
  const GanConfig& g = t.gan_config();
  c.set("kind", "checkpoint");
  c.set("noise_dim", std::to_string(g.noise_dim));
  c.set("classes", std::to_string(g.classes));
  c.set("seed", std::to_string(g.seed));
  c.set("batch", std::to_string(g.batch));
  for (int n = 0; n < 2; ++n) {
    const std::string net = n ? "discriminator_" : "generator_";
    // What the optimizer uses now (a learning rate set on it since is saved, not the one it began with).
    const AdamConfig& a = (n ? t.discriminator_optimizer() : t.generator_optimizer()).config();
    c.set(net + "learning_rate", exact_number(a.learning_rate));
    c.set(net + "beta1", exact_number(a.beta1));
    c.set(net + "beta2", exact_number(a.beta2));
    c.set(net + "epsilon", exact_number(a.epsilon));
    c.set(net + "adam_step", std::to_string((n ? t.discriminator_optimizer() : t.generator_optimizer()).state().step));
  }
  c.set("generator_ema", exact_number(g.generator_ema));
  c.set("objective", g.objective.name);
  c.set("augment", g.augment.name());
  c.set("generator_ema_warmup", g.generator_ema_warmup ? "1" : "0");
  c.set("epoch", std::to_string(position.cursor.epoch));
  c.set("step_in_epoch", std::to_string(position.cursor.step_in_epoch));
  c.set("epoch_start_rng", detail::rng_text(position.cursor.epoch_start));
  c.set("data_rng", detail::rng_text(t.data_rng().state()));
  c.set("dropout_rng", detail::rng_text(t.dropout_rng().state()));
  c.set("data_images", std::to_string(position.data.images));
  c.set("data_fingerprint", std::to_string(position.data.fingerprint));
  AdamState<float> adam[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  for (const auto& n : detail::named_state(t, adam)) c.add(n.name, *n.tensor);
  write_archive(path, c);
}

// A checkpoint read whole and checked (format, checksum, every tensor finite) but not yet
// loaded: its settings to decide with, and its tensors to load from without reading the file
// again. A version 1 to 3 file (checkpoint.hpp) has no archive: it loads from its path.
struct GanCheckpointFile {
  std::string path;
  GanCheckpointInfo info;
  Archive archive;
};

// A version 4 or 5 checkpoint, read.
inline GanCheckpointFile read_gan_checkpoint(const std::string& path) {
  GanCheckpointFile f{path, {}, read_archive(path)};
  f.info = detail::gan_info_of(f.archive, detail::reader_naming(path));
  return f;
}

// The settings of a version 4 or 5 checkpoint, to build the trainer that loads it.
inline GanCheckpointInfo read_gan_checkpoint_info(const std::string& path) { return read_gan_checkpoint(path).info; }

// Restores a trainer built with the checkpoint's settings; `model` must be the settings the
// trainer's networks were saved with. Returns where the run stood.
inline RunPosition load_gan_checkpoint(GanTrainer<float>& t, const GanCheckpointFile& f, const ModelSettings& model) {
  const ByteReader r = detail::reader_naming(f.path);
  const std::string differs = describe(checkpoint_differences(f.info, t.gan_config(), model));
  if (!differs.empty()) r.fail("holds another model or other settings than this trainer's: " + differs);
  return detail::restore_gan_state(t, f.archive, r);
}
inline RunPosition load_gan_checkpoint(GanTrainer<float>& t, const std::string& path, const ModelSettings& model) {
  return load_gan_checkpoint(t, read_gan_checkpoint(path), model);
}

}  // namespace ganlite
