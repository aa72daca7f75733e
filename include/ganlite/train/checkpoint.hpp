// ganlite/train/checkpoint.hpp — the full training checkpoint of a DcganTrainer.
//
// Format (little-endian), version 3 (versions 1 and 2, without the fields marked v2 and v3,
// still load):
//   "GNLTCKP1" | u32 version | u32 epoch | u64 seed | f64 learning rate | f64 beta1 | u32 batch
//   | v2: u32 steps done in the epoch in progress | v2: data Rng state at that epoch's start
//   | v3: u32 training images used | v3: u64 fingerprint of the training files
//   | generator state tensors | discriminator state tensors
//   | per optimizer (G, D): i64 step, m tensors, v tensors
//   | data Rng (4 x u64) | dropout Rng (4 x u64) | fixed noise tensor | u32 CRC32 of all before
// Written atomically (temporary file, fsync, rename). Loading checks magic, version, checksum,
// every shape and the hyper-parameters, and changes nothing unless the whole file is good.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../io/binary_file.hpp"
#include "../io/weights.hpp"
#include "dcgan_trainer.hpp"

namespace ganlite {

inline constexpr char kCheckpointMagic[8] = {'G', 'N', 'L', 'T', 'C', 'K', 'P', '1'};
inline constexpr std::uint32_t kCheckpointVersion = 3;

namespace detail {
inline void write_rng(ByteWriter& w, const Rng& r) {
  for (auto v : r.state()) w.u64(v);
}
inline Rng::State read_rng(ByteReader& r) {
  Rng::State s;
  for (auto& v : s) v = r.u64();
  return s;
}
inline std::vector<Tensor<float>*> pointers(std::vector<Tensor<float>>& ts) {
  std::vector<Tensor<float>*> p;
  for (auto& t : ts) p.push_back(&t);
  return p;
}
}  // namespace detail

inline void save_checkpoint(DcganTrainer& t, const std::string& path) {
  ByteWriter w;
  w.bytes(kCheckpointMagic, 8);
  w.u32(kCheckpointVersion);
  w.u32(static_cast<std::uint32_t>(t.epoch));
  w.u64(t.config().seed);
  w.pod(t.config().learning_rate);
  w.pod(t.config().beta1);
  w.u32(static_cast<std::uint32_t>(t.config().batch));
  w.u32(static_cast<std::uint32_t>(t.step_in_epoch));
  for (auto v : t.epoch_start_state) w.u64(v);
  w.u32(t.data_images);
  w.u64(t.data_fingerprint);
  write_tensors(w, t.generator().state_tensors());
  write_tensors(w, t.discriminator().state_tensors());
  for (Adam<float>* opt : {&t.generator_optimizer(), &t.discriminator_optimizer()}) {
    AdamState<float> s = opt->state();
    w.pod<std::int64_t>(s.step);
    write_tensors(w, detail::pointers(s.m));
    write_tensors(w, detail::pointers(s.v));
  }
  detail::write_rng(w, t.data_rng());
  detail::write_rng(w, t.dropout_rng());
  write_tensors(w, std::vector<Tensor<float>*>{&t.fixed_noise()});
  w.crc_trailer();
  write_file_atomic(path, w.data());
}

// A number as text that reads back as the same double (1e-07 stays 1e-07, never 0.000000).
inline std::string exact_number(double v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// The settings that shape a run's numbers where a and b differ ("--lr: 1e-07 in the checkpoint,
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
  return d;
}

namespace detail {
struct CheckpointHeader {
  DcganConfig config;
  std::uint32_t version = 0, epoch = 0, step_in_epoch = 0;
  Rng::State epoch_start{};
  std::uint32_t data_images = 0;  // v3; 0 in older files
  std::uint64_t data_fingerprint = 0;
};

// Checks magic, checksum and version, and reads the fields before the tensors.
inline CheckpointHeader read_checkpoint_header(ByteReader& r, std::size_t size) {
  if (size < 12) r.fail("not a ganlite checkpoint (too short)");
  char magic[8];
  r.bytes(magic, 8);
  if (std::memcmp(magic, kCheckpointMagic, 8) != 0) r.fail("not a ganlite checkpoint (bad magic number)");
  r.verify_crc_trailer();
  const std::uint32_t version = r.u32();
  if (version < 1 || version > 3) r.fail("unsupported checkpoint version " + std::to_string(version));
  CheckpointHeader h;
  h.version = version;
  h.epoch = r.u32();
  h.config.seed = r.u64();
  h.config.learning_rate = r.pod<double>();
  h.config.beta1 = r.pod<double>();
  h.config.batch = static_cast<int>(r.u32());
  if (version >= 2) {
    h.step_in_epoch = r.u32();
    h.epoch_start = read_rng(r);
  }
  if (version >= 3) {
    h.data_images = r.u32();
    h.data_fingerprint = r.u64();
  }
  return h;
}
}  // namespace detail

// Restores a trainer built with the same hyper-parameters from a checkpoint.
inline void load_checkpoint(DcganTrainer& t, const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  const detail::CheckpointHeader h = detail::read_checkpoint_header(r, data.size());
  const std::string differs = settings_difference(h.config, t.config());
  if (!differs.empty()) r.fail("was trained with other settings than this run's: " + differs + "; resume with the checkpoint's settings");

  // Stage everything in copies; commit only when the whole file has been read.
  auto copy_of = [](std::vector<Tensor<float>*> ps) {
    std::vector<Tensor<float>> c;
    for (auto* p : ps) c.push_back(*p);
    return c;
  };
  std::vector<Tensor<float>> g = copy_of(t.generator().state_tensors()), d = copy_of(t.discriminator().state_tensors());
  read_tensors(r, detail::pointers(g), 4, "generator");
  read_tensors(r, detail::pointers(d), 4, "discriminator");
  AdamState<float> opt[2] = {t.generator_optimizer().state(), t.discriminator_optimizer().state()};
  for (auto& s : opt) {
    s.step = r.pod<std::int64_t>();
    read_tensors(r, detail::pointers(s.m), 4, "Adam m");
    read_tensors(r, detail::pointers(s.v), 4, "Adam v");
  }
  const Rng::State data_state = detail::read_rng(r), drop_state = detail::read_rng(r);
  Tensor<float> noise = t.fixed_noise();
  read_tensors(r, std::vector<Tensor<float>*>{&noise}, 4, "fixed noise");
  if (r.remaining() != 0) r.fail("unexpected trailing bytes");

  auto gp = t.generator().state_tensors(), dp = t.discriminator().state_tensors();
  for (std::size_t i = 0; i < gp.size(); ++i) *gp[i] = std::move(g[i]);
  for (std::size_t i = 0; i < dp.size(); ++i) *dp[i] = std::move(d[i]);
  t.generator_optimizer().set_state(opt[0]);
  t.discriminator_optimizer().set_state(opt[1]);
  t.data_rng().set_state(data_state);
  t.dropout_rng().set_state(drop_state);
  t.fixed_noise() = std::move(noise);
  t.epoch = static_cast<int>(h.epoch);
  t.step_in_epoch = static_cast<int>(h.step_in_epoch);
  t.epoch_start_state = h.epoch_start;
  t.data_images = h.data_images;
  t.data_fingerprint = h.data_fingerprint;
}

}  // namespace ganlite

namespace ganlite {

// The hyper-parameters a checkpoint was trained with, so a program that only samples can build
// a matching DcganTrainer before load_checkpoint. Validates the whole file first.
inline DcganConfig read_checkpoint_config(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  return detail::read_checkpoint_header(r, data.size()).config;
}

// Everything before the tensors (settings, progress, data identity), after checking the file's
// magic number and checksum.
inline detail::CheckpointHeader read_checkpoint_info(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  return detail::read_checkpoint_header(r, data.size());
}

}  // namespace ganlite
