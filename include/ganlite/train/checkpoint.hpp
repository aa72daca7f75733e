// ganlite/train/checkpoint.hpp — the seed DCGAN's checkpoint.
//
// Versions 4 and 5 are gan_checkpoint.hpp's archive (settings and named tensors) with the model settings
//   model "dcgan" (the seed's layers, models/dcgan.hpp), dropout, class_names (comma-separated),
//   shards, and spectral_norm = 1 when D is spectrally normalized (absent: it is not)
// so reading one builds the right model by itself (read_checkpoint_config), and loading it into
// another model says what differs. Versions 1 to 3 (a fixed header, then the tensors in order;
// below) still load, as the seed model.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "../io/weights.hpp"
#include "dcgan_trainer.hpp"
#include "gan_checkpoint.hpp"

namespace ganlite {

inline constexpr int kMaxDcganClasses = 256;

// The model settings a DCGAN checkpoint holds beside the trainer's own.
inline ModelSettings dcgan_model_settings(const DcganConfig& k) {
  std::string names;
  for (const auto& n : k.class_names) names += (names.empty() ? "" : ",") + n;
  ModelSettings m = {{"model", "dcgan"}, {"dropout", exact_number(k.dropout)}, {"class_names", names}, {"shards", std::to_string(k.shards)}};
  if (k.spectral_norm) m["spectral_norm"] = "1";  // said only when on, so files from before it compare equal
  return m;
}

// The settings that shape a DCGAN run's numbers, where saved and now differ: the trainer's
// (gan_config_differences) and the shards. Say them with dcgan_setting_name.
inline SettingDifferences dcgan_settings_differences(const DcganConfig& saved, const DcganConfig& now) {
  SettingDifferences d = gan_config_differences(dcgan_gan_config(saved), dcgan_gan_config(now));
  // Where D's learning rate follows G's on both sides, the one difference is G's: said once.
  if (saved.discriminator_learning_rate == 0 && now.discriminator_learning_rate == 0)
    d.erase(std::remove_if(d.begin(), d.end(), [](const SettingDifference& x) { return x.setting == "discriminator learning rate"; }), d.end());
  add_difference(d, "shards", std::to_string(saved.shards), std::to_string(now.shards));
  add_difference(d, "spectral normalization", saved.spectral_norm ? "on" : "off", now.spectral_norm ? "on" : "off");
  return d;
}

// A DCGAN setting as DcganConfig has it: one learning rate (D's may be its own) and one beta1 for
// both networks, and the fixed noise vectors follow from the classes (so they go unsaid).
inline std::string dcgan_setting_name(const std::string& setting) {
  if (setting == "generator learning rate") return "learning rate";
  if (setting == "generator beta1" || setting == "discriminator beta1") return "beta1";
  return setting == "fixed noise vectors" ? "" : setting;
}

namespace detail {

// The DCGAN a checkpoint's settings describe; `fail(why)` throws, naming the file.
template <class Fail>
DcganConfig dcgan_config_of(const GanCheckpointInfo& g, Fail fail) {
  auto setting = [&](const std::string& key) -> const std::string& {
    const auto it = g.model.find(key);
    if (it == g.model.end()) fail("setting " + key + " is missing");
    return it->second;
  };
  if (setting("model") != "dcgan") fail("holds a \"" + setting("model") + "\" model, not the DCGAN this program trains");
  if (!known_objective(g.config.objective.name))
    fail("trained with the objective \"" + g.config.objective.name + "\"; the DCGAN trainer knows " + known_objectives());
  if (g.config.noise_dim != kNoiseDim) fail("has noise_dim " + std::to_string(g.config.noise_dim) + "; the DCGAN takes " + std::to_string(kNoiseDim));
  const AdamConfig& a = g.config.generator_adam;
  const AdamConfig& b = g.config.discriminator_adam;
  if (a.beta1 != b.beta1 || a.beta2 != 0.999 || b.beta2 != 0.999 || a.epsilon != 1e-7 || b.epsilon != 1e-7)
    fail("has Adam settings the DCGAN trainer does not use (one beta1 for both networks, beta2 0.999, epsilon 1e-07)");
  DcganConfig k;
  k.seed = g.config.seed;
  k.batch = g.config.batch;
  k.learning_rate = a.learning_rate;
  k.discriminator_learning_rate = b.learning_rate == a.learning_rate ? 0 : b.learning_rate;
  k.beta1 = a.beta1;
  k.augment = g.config.augment.name();
  if (g.model.count("spectral_norm")) {
    if (setting("spectral_norm") != "1") fail("setting spectral_norm = \"" + setting("spectral_norm") + "\" is not 1 (on; absent: off)");
    k.spectral_norm = true;
  }
  const std::string& dropout = setting("dropout");
  char* end = nullptr;
  k.dropout = std::strtod(dropout.c_str(), &end);
  if (dropout.empty() || *end || !(k.dropout >= 0 && k.dropout < 1)) fail("setting dropout = \"" + dropout + "\" is not a rate in [0, 1)");
  k.classes = g.config.classes;
  // The DCGAN's classes are the labels of its data, one byte each (IDX), so at most 256: a file
  // that says more could be trained on no data, and its labels could not be written.
  if (k.classes > kMaxDcganClasses) fail("has " + std::to_string(k.classes) + " classes; a DCGAN has at most " + std::to_string(kMaxDcganClasses) + " (its labels are bytes)");
  k.generator_ema = g.config.generator_ema;
  k.generator_ema_warmup = g.config.generator_ema_warmup;
  k.objective = g.config.objective.name;
  if (g.model.count("shards")) {  // files before data-parallel training: 1
    const std::string& shards = setting("shards");
    const long n = std::strtol(shards.c_str(), &end, 10);
    if (shards.empty() || *end || n < 1 || n > (1 << 20)) fail("setting shards = \"" + shards + "\" is not a shard count");
    k.shards = static_cast<int>(n);
  }
  std::stringstream names(setting("class_names"));
  for (std::string n; std::getline(names, n, ',');) k.class_names.push_back(n);
  if (static_cast<int>(k.class_names.size()) != k.classes)
    fail("names " + std::to_string(k.class_names.size()) + " classes, has " + std::to_string(k.classes));
  return k;
}

// Versions 1 to 3: "GNLTCKP1" | u32 version | u32 epoch | u64 seed | f64 learning rate | f64 beta1
// | u32 batch | v2: u32 steps done in the epoch in progress, data Rng state at that epoch's start
// | v3: u32 training images used, u64 fingerprint of the training files
// | generator, discriminator state tensors | per optimizer (G, D): i64 step, m, v tensors
// | data Rng (4 x u64) | dropout Rng (4 x u64) | fixed noise tensor | u32 CRC32
// Their settings are the seed model's (dcgan_model_settings of a default DcganConfig with the file's
// seed, learning rate, beta1 and batch).
inline GanCheckpointInfo read_legacy_info(ByteReader& r, std::uint32_t version) {
  GanCheckpointInfo h;
  h.version = version;
  DcganConfig k;
  LoopCursor& at = h.position.cursor;
  at.epoch = static_cast<int>(r.u32());
  k.seed = r.u64();
  k.learning_rate = r.pod<double>();
  k.beta1 = r.pod<double>();
  k.batch = static_cast<int>(r.u32());
  if (version >= 2) {
    at.step_in_epoch = static_cast<int>(r.u32());
    for (auto& v : at.epoch_start) v = r.u64();
  }
  if (version >= 3) {
    h.position.data.images = r.u32();
    h.position.data.fingerprint = r.u64();
  }
  h.config = dcgan_gan_config(k);
  h.model = dcgan_model_settings(k);
  return h;
}

// A version 4 or later archive's settings, checked to be a DCGAN's.
inline GanCheckpointInfo dcgan_info_of(const Archive& c, const ByteReader& r) {
  GanCheckpointInfo g = gan_info_of(c, r);
  dcgan_config_of(g, [&](const std::string& why) { r.fail(why); });
  return g;
}

inline std::vector<Tensor<float>*> pointers(std::vector<Tensor<float>>& ts) {
  std::vector<Tensor<float>*> p;
  for (auto& t : ts) p.push_back(&t);
  return p;
}

}  // namespace detail

inline void save_checkpoint(DcganTrainer& t, const std::string& path, const RunPosition& position = {}) {
  save_gan_checkpoint(t, path, dcgan_model_settings(t.config()), position);
}

// A DCGAN checkpoint of any version, read: version 4 and later whole and checked (every tensor,
// finite values included), versions 1 to 3 their header (their tensors load from the path).
inline GanCheckpointFile read_checkpoint(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  if (version < 4) return {path, detail::read_legacy_info(r, version), {}};
  GanCheckpointFile f{path, {}, read_archive_body(r, version)};
  f.info = detail::dcgan_info_of(f.archive, r);
  return f;
}

// Everything but the tensors (settings, the run's position), checked to be a DCGAN's
// (dcgan_config_of gives its DcganConfig).
inline GanCheckpointInfo read_checkpoint_info(const std::string& path) { return read_checkpoint(path).info; }

// The DCGAN of a checkpoint's settings (read by read_checkpoint_info).
inline DcganConfig dcgan_config_of(const GanCheckpointInfo& info) {
  return detail::dcgan_config_of(info, [](const std::string& why) -> void { throw std::invalid_argument("dcgan_config_of: the settings " + why); });
}

// The model and settings a checkpoint was trained with, to build a matching DcganTrainer.
inline DcganConfig read_checkpoint_config(const std::string& path) { return dcgan_config_of(read_checkpoint_info(path)); }

// Restores a trainer built with the checkpoint's settings (read_checkpoint_config) and returns
// where the run stood. All or nothing: the trainer changes only once the whole file has been
// read and checked.
inline RunPosition load_checkpoint(DcganTrainer& t, const GanCheckpointFile& f) {
  const DcganConfig saved = dcgan_config_of(f.info);
  {
    const ByteReader named = detail::reader_naming(f.path);
    const std::string differs = describe(dcgan_settings_differences(saved, t.config()), dcgan_setting_name);
    if (!differs.empty()) named.fail("was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");
    if (f.info.version >= 4) {
      if (saved.dropout != t.config().dropout)
        named.fail("has dropout " + exact_number(saved.dropout) + "; this trainer's is " + exact_number(t.config().dropout));
      return detail::restore_gan_state(t, f.archive, named);
    }
  }
  const std::string data = read_file(f.path);
  ByteReader r(data, f.path);
  const GanCheckpointInfo h = detail::read_legacy_info(r, read_archive_preamble(r, data.size()));
  // Versions 1 to 3: the tensors in a fixed order, the same as named_state's, Adam steps between.
  AdamState<float> adam[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  auto named = detail::named_state(t, adam);
  std::vector<Tensor<float>> staged;
  Rng::State data_state{}, drop_state{};
  {
    for (const auto& nt : named) staged.push_back(*nt.tensor);
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
  detail::commit_state(t, named, staged, adam, data_state, drop_state);
  return h.position;
}
inline RunPosition load_checkpoint(DcganTrainer& t, const std::string& path) { return load_checkpoint(t, read_checkpoint(path)); }

}  // namespace ganlite
