// ganlite/train/checkpoint.hpp — the seed DCGAN's checkpoint.
//
// Versions 4 and 5 are gan_checkpoint.hpp's archive (settings and named tensors) with the model settings
//   model "dcgan" (the seed's layers, models/dcgan.hpp), dropout, class_names (comma-separated)
// so reading one builds the right model by itself (read_checkpoint_config), and loading it into
// another model says what differs. Versions 1 to 3 (a fixed header, then the tensors in order;
// below) still load, as the seed model.
#pragma once
#include <sstream>
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
  return {{"model", "dcgan"}, {"dropout", exact_number(k.dropout)}, {"class_names", names}, {"shards", std::to_string(k.shards)}};
}

// The settings that shape a DCGAN run's numbers, where saved and now differ: the trainer's
// (gan_config_differences) and the shards. Say them with dcgan_setting_name.
inline SettingDifferences dcgan_settings_differences(const DcganConfig& saved, const DcganConfig& now) {
  SettingDifferences d = gan_config_differences(dcgan_gan_config(saved), dcgan_gan_config(now));
  add_difference(d, "shards", std::to_string(saved.shards), std::to_string(now.shards));
  return d;
}

// A DCGAN setting as DcganConfig has it: one learning rate and beta1 for both networks, and the
// fixed noise vectors follow from the classes (so they go unsaid).
inline std::string dcgan_setting_name(const std::string& setting) {
  for (const char* shared : {"learning rate", "beta1"})
    if (setting == std::string("generator ") + shared || setting == std::string("discriminator ") + shared) return shared;
  return setting == "fixed noise vectors" ? "" : setting;
}

namespace detail {

struct CheckpointHeader {
  DcganConfig config;
  std::uint32_t version = 0, epoch = 0, step_in_epoch = 0;
  Rng::State epoch_start{};
  std::uint32_t data_images = 0;  // v3 and later; 0 in older files
  std::uint64_t data_fingerprint = 0;
};

inline CheckpointHeader header_of(const Archive& c, const ByteReader& r) {
  const GanCheckpointInfo g = gan_info_of(c, r);
  const Settings s{c, r};
  if (s.text("model") != "dcgan") r.fail("holds a \"" + s.text("model") + "\" model, not the DCGAN this program trains");
  if (g.config.objective.name != "bce") r.fail("trained with the objective \"" + g.config.objective.name + "\"; the DCGAN trainer trains with bce");
  if (g.config.noise_dim != kNoiseDim) r.fail("has noise_dim " + s.text("noise_dim") + "; the DCGAN takes " + std::to_string(kNoiseDim));
  const AdamConfig& a = g.config.generator_adam;
  const AdamConfig& b = g.config.discriminator_adam;
  if (a.learning_rate != b.learning_rate || a.beta1 != b.beta1 || a.beta2 != 0.999 || b.beta2 != 0.999 || a.epsilon != 1e-7 || b.epsilon != 1e-7)
    r.fail("has Adam settings the DCGAN trainer does not use (one learning rate and beta1 for both networks, beta2 0.999, epsilon 1e-07)");
  CheckpointHeader h;
  h.version = c.version;
  DcganConfig& k = h.config;
  k.seed = g.config.seed;
  k.batch = g.config.batch;
  k.learning_rate = a.learning_rate;
  k.beta1 = a.beta1;
  k.dropout = s.real("dropout");
  if (!(k.dropout >= 0 && k.dropout < 1)) r.fail("setting dropout = \"" + s.text("dropout") + "\" is not a rate in [0, 1)");
  k.classes = g.config.classes;
  // The DCGAN's classes are the labels of its data, one byte each (IDX), so at most 256: a file
  // that says more could be trained on no data, and its labels could not be written.
  if (k.classes > kMaxDcganClasses) r.fail("has " + std::to_string(k.classes) + " classes; a DCGAN has at most " + std::to_string(kMaxDcganClasses) + " (its labels are bytes)");
  k.generator_ema = g.config.generator_ema;
  k.shards = c.settings.count("shards") ? static_cast<int>(s.whole("shards", 1 << 20)) : 1;  // files before data-parallel training: 1
  if (k.shards < 1) r.fail("setting shards = 0 is not a shard count");
  std::stringstream names(s.text("class_names"));
  for (std::string n; std::getline(names, n, ',');) k.class_names.push_back(n);
  if (static_cast<int>(k.class_names.size()) != k.classes) r.fail("names " + std::to_string(k.class_names.size()) + " classes, has " + s.text("classes"));
  h.epoch = static_cast<std::uint32_t>(g.epoch);
  h.step_in_epoch = static_cast<std::uint32_t>(g.step_in_epoch);
  h.epoch_start = g.epoch_start;
  h.data_images = g.data_images;
  h.data_fingerprint = g.data_fingerprint;
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

}  // namespace detail

inline void save_checkpoint(DcganTrainer& t, const std::string& path) { save_gan_checkpoint(t, path, dcgan_model_settings(t.config())); }

// Everything but the tensors (settings, progress, data identity), after checking the file's
// magic number and checksum.
inline detail::CheckpointHeader read_checkpoint_info(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  return version >= 4 ? detail::header_of(read_archive_body(r, version), r) : detail::read_legacy_header(r, version);
}

// The model and settings a checkpoint was trained with, to build a matching DcganTrainer.
inline DcganConfig read_checkpoint_config(const std::string& path) { return read_checkpoint_info(path).config; }

// Restores a trainer built with the checkpoint's settings (read_checkpoint_config). All or
// nothing: the trainer changes only once the whole file has been read and checked.
inline void load_checkpoint(DcganTrainer& t, const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  Archive c;
  const detail::CheckpointHeader h = version >= 4 ? detail::header_of(c = read_archive_body(r, version), r) : detail::read_legacy_header(r, version);
  const std::string differs = describe(dcgan_settings_differences(h.config, t.config()), dcgan_setting_name);
  if (!differs.empty()) r.fail("was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");

  if (version >= 4) {
    if (h.config.dropout != t.config().dropout)
      r.fail("has dropout " + exact_number(h.config.dropout) + "; this trainer's is " + exact_number(t.config().dropout));
    detail::restore_gan_state(t, c, r);
    return;
  }
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
  for (std::size_t i = 0; i < named.size(); ++i) *named[i].tensor = std::move(staged[i]);
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
