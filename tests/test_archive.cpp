// The one archive (ganlite/io/archive.hpp): checkpoints and weights files name their tensors by
// path; files written by an earlier build (tests/fixtures, commit 4628b09: a version 4 checkpoint
// with tensors named by position and no objective, a GNLTWGT1 weights file) still load, and a
// run resumed from one continues exactly as a run resumed from the same state saved today.
#include <doctest/doctest.h>

#include <cstring>
#include <ganlite/ganlite.hpp>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "small_gan.hpp"
#include "trainer_state.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {

const std::string kFixtures = GANLITE_FIXTURES_DIR;
const ModelSettings kModel = {{"model", "small"}, {"dropout", "0.3"}};

std::string fresh_dir(const std::string& name) { return fresh_work_dir(GANLITE_TEST_WORK_DIR, name); }

GanTrainer<float> small_trainer(const GanConfig& c) {
  return GanTrainer<float>(c, small_gan::generator<float>, [](Rng& init, Rng& dropout) { return small_gan::discriminator<float>(init, dropout, 0.3); });
}

// The batch the fixtures were trained on.
Tensor<float> fixture_batch() {
  Tensor<float> x({5, 4, 4, 2});
  Rng data(99);
  for (auto& v : x) v = static_cast<float>(data.uniform(-1, 1));
  return x;
}
const std::vector<int> kLabels = {0, 1, 2, 0, 1};

bool same_bits(const std::vector<Tensor<float>>& a, const std::vector<Tensor<float>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].shape() != b[i].shape() || std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(float)) != 0) return false;
  return true;
}
std::vector<Tensor<float>> copies(Sequential<float>& net) {
  std::vector<Tensor<float>> r;
  for (auto* t : net.state_tensors()) r.push_back(*t);
  return r;
}

}  // namespace

TEST_CASE("a version 4 checkpoint written by an earlier build loads, and resumes as today's file of the same state") {
  const std::string v4 = kFixtures + "/small_gan_v4.ckpt";
  const GanCheckpointInfo info = read_gan_checkpoint_info(v4);
  CHECK(info.model == kModel);
  CHECK(info.config.classes == 3);
  CHECK(info.config.seed == 11);
  CHECK(info.config.generator_ema == 0.9);
  CHECK(info.config.objective.name == "bce");  // the file predates the setting: bce, the only objective there was
  CHECK(info.position.cursor.step_in_epoch == 3);
  CHECK(info.position.data.images == 5);
  CHECK(info.position.data.fingerprint == 1234);

  GanTrainer<float> old_file = small_trainer(info.config);
  const RunPosition at = load_gan_checkpoint(old_file, v4, kModel);
  CHECK(old_file.generator_optimizer().state().step == 3);
  CHECK(old_file.weights_finite());

  // Saved again today (version 5, names by path) and loaded into a third trainer: the same state.
  const std::string v5 = fresh_dir("fixture_v4") + "/resaved.ckpt";
  save_gan_checkpoint(old_file, v5, kModel, at);
  GanTrainer<float> new_file = small_trainer(read_gan_checkpoint_info(v5).config);
  const RunPosition at5 = load_gan_checkpoint(new_file, v5, kModel);
  CHECK(at5.cursor.step_in_epoch == at.cursor.step_in_epoch);
  CHECK(at5.cursor.epoch_start == at.cursor.epoch_start);
  CHECK(at5.data == at.data);
  CHECK(same_bits(test_state::of(old_file), test_state::of(new_file)));
  CHECK(old_file.data_rng().state() == new_file.data_rng().state());
  CHECK(old_file.dropout_rng().state() == new_file.dropout_rng().state());

  // Both continue alike, step for step, and draw the same samples.
  const Tensor<float> x = fixture_batch();
  for (int s = 0; s < 2; ++s) {
    const StepStats a = old_file.train_step(x, kLabels), b = new_file.train_step(x, kLabels);
    CHECK(a.d_loss == b.d_loss);
    CHECK(a.g_loss == b.g_loss);
  }
  CHECK(same_bits(test_state::of(old_file), test_state::of(new_file)));
  const Tensor<float> sa = old_file.sample_fixed(), sb = new_file.sample_fixed();
  CHECK(same_bits({sa}, {sb}));
}

TEST_CASE("a weights file of the earlier format loads; networks come out of a checkpoint alone") {
  const std::string v4 = kFixtures + "/small_gan_v4.ckpt";
  GanTrainer<float> t = small_trainer(read_gan_checkpoint_info(v4).config);
  load_gan_checkpoint(t, v4, kModel);
  Rng other(5);

  // The fixture weights file holds the generator the fixture checkpoint holds.
  Sequential<float> g = small_gan::generator<float>(other);
  load_weights(g, kFixtures + "/small_generator.weights");
  CHECK(same_bits(copies(g), copies(t.generator())));

  // load_network: G's moving average alone, from the version 4 file and from today's.
  const std::string v5 = fresh_dir("networks") + "/today.ckpt";
  save_gan_checkpoint(t, v5, kModel);
  for (const std::string& file : {v4, v5}) {
    CAPTURE(file);
    Sequential<float> avg = small_gan::generator<float>(other);
    load_network(avg, file, "generator_average");
    CHECK(same_bits(copies(avg), copies(*t.generator_average())));
    Sequential<float> d = small_gan::discriminator<float>(other, other, 0.3);
    load_network(d, file, "discriminator");
    CHECK(same_bits(copies(d), copies(t.discriminator())));
  }
}

TEST_CASE("archives name tensors by path; weights files and checkpoints are told apart") {
  GanConfig c = small_gan::config();
  c.generator_ema = 0.5;
  GanTrainer<float> t = small_trainer(c);
  const std::string dir = fresh_dir("names");
  save_gan_checkpoint(t, dir + "/c.ckpt", kModel);
  const Archive a = read_archive(dir + "/c.ckpt");
  CHECK(a.version == kArchiveVersion);
  CHECK(*a.setting("kind") == "checkpoint");
  for (const char* name : {"generator/dense/kernel", "generator/batch_normalization/moving_variance", "generator/conv2d_transpose/bias",
                           "generator/adam/m/dense/kernel", "generator/adam/v/batch_normalization/gamma", "discriminator/conv2d/kernel",
                           "discriminator/adam/m/dense/bias", "generator_average/batch_normalization/moving_mean", "fixed_noise"}) {
    CAPTURE(name);
    CHECK(a.find(name) != nullptr);
  }
  const std::string listing = archive_listing(a);
  CHECK(listing.find("  objective = bce\n") != std::string::npos);
  CHECK(listing.find("  generator/dense/kernel  (6, 32)\n") != std::string::npos);

  save_weights(t.generator(), dir + "/g.weights");
  const Archive w = read_archive(dir + "/g.weights");
  CHECK(*w.setting("kind") == "weights");
  CHECK(*w.setting("model") == "small_g");
  CHECK(w.find("dense/kernel") != nullptr);
  Rng other(3);
  Sequential<float> g = small_gan::generator<float>(other);
  load_weights(g, dir + "/g.weights");
  CHECK(same_bits(copies(g), copies(t.generator())));

  CHECK(error_of([&] { load_weights(g, dir + "/c.ckpt"); }) ==
        dir + "/c.ckpt: is a checkpoint file, not a weights file (take a network out of a checkpoint with load_network)");
  CHECK(error_of([&] { load_network(g, dir + "/g.weights", "generator"); }) == dir + "/g.weights: is a weights file, not a checkpoint (load it with load_weights)");
  CHECK(error_of([&] { read_gan_checkpoint_info(dir + "/g.weights"); }) == dir + "/g.weights: is a weights file, not a checkpoint");
  CHECK(error_of([&] { load_network(g, dir + "/c.ckpt", "discriminator"); }) ==
        dir + "/c.ckpt: tensor discriminator/dense/kernel has shape (12, 1), the model expects (6, 32)");
  CHECK(error_of([&] { load_network(g, dir + "/c.ckpt", "critic"); }) == dir + "/c.ckpt: has no tensor critic/dense/kernel (model \"small_g\")");

  // Two layers of one name can't be told apart in a file: said when saving, not when loading.
  Sequential<float> twins("twins", {2});
  twins.add(Dense(DenseOptions(2, 2), other));
  twins.add(Dense(DenseOptions(2, 2), other));
  twins.layer(1).set_name("dense");
  CHECK(error_of([&] { save_weights(twins, dir + "/twins.weights"); }).find("the tensor name dense/kernel is given twice") != std::string::npos);
}

TEST_CASE("a damaged file of the earlier weights format is named, not listed") {
  const std::string fixture = read_file(kFixtures + "/small_generator.weights");
  const std::string dir = fresh_dir("damaged_listing");
  std::string flipped = fixture;
  flipped[flipped.size() / 2] ^= 0x10;
  write_file_atomic(dir + "/flipped.weights", flipped);
  CHECK(error_of([&] { file_listing(dir + "/flipped.weights"); }).find(dir + "/flipped.weights: ") == 0);
  // A well-formed file (checksum made anew) whose tensor claims more values than the file holds.
  std::string big = fixture.substr(0, fixture.size() - 4);
  const std::size_t dims = 8 + 4 + 4 + 4 + std::string("small_g").size() + 4 + 4;  // magic, version, scalar, name, count, rank
  std::int32_t huge = 1 << 30;
  std::memcpy(&big[dims], &huge, 4);
  ByteWriter w;
  w.bytes(big.data(), big.size());
  w.crc_trailer();
  write_file_atomic(dir + "/huge.weights", w.data());
  CHECK(error_of([&] { file_listing(dir + "/huge.weights"); }) == dir + "/huge.weights: tensor 0 has an implausible shape");
}
