// ganlite/train/classifier_checkpoint.hpp — the checkpoint of a ClassifierTrainer<float>: all a
// resumed run needs to continue bit-identically (training_loop.hpp), and what the model is.
//
// An archive (io/archive.hpp) with the settings
//   the model's own   ModelSettings, at least "model" (a name); a load into a trainer whose model
//                     says otherwise is refused, naming each difference
//   the trainer's     kind = classifier_checkpoint; seed, batch, learning_rate, decay_per_epoch,
//                     steps_per_epoch, adam_step; epoch, step_in_epoch, epoch_start_rng, data_rng,
//                     dropout_rng; data_images, data_fingerprint
// and the tensors by path: network/<layer>/<tensor>, and Adam's moments adam/m/network/..., adam/v/...
// Loading is all or nothing.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "archive_settings.hpp"
#include "classifier_trainer.hpp"
#include "settings_difference.hpp"

namespace ganlite {

struct ClassifierCheckpointInfo {
  ClassifierConfig config;
  ModelSettings model;
  RunPosition position;
};

// A checkpoint read whole and checked, not yet loaded.
struct ClassifierCheckpointFile {
  std::string path;
  ClassifierCheckpointInfo info;
  Archive archive;
};

namespace detail {

inline bool is_classifier_trainer_setting(const std::string& key) {
  static const std::set<std::string> keys = {"kind", "seed", "batch", "learning_rate", "decay_per_epoch", "steps_per_epoch", "adam_step", "epoch",
                                             "step_in_epoch", "epoch_start_rng", "data_rng", "dropout_rng", "data_images", "data_fingerprint"};
  return keys.count(key) > 0;
}

inline NamedTensors classifier_named_state(ClassifierTrainer<float>& t, AdamState<float>& adam) {
  return networks_named_state({{"network", &t.network()}}, adam);
}

}  // namespace detail

inline SettingDifferences classifier_settings_differences(const ClassifierCheckpointInfo& saved, const ClassifierConfig& now, const ModelSettings& now_model) {
  SettingDifferences d;
  const ClassifierConfig& a = saved.config;
  add_difference(d, "seed", std::to_string(a.seed), std::to_string(now.seed));
  add_difference(d, "batch", std::to_string(a.batch), std::to_string(now.batch));
  add_difference(d, "learning rate", exact_number(a.learning_rate), exact_number(now.learning_rate));
  add_difference(d, "decay per epoch", exact_number(a.decay_per_epoch), exact_number(now.decay_per_epoch));
  add_difference(d, "steps per epoch", std::to_string(a.steps_per_epoch), std::to_string(now.steps_per_epoch));
  add_model_settings_differences(d, saved.model, now_model);
  return d;
}

inline void save_classifier_checkpoint(ClassifierTrainer<float>& t, const std::string& path, const ModelSettings& model, const RunPosition& position = {}) {
  if (!model.count("model")) throw std::invalid_argument("save_classifier_checkpoint: the model settings need a \"model\" name");
  Archive c;
  for (const auto& [k, v] : model) {
    if (detail::is_classifier_trainer_setting(k)) throw std::invalid_argument("save_classifier_checkpoint: model setting \"" + k + "\" is a name the trainer uses");
    c.set(k, v);
  }
  const ClassifierConfig& v = t.config();
  c.set("kind", "classifier_checkpoint");
  c.set("seed", std::to_string(v.seed));
  c.set("batch", std::to_string(v.batch));
  c.set("learning_rate", exact_number(v.learning_rate));
  c.set("decay_per_epoch", exact_number(v.decay_per_epoch));
  c.set("steps_per_epoch", std::to_string(v.steps_per_epoch));
  c.set("adam_step", std::to_string(t.optimizer().state().step));
  detail::set_position(c, position);
  c.set("data_rng", detail::rng_text(t.data_rng().state()));
  c.set("dropout_rng", detail::rng_text(t.dropout_rng().state()));
  AdamState<float> adam = t.optimizer().state();
  for (const auto& [name, tensor] : detail::classifier_named_state(t, adam)) c.add(name, *tensor);
  write_archive(path, c);
}

inline ClassifierCheckpointFile read_classifier_checkpoint(const std::string& path) {
  ClassifierCheckpointFile f{path, {}, read_archive(path)};
  const ByteReader r = detail::reader_naming(path);
  const detail::Settings s{f.archive, r};
  if (s.text("kind") != "classifier_checkpoint") r.fail("is a " + detail::kind_in_words(s.text("kind")) + ", not a classifier checkpoint");
  ClassifierCheckpointInfo& h = f.info;
  for (const auto& [k, v] : f.archive.settings)
    if (!detail::is_classifier_trainer_setting(k)) h.model[k] = v;
  if (!h.model.count("model")) r.fail("setting model is missing");
  h.config.seed = s.whole("seed", ~0ull);
  h.config.batch = static_cast<int>(s.whole("batch", 1 << 30));
  h.config.learning_rate = s.real("learning_rate");
  h.config.decay_per_epoch = s.real("decay_per_epoch");
  h.config.steps_per_epoch = static_cast<int>(s.whole("steps_per_epoch", 1 << 30));
  h.position = s.position();
  return f;
}

// Restores a trainer built with the checkpoint's settings (and `model`); returns where the run
// stood. The trainer changes only if the whole file is good.
inline RunPosition load_classifier_checkpoint(ClassifierTrainer<float>& t, const ClassifierCheckpointFile& f, const ModelSettings& model) {
  const ByteReader r = detail::reader_naming(f.path);
  const std::string differs = describe(classifier_settings_differences(f.info, t.config(), model));
  if (!differs.empty()) r.fail("holds another model or other settings than this trainer's: " + differs);
  AdamState<float> adam = t.optimizer().state();
  auto named = detail::classifier_named_state(t, adam);
  std::vector<Tensor<float>> staged = detail::staged_tensors(f.archive, named, r);
  const detail::Settings s{f.archive, r};
  const Rng::State data_state = s.rng("data_rng"), dropout_state = s.rng("dropout_rng");
  adam.step = static_cast<std::int64_t>(s.whole("adam_step", 1ull << 62));
  for (std::size_t i = 0; i < named.size(); ++i) *named[i].second = std::move(staged[i]);
  t.optimizer().set_state(adam);
  t.data_rng().set_state(data_state);
  t.dropout_rng().set_state(dropout_state);
  return f.info.position;
}

}  // namespace ganlite
