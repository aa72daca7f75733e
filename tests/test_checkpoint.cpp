// Checkpoints (ganlite/train/checkpoint.hpp, io/archive.hpp): a save and load continues
// bit-exactly, conditional models included; the file says which model it holds, so reading it
// builds that model; a file for another model is refused with what differs; files of the format
// before named tensors (version 3) still load as the seed model.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/dcgan_generator.hpp>
#include <ganlite/train/dcgan_recipe.hpp>
#include <string>

#include "error_of.hpp"

using namespace ganlite;

namespace {
const std::string kWork = GANLITE_TEST_WORK_DIR;

std::string work_file(const std::string& name) {
  REQUIRE(std::system(("mkdir -p " + kWork).c_str()) == 0);
  return kWork + "/" + name;
}

DcganConfig conditional_config() {
  DcganConfig c{3, 2e-4, 0.5, 4, 0.3, 0, {}, 1};
  c.classes = 10;
  for (int k = 0; k < 10; ++k) c.class_names.push_back(std::to_string(k));
  return c;
}

// Real images and labels for a few steps.
void train(DcganTrainer& t, int steps) {
  Rng data(17);
  Tensor<float> real({4, 28, 28, 1});
  std::vector<int> labels(4);
  for (int s = 0; s < steps; ++s) {
    for (auto& v : real) v = static_cast<float>(data.uniform() * 2 - 1);
    for (auto& y : labels) y = static_cast<int>(data.below(10));
    if (t.config().classes)
      t.train_step(real, labels);
    else
      t.train_step(real);
  }
}

bool same_state(DcganTrainer& a, DcganTrainer& b) {
  auto eq = [](const Tensor<float>& x, const Tensor<float>& y) {
    return x.shape() == y.shape() && std::memcmp(x.data(), y.data(), x.size() * 4) == 0;
  };
  for (int n = 0; n < 2; ++n) {
    auto x = n ? a.discriminator().state_tensors() : a.generator().state_tensors();
    auto y = n ? b.discriminator().state_tensors() : b.generator().state_tensors();
    for (std::size_t k = 0; k < x.size(); ++k)
      if (!eq(*x[k], *y[k])) return false;
    const AdamState<float> p = (n ? a.discriminator_optimizer() : a.generator_optimizer()).state();
    const AdamState<float> q = (n ? b.discriminator_optimizer() : b.generator_optimizer()).state();
    if (p.step != q.step) return false;
    for (std::size_t k = 0; k < p.m.size(); ++k)
      if (!eq(p.m[k], q.m[k]) || !eq(p.v[k], q.v[k])) return false;
  }
  return a.data_rng().state() == b.data_rng().state() && a.dropout_rng().state() == b.dropout_rng().state() &&
         eq(a.fixed_noise(), b.fixed_noise());
}

}  // namespace

namespace {
bool same_tensors(Sequential<float>& a, Sequential<float>& b) {
  const auto x = a.state_tensors(), y = b.state_tensors();
  if (x.size() != y.size()) return false;
  for (std::size_t k = 0; k < x.size(); ++k)
    if (x[k]->shape() != y[k]->shape() || std::memcmp(x[k]->data(), y[k]->data(), x[k]->size() * 4) != 0) return false;
  return true;
}
}  // namespace

TEST_CASE("a conditional checkpoint builds its own model and resumes bit-exactly") {
  const std::string path = work_file("conditional.ckpt");
  DcganTrainer a(conditional_config()), b(conditional_config());
  train(a, 2);
  RunPosition at;
  at.cursor.epoch = 1, at.cursor.step_in_epoch = 1, at.cursor.epoch_start = a.data_rng().state();
  at.data = {23, 0xfeedULL};
  save_checkpoint(a, path, at);
  train(a, 2);  // the run that was not interrupted

  const DcganConfig read = read_checkpoint_config(path);  // the model comes from the file
  CHECK(read.classes == 10);
  CHECK(read.class_names == conditional_config().class_names);
  CHECK(read.learning_rate == 2e-4);
  DcganTrainer c(read);
  const RunPosition loaded = load_checkpoint(c, path);  // where the run stood is the file's, not the trainer's
  CHECK(loaded.cursor.epoch == 1);
  CHECK(loaded.cursor.step_in_epoch == 1);
  CHECK(loaded.cursor.epoch_start == at.cursor.epoch_start);
  CHECK(loaded.data == at.data);
  train(c, 2);
  CHECK(same_state(a, c));
  CHECK(a.sample_fixed().shape() == Shape{100, 28, 28, 1});  // 10 classes x 10 fixed noise vectors
  (void)b;
}

TEST_CASE("a checkpoint of another model is refused with what differs") {
  const std::string path = work_file("seed.ckpt");
  DcganTrainer seed(DcganConfig{3, 2e-4, 0.5, 4, 0.3, 0, {}, 1});
  save_checkpoint(seed, path);
  DcganTrainer conditional(conditional_config());
  const std::string err = error_of([&] { load_checkpoint(conditional, path); });
  CHECK(err.find(path + ": was trained with other settings than this run's: classes 0 in the checkpoint, 10 now") == 0);
  // a file whose model is not the DCGAN
  const std::string data = read_file(path);
  ByteReader r(data, path);
  read_archive_preamble(r, data.size());
  Archive rec = read_archive_body(r);
  rec.set("model", "stylegan");
  write_archive(path + ".other", rec);
  CHECK(error_of([&] { read_checkpoint_config(path + ".other"); }).find("holds a \"stylegan\" model") != std::string::npos);
  // a tensor of the wrong shape: named, with both shapes
  rec.set("model", "dcgan");
  for (auto& [name, t] : rec.tensors)
    if (name == "generator/dense/kernel") t = Tensor<float>({110, 12544});
  write_archive(path + ".shape", rec);
  CHECK(error_of([&] { load_checkpoint(seed, path + ".shape"); }).find("tensor generator/dense/kernel has shape (110, 12544); this model's is (100, 12544)") !=
        std::string::npos);
}

TEST_CASE("a version 3 checkpoint (fixed header, tensors in order) loads as the seed model, bit for bit") {
  DcganTrainer a(DcganConfig{9, 1e-4, 0.9, 4, 0.3, 0, {}, 1});
  train(a, 2);
  const Rng::State epoch_start = a.data_rng().state();
  // written as version 3 wrote it
  ByteWriter w;
  w.bytes(kArchiveMagic, 8);
  w.u32(3);
  w.u32(2);
  w.u64(9);
  w.pod(1e-4);
  w.pod(0.9);
  w.u32(4);
  w.u32(1);
  for (auto v : epoch_start) w.u64(v);
  w.u32(4);
  w.u64(77);
  write_tensors(w, a.generator().state_tensors());
  write_tensors(w, a.discriminator().state_tensors());
  for (Adam<float>* opt : {&a.generator_optimizer(), &a.discriminator_optimizer()}) {
    AdamState<float> s = opt->state();
    w.pod<std::int64_t>(s.step);
    write_tensors(w, detail::pointers(s.m));
    write_tensors(w, detail::pointers(s.v));
  }
  for (auto v : a.data_rng().state()) w.u64(v);
  for (auto v : a.dropout_rng().state()) w.u64(v);
  write_tensors(w, std::vector<Tensor<float>*>{&a.fixed_noise()});
  w.crc_trailer();
  const std::string path = work_file("v3.ckpt");
  write_file_atomic(path, w.data());

  const GanCheckpointInfo h = read_checkpoint_info(path);
  CHECK(h.version == 3);
  CHECK(h.config.classes == 0);
  CHECK(h.model.at("model") == "dcgan");  // the seed model's settings, as a version 4 file says them
  DcganTrainer b(read_checkpoint_config(path));
  const RunPosition at = load_checkpoint(b, path);
  CHECK(same_state(a, b));
  CHECK(at.cursor.epoch == 2);
  CHECK(at.cursor.step_in_epoch == 1);
  CHECK(at.cursor.epoch_start == epoch_start);
  CHECK(at.data.images == 4);
  CHECK(at.data.fingerprint == 77);
  DcganGenerator g = load_dcgan_generator(path);  // sampling reads the fixed layout too
  CHECK(same_tensors(g.net, a.generator()));
  CHECK(g.position.cursor.epoch == 2);
}

TEST_CASE("the shard count is a setting of the checkpoint: another is refused, a bad one named") {
  const std::string path = work_file("shards.ckpt");
  DcganTrainer two(DcganConfig{3, 2e-4, 0.5, 4, 0.3, 0, {}, 2});
  save_checkpoint(two, path);
  CHECK(read_checkpoint_config(path).shards == 2);
  DcganTrainer one(DcganConfig{3, 2e-4, 0.5, 4, 0.3, 0, {}, 1});
  CHECK(error_of([&] { load_checkpoint(one, path); }).find("shards 2 in the checkpoint, 1 now") != std::string::npos);

  const std::string data = read_file(path);
  ByteReader r(data, path);
  read_archive_preamble(r, data.size());
  Archive rec = read_archive_body(r);
  for (const char* bad : {"0", "-3", "two"}) {
    CAPTURE(bad);
    rec.set("shards", bad);
    write_archive(path + ".bad", rec);
    const std::string err = error_of([&] { read_checkpoint_config(path + ".bad"); });
    CHECK(err.find(path + ".bad") != std::string::npos);
    CHECK(err.find("shards") != std::string::npos);
  }
}

TEST_CASE("a checkpoint keeps the generator's moving average: resumes bit-exactly; another decay, a bad one or none are named") {
  const std::string path = work_file("average.ckpt");
  DcganConfig cfg = conditional_config();
  cfg.generator_ema = 0.99;
  DcganTrainer a(cfg);
  train(a, 2);
  save_checkpoint(a, path);
  train(a, 2);

  const DcganConfig read = read_checkpoint_config(path);
  CHECK(read.generator_ema == 0.99);
  DcganTrainer c(read);
  load_checkpoint(c, path);
  train(c, 2);
  CHECK(same_state(a, c));
  REQUIRE(c.generator_average() != nullptr);
  const auto x = a.generator_average()->state_tensors(), y = c.generator_average()->state_tensors();
  for (std::size_t k = 0; k < x.size(); ++k) CHECK(std::memcmp(x[k]->data(), y[k]->data(), x[k]->size() * 4) == 0);

  DcganTrainer none(conditional_config());
  CHECK(error_of([&] { load_checkpoint(none, path); }).find("generator average decay 0.99 in the checkpoint, 0 now") != std::string::npos);

  const std::string data = read_file(path);
  ByteReader r(data, path);
  read_archive_preamble(r, data.size());
  Archive rec = read_archive_body(r);
  for (const char* bad : {"1", "-0.5", "fast"}) {
    CAPTURE(bad);
    rec.set("generator_ema", bad);
    write_archive(path + ".bad", rec);
    const std::string err = error_of([&] { read_checkpoint_config(path + ".bad"); });
    CHECK(err.find(path + ".bad") != std::string::npos);
    CHECK(err.find("generator_ema") != std::string::npos);
  }
  // A file from before the average (no generator_ema setting, no average tensors) reads as 0.
  DcganTrainer plain(conditional_config());
  save_checkpoint(plain, path);
  const std::string plain_data = read_file(path);
  ByteReader pr(plain_data, path);
  read_archive_preamble(pr, plain_data.size());
  Archive old = read_archive_body(pr);
  old.settings.erase("generator_ema");
  write_archive(path + ".old", old);
  CHECK(read_checkpoint_config(path + ".old").generator_ema == 0);
  DcganTrainer reader(conditional_config());
  load_checkpoint(reader, path + ".old");
  CHECK(same_state(plain, reader));
}

TEST_CASE("sampling reads the generator alone: its moving average unless the trained one is asked for, and draws as the trainer does") {
  const std::string path = work_file("sampler.ckpt");
  DcganConfig cfg = conditional_config();
  cfg.generator_ema = 0.5;
  DcganTrainer a(cfg);
  train(a, 2);
  RunPosition at;
  at.cursor.epoch = 3;
  save_checkpoint(a, path, at);

  DcganGenerator avg = load_dcgan_generator(path);
  CHECK(avg.averaged);
  CHECK(avg.position.cursor.epoch == 3);
  CHECK(avg.config.classes == 10);
  CHECK(same_tensors(avg.net, *a.generator_average()));
  DcganGenerator trained = load_dcgan_generator(path, true);
  CHECK_FALSE(trained.averaged);
  CHECK(same_tensors(trained.net, a.generator()));

  Tensor<float> z({3, kNoiseDim});
  Rng noise(4);
  for (auto& v : z) v = static_cast<float>(noise.normal());
  const std::vector<int> labels = {7, 0, 9};
  const Tensor<float> mine = avg.generate(z, labels);
  const Tensor<float>& theirs = a.generate(z, labels);  // the trainer draws from its average too
  CHECK(std::memcmp(mine.data(), theirs.data(), mine.size() * 4) == 0);
  CHECK(error_of([&] { avg.generate(z, {1, 2}); }) == "conditioning: 2 labels for a batch of 3");
}

TEST_CASE("the DCGAN's objective is a setting of its checkpoint: saved, built from the file, another refused by name") {
  const std::string path = work_file("hinge.ckpt");
  DcganConfig hinge;
  hinge.batch = 4, hinge.objective = "hinge";
  DcganTrainer a(hinge);
  CHECK(a.gan_config().objective.name == "hinge");
  train(a, 1);
  save_checkpoint(a, path);
  const DcganConfig read = read_checkpoint_config(path);
  CHECK(read.objective == "hinge");
  DcganTrainer b(read);
  load_checkpoint(b, path);
  train(a, 1);
  train(b, 1);
  CHECK(same_state(a, b));
  DcganConfig bce = hinge;
  bce.objective = "bce";
  DcganTrainer c(bce);
  CHECK(error_of([&] { load_checkpoint(c, path); }).find("objective hinge in the checkpoint, bce now") != std::string::npos);
  DcganConfig unknown = hinge;
  unknown.objective = "wasserstein";
  CHECK_THROWS_WITH(DcganTrainer{unknown}, "no GAN objective is named \"wasserstein\" (known: bce, hinge, least-squares)");
}

TEST_CASE("spectral normalization, augmentation and D's own learning rate are settings of the DCGAN's checkpoint: resumed bit-exactly, built from the file, a change refused by name") {
  const std::string path = work_file("recipe.ckpt");
  DcganConfig best = dcgan_recipe("best", conditional_config());  // hinge, G's moving average; and the other ingredients:
  best.spectral_norm = true, best.augment = "translation,cutout", best.discriminator_learning_rate = 4e-4;
  DcganTrainer a(best);
  CHECK(a.gan_config().discriminator_adam.learning_rate == 4e-4);
  CHECK(a.gan_config().generator_adam.learning_rate == 2e-4);
  train(a, 2);
  save_checkpoint(a, path);
  const DcganConfig read = read_checkpoint_config(path);
  CHECK(read.spectral_norm);
  CHECK(read.augment == "translation,cutout");
  CHECK(read.discriminator_learning_rate == 4e-4);
  CHECK(read.objective == "hinge");
  CHECK(read.generator_ema_warmup);
  DcganTrainer b(read);
  load_checkpoint(b, path);
  train(a, 2);
  train(b, 2);
  CHECK(same_state(a, b));  // the u vectors are among D's state tensors

  auto refusal = [&](auto change) {
    DcganConfig c = best;
    change(c);
    DcganTrainer t(c);
    return error_of([&] { load_checkpoint(t, path); });
  };
  CHECK(refusal([](DcganConfig& c) { c.spectral_norm = false; }).find("spectral normalization on in the checkpoint, off now") != std::string::npos);
  CHECK(refusal([](DcganConfig& c) { c.augment = "cutout"; }).find("augmentation translation,cutout in the checkpoint, cutout now") != std::string::npos);
  CHECK(refusal([](DcganConfig& c) { c.generator_ema_warmup = false; }).find("generator average warm-up on in the checkpoint, off now") != std::string::npos);
  CHECK(refusal([](DcganConfig& c) { c.discriminator_learning_rate = 0; }).find("discriminator learning rate 0.0004 in the checkpoint, 0.0002 now") !=
        std::string::npos);

  // Files from before these settings read as without them; a bad augmentation is named.
  Archive rec = read_archive(path);
  rec.set("augment", "flip");
  write_archive(path + ".bad", rec);
  const std::string err = error_of([&] { read_checkpoint_config(path + ".bad"); });
  CHECK(err.find(path + ".bad") != std::string::npos);
  CHECK(err.find("no augmentation is named \"flip\"") != std::string::npos);
  DcganConfig seed = conditional_config();
  DcganTrainer plain(seed);
  save_checkpoint(plain, path);
  const DcganConfig plain_read = read_checkpoint_config(path);
  CHECK(!plain_read.spectral_norm);
  CHECK(plain_read.augment == "none");
  CHECK(plain_read.discriminator_learning_rate == 0);
  CHECK(!plain_read.generator_ema_warmup);
}

TEST_CASE("recipes: seed is DcganConfig's defaults, paper the DCGAN paper's Adam, best the measured combination; others refused") {
  const DcganConfig seed = dcgan_recipe("seed"), defaults;
  CHECK(seed.learning_rate == defaults.learning_rate);
  CHECK(seed.beta1 == defaults.beta1);
  CHECK(seed.objective == "bce");
  CHECK(!seed.spectral_norm);
  CHECK(seed.augment == "none");
  CHECK(seed.generator_ema == 0);
  const DcganConfig paper = dcgan_recipe("paper");
  CHECK(paper.learning_rate == 2e-4);
  CHECK(paper.beta1 == 0.5);
  CHECK(paper.objective == "bce");
  DcganConfig mine;
  mine.seed = 9, mine.batch = 64, mine.shards = 2;
  const DcganConfig best = dcgan_recipe("best", mine);
  CHECK(best.seed == 9);  // the caller's own settings stay
  CHECK(best.batch == 64);
  CHECK(best.shards == 2);
  CHECK(best.learning_rate == 2e-4);  // the paper's Adam, the hinge objective, G's moving average warmed up
  CHECK(best.beta1 == 0.5);
  CHECK(best.objective == "hinge");
  CHECK(best.generator_ema == 0.999);
  CHECK(best.generator_ema_warmup);
  CHECK(!best.spectral_norm);  // each of these alone slowed it (docs/results.md)
  CHECK(best.augment == "none");
  CHECK(best.discriminator_learning_rate == 0);
  CHECK_THROWS_WITH(dcgan_recipe("fast"), "no DCGAN recipe is named \"fast\" (known: seed, paper, best)");
}
