// The trainer's step run data-parallel (GanTrainer::shard) in one process, on the small
// conditional GAN of small_gan.hpp (BatchNorm in G, Dropout in D) and on the seed DCGAN:
//   - 1, 2 and 4 shards: bit for bit the data-parallel step as it was before the step was
//     written once (tests/reference/data_parallel_reference.hpp), with and without G's average;
//   - one shard: bit for bit GanTrainer::train_step (weights, BatchNorm statistics, Adam, Rngs);
//   - 2 and 4 shards: synchronized BatchNorm and the shard-scaled losses make the same step to
//     float rounding (max |difference| <= 1e-6 * max(1, max |value|) per tensor, after 3 steps;
//     seen: below 1e-8; without the synchronized BatchNorm: 3e-4 to 6e-3);
//   - a batch smaller than the shard count, or shards the processes can't share, are refused.
// tests/mpi/data_parallel_mpi.cpp runs the same step on 2 and 4 processes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ganlite/train/dcgan_trainer.hpp>
#include <vector>

#include "error_of.hpp"
#include "reference/data_parallel_reference.hpp"
#include "small_gan.hpp"
#include "trainer_state.hpp"

using namespace ganlite;

namespace {

Sequential<float> small_d(Rng& init, Rng& dropout) { return small_gan::discriminator<float>(init, dropout, 0.3); }

GanTrainer<float> small_trainer(int batch) {
  GanConfig c = small_gan::config();
  c.batch = batch;
  return GanTrainer<float>(c, small_gan::generator<float>, small_d);
}

struct Batch {
  Tensor<float> images;
  std::vector<int> labels;
};
std::vector<Batch> batches(int count, int batch, const Shape& image) {
  Rng r(41);
  std::vector<Batch> out;
  for (int i = 0; i < count; ++i) {
    Shape s{batch};
    s.insert(s.end(), image.begin(), image.end());
    Batch b{Tensor<float>(s), std::vector<int>(static_cast<std::size_t>(batch))};
    for (auto& v : b.images) v = static_cast<float>(r.uniform() * 2 - 1);
    for (auto& y : b.labels) y = static_cast<int>(r.below(small_gan::kClasses));
    out.push_back(b);
  }
  return out;
}

void check_same_bits(GanTrainer<float>& a, GanTrainer<float>& b) {
  const auto x = test_state::of(a), y = test_state::of(b);
  REQUIRE(x.size() == y.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    INFO("tensor " << k);
    CHECK(std::memcmp(x[k].data(), y[k].data(), x[k].size() * sizeof(float)) == 0);
  }
  CHECK(a.data_rng().state() == b.data_rng().state());
  CHECK(a.dropout_rng().state() == b.dropout_rng().state());
}

// Each tensor of `got` equals `want`'s to float rounding: max |difference| <= 1e-6 * max(1, max |value|).
void check_close(const std::vector<Tensor<float>>& got, const std::vector<Tensor<float>>& want, int shards) {
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    double err = 0, scale = 1;
    for (std::size_t i = 0; i < want[k].size(); ++i) {
      err = std::max(err, static_cast<double>(std::abs(got[k][i] - want[k][i])));
      scale = std::max(scale, static_cast<double>(std::abs(want[k][i])));
    }
    INFO(shards << " shards, tensor " << k << ": max difference " << err);
    CHECK(err <= 1e-6 * scale);
  }
}

}  // namespace

TEST_CASE("1, 2 and 4 shards: the step as the frozen data-parallel reference makes it, bit for bit (with G's average too)") {
  const auto data = batches(3, 8, {4, 4, 2});
  for (double ema : {0.0, 0.9})
    for (int shards : {1, 2, 4}) {
      INFO(shards << " shards, generator_ema " << ema);
      GanConfig c = small_gan::config();
      c.batch = 8, c.generator_ema = ema;
      GanTrainer<float> now(c, small_gan::generator<float>, small_d), then(c, small_gan::generator<float>, small_d);
      SingleProcess one;
      now.shard(one, shards);
      reference::DataParallelGan oracle(then, small_gan::generator<float>, small_d, one, shards);
      for (const auto& b : data) {
        const StepStats p = now.train_step(b.images, b.labels), q = oracle.train_step(b.images, b.labels);
        CHECK(p.d_loss == q.d_loss);
        CHECK(p.g_loss == q.g_loss);
        CHECK(p.d_real == q.d_real);
        CHECK(p.d_fake == q.d_fake);
      }
      check_same_bits(now, then);  // test_state::of includes the average
    }
}

TEST_CASE("one shard in one process is GanTrainer's step, bit for bit") {
  const auto data = batches(3, 8, {4, 4, 2});
  GanTrainer<float> plain = small_trainer(8), sharded = small_trainer(8);
  SingleProcess one;
  sharded.shard(one, 1);
  for (const auto& b : data) {
    const StepStats p = plain.train_step(b.images, b.labels), q = sharded.train_step(b.images, b.labels);
    CHECK(p.d_real == q.d_real);
    CHECK(p.g_loss == q.g_loss);
    CHECK(p.d_loss == q.d_loss);
  }
  check_same_bits(plain, sharded);
}

TEST_CASE("the seed DCGAN: 1 and 2 shards as the frozen reference, bit for bit") {
  for (int shards : {1, 2}) {
    INFO(shards << " shards");
    DcganConfig c;
    c.seed = 4, c.batch = 6;
    DcganTrainer now(c), then(c);
    SingleProcess one;
    now.shard(one, shards);
    reference::DataParallelGan oracle(then, dcgan_generator_factory(c), dcgan_discriminator_factory(c), one, shards);
    Rng r(5);
    Tensor<float> real({6, 28, 28, 1});
    for (int s = 0; s < 2; ++s) {
      for (auto& v : real) v = static_cast<float>(r.uniform() * 2 - 1);
      now.train_step(real);
      oracle.train_step(real);
    }
    check_same_bits(now, then);
  }
}

TEST_CASE("2 and 4 shards make the one-shard step to float rounding (synchronized BatchNorm, scaled losses, whole-batch masks)") {
  const auto data = batches(3, 8, {4, 4, 2});
  GanTrainer<float> reference = small_trainer(8);
  for (const auto& b : data) reference.train_step(b.images, b.labels);
  const auto want = test_state::of(reference);
  for (int shards : {2, 4}) {
    GanTrainer<float> t = small_trainer(8);
    SingleProcess one;
    t.shard(one, shards);
    for (const auto& b : data) t.train_step(b.images, b.labels);
    check_close(test_state::of(t), want, shards);
    CHECK(t.dropout_rng().state() == reference.dropout_rng().state());
    CHECK(t.data_rng().state() == reference.data_rng().state());
  }
}

TEST_CASE("with augmentation and a spectrally normalized D, 2 and 4 shards make the one-shard step to float rounding") {
  const auto data = batches(3, 8, {4, 4, 2});
  GanConfig c = small_gan::config();
  c.batch = 8, c.augment = augmentation_named("translation,cutout"), c.objective = hinge_objective();
  auto sn_d = [](Rng& init, Rng& dropout) { return small_gan::discriminator<float>(init, dropout, 0.3, true); };
  GanTrainer<float> reference(c, small_gan::generator<float>, sn_d);
  for (const auto& b : data) reference.train_step(b.images, b.labels);
  const auto want = test_state::of(reference);
  for (int shards : {2, 4}) {
    GanTrainer<float> t(c, small_gan::generator<float>, sn_d);
    SingleProcess one;
    t.shard(one, shards);
    for (const auto& b : data) t.train_step(b.images, b.labels);
    check_close(test_state::of(t), want, shards);
    CHECK(t.data_rng().state() == reference.data_rng().state());  // the whole batch's draws, on every shard count
  }
}

TEST_CASE("shards that can't be made or shared are refused") {
  GanTrainer<float> t = small_trainer(3);
  SingleProcess one;
  t.shard(one, 4);
  const auto data = batches(1, 3, {4, 4, 2});
  CHECK_THROWS_WITH_AS(t.train_step(data[0].images, data[0].labels), "a batch of 3 images can't be cut into 4 shards", std::invalid_argument);
  CHECK_THROWS_AS(t.shard(one, 0), std::invalid_argument);
}

TEST_CASE("a trainer given models the user built trains as one that built them, over shards and with G's average too") {
  const auto data = batches(3, 8, {4, 4, 2});
  for (double ema : {0.0, 0.9})
    for (int shards : {1, 2}) {
      INFO(shards << " shards, generator_ema " << ema);
      GanConfig c = small_gan::config();
      c.batch = 8, c.generator_ema = ema;
      GanTrainer<float> built_here(c, small_gan::generator<float>, small_d);
      std::unique_ptr<GanTrainer<float>> given;
      {
        Rng init(c.seed);  // the trainer's own weight draws, in the same order
        auto dropout = std::make_unique<Rng>(12345);  // the user's, gone before training: D must draw from the trainer's
        Sequential<float> g = small_gan::generator<float>(init);
        Sequential<float> d = small_d(init, *dropout);
        given = std::make_unique<GanTrainer<float>>(c, std::move(g), std::move(d));
        dropout.reset();
      }
      SingleProcess one;
      built_here.shard(one, shards);
      given->shard(one, shards);
      for (const auto& b : data) {
        const StepStats p = built_here.train_step(b.images, b.labels), q = given->train_step(b.images, b.labels);
        CHECK(p.d_loss == q.d_loss);
        CHECK(p.g_loss == q.g_loss);
      }
      check_same_bits(built_here, *given);
    }
}

TEST_CASE("a model with a layer that can't be copied is refused by name when a copy is needed") {
  struct Opaque : Layer<float> {
    std::string type() const override { return "Opaque"; }
    Shape output_shape(const Shape& in) const override { return in; }
    const Tensor<float>& forward(const Tensor<float>& x, Mode) override { return x; }
    const Tensor<float>& backward(const Tensor<float>& dy) override { return dy; }
  };
  Rng init(1);
  Sequential<float> g = small_gan::generator<float>(init);
  g.add(std::make_unique<Opaque>());
  const std::string err = error_of([&] { g.clone(); });
  CHECK(err == "Opaque layer opaque: can't be copied (it does not override Layer::clone)");
}
