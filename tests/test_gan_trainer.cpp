// The general GanTrainer (ganlite/train/gan_trainer.hpp):
//   - the seed DCGAN through it equals the dedicated trainer it replaced, bit for bit;
//   - conditioning joins what the Keras conditional-GAN example joins (exact values);
//   - a conditional step on a small user-built G and D: every parameter gradient of both
//     networks against central differences of the step's losses (double precision,
//     |analytic - numeric| <= 1e-6 * max(1, |numeric|), h = 1e-5, as tests/grad_check.hpp);
//   - shapes that don't fit are refused; an exception in G's backward leaves D trainable;
//   - the generator's moving average leaves training unchanged and follows its recurrence exactly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <ganlite/ganlite.hpp>
#include <ganlite/testing/grad_check.hpp>
#include <ganlite/train/dcgan_trainer.hpp>
#include <string>
#include <vector>

#include "reference/seed_dcgan_trainer.hpp"
#include "small_gan.hpp"

using namespace ganlite;

namespace {

template <class T>
bool same_bits(const Tensor<T>& a, const Tensor<T>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
bool same_bits(const std::vector<Tensor<float>*>& a, const std::vector<Tensor<float>*>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(*a[i], *b[i])) return false;
  return true;
}
bool same_bits(const std::vector<Tensor<float>>& a, const std::vector<Tensor<float>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return false;
  return true;
}

using small_gan::kClasses;
const auto small_generator = small_gan::generator<double>;
Sequential<double> small_discriminator(Rng& init, Rng& dropout) { return small_gan::discriminator<double>(init, dropout); }
const auto small_config = small_gan::config;

// The step's two losses at the trainer's current parameters, for the given inputs.
struct Losses {
  double d, g;
};
Losses step_losses(GanTrainer<double>& t, const Tensor<double>& real, const std::vector<int>& labels, const Tensor<double>& z,
                   const std::vector<int>& fake_labels) {
  Tensor<double> real_in, fake_in;
  const Tensor<double> fake = t.generate(z, fake_labels, Mode::Train);
  join_label_planes(real, labels, kClasses, real_in);
  join_label_planes(fake, fake_labels, kClasses, fake_in);
  const Tensor<double> real_logits = t.discriminator().forward(real_in, Mode::Train);
  const Tensor<double>& fake_logits = t.discriminator().forward(fake_in, Mode::Train);
  return {bce_with_logits(real_logits, 1.0) + bce_with_logits(fake_logits, 0.0), bce_with_logits(fake_logits, 1.0)};
}

}  // namespace

TEST_CASE("the seed DCGAN through GanTrainer equals the seed trainer bit for bit (weights, statistics, Adam, Rngs)") {
  const DcganConfig cfg{5, 1e-4, 0.9, 8, 0.3, 0, {}, 1};
  DcganTrainer now(cfg);
  reference::SeedDcganTrainer before(cfg);
  Rng data(99);
  Tensor<float> real({8, 28, 28, 1});
  for (int step = 0; step < 3; ++step) {
    for (auto& v : real) v = static_cast<float>(data.uniform() * 2 - 1);
    const StepStats a = now.train_step(real), b = before.train_step(real);
    CHECK(std::memcmp(&a, &b, sizeof a) == 0);
  }
  CHECK(same_bits(now.generator().state_tensors(), before.generator().state_tensors()));
  CHECK(same_bits(now.discriminator().state_tensors(), before.discriminator().state_tensors()));
  for (int net = 0; net < 2; ++net) {
    const AdamState<float> x = (net ? now.discriminator_optimizer() : now.generator_optimizer()).state();
    const AdamState<float> y = (net ? before.discriminator_optimizer() : before.generator_optimizer()).state();
    CHECK(x.step == y.step);
    CHECK(same_bits(x.m, y.m));
    CHECK(same_bits(x.v, y.v));
  }
  CHECK(now.data_rng().state() == before.data_rng().state());
  CHECK(now.dropout_rng().state() == before.dropout_rng().state());
  CHECK(same_bits(now.fixed_noise(), before.fixed_noise()));
  CHECK(same_bits(now.sample_fixed(), before.sample_fixed()));
}

TEST_CASE("conditioning joins the class one-hot to the noise and K label planes to the image") {
  Tensor<float> z({2, 2}), x({2, 1, 2, 1}), j;
  const float zs[] = {0.5f, -1, 2, 3}, xs[] = {7, 8, 9, 10};
  std::copy(zs, zs + 4, z.begin());
  std::copy(xs, xs + 4, x.begin());
  join_one_hot(z, {2, 0}, 3, j);
  CHECK(j.shape() == Shape{2, 5});
  CHECK(std::vector<float>(j.begin(), j.end()) == std::vector<float>{0.5f, -1, 0, 0, 1, 2, 3, 1, 0, 0});
  join_label_planes(x, {1, 2}, 3, j);
  CHECK(j.shape() == Shape{2, 1, 2, 4});
  CHECK(std::vector<float>(j.begin(), j.end()) == std::vector<float>{7, 0, 1, 0, 8, 0, 1, 0, 9, 0, 0, 1, 10, 0, 0, 1});
  Tensor<float> back;
  image_channels(j, 1, back);
  CHECK(same_bits(back, x));
  CHECK_THROWS_WITH_AS(join_one_hot(z, {0, 3}, 3, j), "conditioning: label 3 is not a class 0..2", std::invalid_argument);
  CHECK_THROWS_AS(join_one_hot(z, {0}, 3, j), std::invalid_argument);
}

TEST_CASE("a conditional step on a user-built G and D: both networks' gradients match central differences") {
  GanTrainer<double> t(small_config(), small_generator, small_discriminator);
  GanTrainer<double> probe(small_config(), small_generator, small_discriminator);  // same seed: same weights
  Rng data(3);
  Tensor<double> real({5, 4, 4, 2});
  for (auto& v : real) v = data.uniform() * 2 - 1;
  const std::vector<int> labels = {0, 2, 1, 1, 0};
  const StepStats s = t.train_step(real, labels);
  const Tensor<double> z = t.last_noise();
  const std::vector<int> fake_labels = t.last_fake_labels();
  REQUIRE(fake_labels.size() == 5);
  for (int y : fake_labels) CHECK((y >= 0 && y < kClasses));

  const Losses at = step_losses(probe, real, labels, z, fake_labels);
  CHECK(at.d == doctest::Approx(s.d_loss).epsilon(1e-6));
  CHECK(at.g == doctest::Approx(s.g_loss).epsilon(1e-6));
  // train_step leaves the gradients it applied: dL_D/d(D params), dL_G/d(G params through frozen D)
  const double h = 1e-5, tol = 1e-6;
  int checked = 0;
  for (int net = 0; net < 2; ++net) {
    auto params = net ? probe.discriminator().params() : probe.generator().params();
    auto grads = net ? t.discriminator().grads() : t.generator().grads();
    REQUIRE(params.size() == grads.size());
    for (std::size_t p = 0; p < params.size(); ++p)
      for (std::size_t i = 0; i < params[p]->size(); ++i) {
        double& w = (*params[p])[i];
        const double saved = w;
        w = saved + h;
        const Losses up = step_losses(probe, real, labels, z, fake_labels);
        w = saved - h;
        const Losses down = step_losses(probe, real, labels, z, fake_labels);
        w = saved;
        const double numeric = net ? (up.d - down.d) / (2 * h) : (up.g - down.g) / (2 * h);
        const double analytic = (*grads[p])[i];
        CAPTURE(net);
        CAPTURE(p);
        CAPTURE(i);
        CHECK(std::abs(analytic - numeric) <= tol * std::max(1.0, std::abs(numeric)));
        ++checked;
      }
  }
  CHECK(checked > 300);
}

TEST_CASE("the trainer refuses models whose shapes don't fit, and labels it can't use") {
  GanConfig c = small_config();
  c.classes = 2;  // G takes noise + 3, D takes 2 + 3 channels
  CHECK_THROWS_AS(GanTrainer<double>(c, small_generator, small_discriminator), std::invalid_argument);
  GanTrainer<double> t(small_config(), small_generator, small_discriminator);
  Tensor<double> real({2, 4, 4, 2});
  CHECK_THROWS_AS(t.train_step(real), std::invalid_argument);          // conditional: labels needed
  CHECK_THROWS_AS(t.train_step(real, {0, 5}), std::invalid_argument);  // not a class
  CHECK(t.sample_fixed().shape() == Shape{kClasses * 2, 4, 4, 2});    // every class with each fixed noise vector
}

TEST_CASE("an unconditional GAN may draw any shape its discriminator takes: points in the plane") {
  GanConfig c;
  c.noise_dim = 3, c.batch = 16, c.seed = 5;
  auto points_generator = [](Rng& rng) {
    Sequential g("generator", {3});
    g.add(Dense(DenseOptions(3, 8), rng)), g.add(Tanh()), g.add(Dense(DenseOptions(8, 2), rng));
    return g;
  };
  auto points_discriminator = [](int inputs) {
    return [inputs](Rng& rng, Rng&) {
      Sequential d("discriminator", {inputs});
      d.add(Dense(DenseOptions(inputs, 8), rng)), d.add(LeakyReLU()), d.add(Dense(DenseOptions(8, 1), rng));
      return d;
    };
  };
  GanTrainer<> t(c, points_generator, points_discriminator(2));
  Tensor<float> real({16, 2});
  for (int i = 0; i < 16; ++i) real[2 * i] = std::cos(0.4f * i), real[2 * i + 1] = std::sin(0.4f * i);
  const std::vector<float> before(t.generator().params()[0]->begin(), t.generator().params()[0]->end());
  const StepStats s = t.train_step(real);
  CHECK(std::isfinite(s.d_loss));
  CHECK(std::isfinite(s.g_loss));
  CHECK_FALSE(std::equal(before.begin(), before.end(), t.generator().params()[0]->begin()));  // G learned from D
  CHECK(t.sample_fixed().shape() == Shape{c.fixed_noise_count, 2});
  std::string err;
  try {
    GanTrainer<> wrong(c, points_generator, points_discriminator(3));
  } catch (const std::invalid_argument& e) {
    err = e.what();
  }
  CHECK(err == "GanTrainer: the generator draws (2,) samples; the discriminator takes (3,)");
}

namespace {
// Identity forward; backward throws (a user's layer with a bug).
class ThrowingBackward : public Layer<double> {
 public:
  std::string type() const override { return "Throwing"; }
  Shape output_shape(const Shape& s) const override { return s; }
  const Tensor<double>& forward(const Tensor<double>& x, Mode) override { return y_ = x, y_; }
  const Tensor<double>& backward(const Tensor<double>&) override { throw std::runtime_error("backward failed"); }

 private:
  Tensor<double> y_;
};
}  // namespace

TEST_CASE("an exception in the generator's backward leaves the discriminator trainable, not half frozen") {
  auto make_g = [](Rng& init) {
    Sequential<double> g = small_generator(init);
    g.add(std::make_unique<ThrowingBackward>());
    return g;
  };
  GanTrainer<double> t(small_config(), make_g, small_discriminator);
  Tensor<double> real({2, 4, 4, 2});
  CHECK_THROWS_WITH(t.train_step(real, {0, 1}), "backward failed");
  for (std::size_t i = 0; i < t.discriminator().size(); ++i) CHECK(t.discriminator().layer(i).trainable());
  CHECK_FALSE(t.discriminator().layer(0).needs_input_grad());
}

// The generator's moving average (GanConfig::generator_ema): training itself is unchanged, bit for
// bit; after each step every parameter and BatchNorm statistic of the average is
// avg + (1 - a) * (G - avg), one fused multiply-add in float, from a start equal to G; generate() and sample_fixed() draw
// from it; a decay outside [0, 1) is refused.
TEST_CASE("the generator's moving average: training unchanged, the recurrence exact, samples drawn from it") {
  DcganConfig cfg{5, 2e-4, 0.5, 4, 0.3, 0, {}, 1};
  DcganTrainer plain(cfg);
  cfg.generator_ema = 0.9;
  DcganTrainer averaged(cfg);
  CHECK(plain.generator_average() == nullptr);
  REQUIRE(averaged.generator_average() != nullptr);
  std::vector<Tensor<float>> expected;
  for (auto* x : averaged.generator().state_tensors()) expected.push_back(*x);
  CHECK(same_bits(averaged.generator_average()->state_tensors(), averaged.generator().state_tensors()));

  Rng data(99);
  Tensor<float> real({4, 28, 28, 1});
  const float b = 1.0f - 0.9f;
  for (int step = 0; step < 3; ++step) {
    for (auto& v : real) v = static_cast<float>(data.uniform() * 2 - 1);
    const StepStats p = plain.train_step(real), q = averaged.train_step(real);
    CHECK(std::memcmp(&p, &q, sizeof p) == 0);
    const auto g = averaged.generator().state_tensors();
    for (std::size_t i = 0; i < g.size(); ++i)
      for (std::size_t e = 0; e < g[i]->size(); ++e) expected[i][e] = std::fma(b, (*g[i])[e] - expected[i][e], expected[i][e]);
  }
  CHECK(same_bits(plain.generator().state_tensors(), averaged.generator().state_tensors()));
  CHECK(same_bits(plain.discriminator().state_tensors(), averaged.discriminator().state_tensors()));
  CHECK(plain.data_rng().state() == averaged.data_rng().state());
  CHECK(plain.dropout_rng().state() == averaged.dropout_rng().state());
  std::vector<Tensor<float>> average;
  for (auto* x : averaged.generator_average()->state_tensors()) average.push_back(*x);
  CHECK(same_bits(average, expected));
  CHECK_FALSE(same_bits(average[0], *averaged.generator().state_tensors()[0]));  // it did move apart from G

  const Tensor<float> sampled = averaged.sample_fixed();
  CHECK(same_bits(sampled, averaged.generator_average()->forward(averaged.fixed_noise(), Mode::Eval)));
  CHECK_FALSE(same_bits(sampled, averaged.generator().forward(averaged.fixed_noise(), Mode::Eval)));
  CHECK(same_bits(plain.sample_fixed(), plain.generator().forward(plain.fixed_noise(), Mode::Eval)));

  for (double bad : {-0.1, 1.0, 1.5}) {
    CAPTURE(bad);
    cfg.generator_ema = bad;
    CHECK_THROWS_AS(DcganTrainer{cfg}, std::invalid_argument);
  }
}

// G learns through D's view of its images: with augmentation on, the gradient the trainer gives G
// is the derivative of G's loss with D seeing G's images moved and cut — the step's own draws,
// taken from the data Rng after the noise and fake classes, the real batch's first.
TEST_CASE("with augmentation, G's gradient is its loss's derivative through the augmentation, drawn as documented") {
  constexpr int B = 5, K = small_gan::kClasses;
  GanConfig c = small_gan::config();
  c.augment = augmentation_named("translation,cutout");
  c.objective = hinge_objective();
  GanTrainer<double> t(c, small_gan::generator<double>, [](Rng& init, Rng& dropout) { return small_gan::discriminator<double>(init, dropout, 0.3); });
  Rng r(3);
  Tensor<double> real({B, 4, 4, 2});
  for (auto& v : real) v = r.uniform() * 2 - 1;
  std::vector<int> labels(B);
  for (auto& y : labels) y = static_cast<int>(r.below(K));
  const Rng::State data0 = t.data_rng().state(), drop0 = t.dropout_rng().state();
  Sequential<double> g = t.generator().clone(), d = t.discriminator().clone();  // as the step finds them
  t.train_step(real, labels);
  std::vector<Tensor<double>> analytic;
  for (auto* p : t.generator().grads()) analytic.push_back(*p);

  Rng draws(0);
  draws.set_state(data0);
  Tensor<double> z({B, small_gan::kNoise});
  for (auto& v : z) v = draws.normal();
  std::vector<int> y(B);
  for (auto& k : y) k = static_cast<int>(draws.below(K));
  std::vector<AugmentDraw> real_draws, fake_draws;
  draw_augmentations(c.augment, B, 4, 4, draws, real_draws);
  draw_augmentations(c.augment, B, 4, 4, draws, fake_draws);
  CHECK(draws.state() == t.data_rng().state());
  CHECK(std::memcmp(z.data(), t.last_noise().data(), z.size() * sizeof(double)) == 0);
  CHECK(y == t.last_fake_labels());

  // D's pass on the real images draws its Dropout masks first; the fakes' pass draws next.
  Rng dropout(0);
  d.draw_from(dropout);
  dropout.set_state(drop0);
  Tensor<double> moved, joined;
  augment(c.augment, real_draws.data(), real, moved);
  join_label_planes(moved, labels, K, joined);
  d.forward(joined, Mode::Train);
  const Rng::State drop1 = dropout.state();
  Tensor<double> g_in;
  join_one_hot(z, y, K, g_in);
  auto g_loss = [&] {
    dropout.set_state(drop1);
    Tensor<double> fake_moved, fake_joined;
    augment(c.augment, fake_draws.data(), g.forward(g_in, Mode::Train), fake_moved);
    join_label_planes(fake_moved, y, K, fake_joined);
    double s = 0;
    for (double v : d.forward(fake_joined, Mode::Train)) s += c.objective.loss(v, GanTerm::FakeForG);
    return s / B;
  };
  auto params = g.params();
  REQUIRE(params.size() == analytic.size());
  for (std::size_t k = 0; k < params.size(); ++k) {
    ganlite::gradcheck::GradCheckReport rep = ganlite::gradcheck::compare("G parameter " + std::to_string(k), *params[k], analytic[k], g_loss, r);
    INFO(rep.text());
    CHECK(rep.ok);
  }
}

TEST_CASE("augmentation needs images: a generator of vectors is refused by name") {
  GanConfig c;
  c.noise_dim = 2, c.batch = 4, c.fixed_noise_count = 1, c.augment = augmentation_named("cutout");
  auto g = [](Rng& init) {
    Sequential<float> m("points", {2});
    m.add(Dense<float>(DenseOptions(2, 3), init));
    return m;
  };
  auto d = [](Rng& init, Rng&) {
    Sequential<float> m("critic", {3});
    m.add(Dense<float>(DenseOptions(3, 1), init));
    return m;
  };
  CHECK_THROWS_WITH(GanTrainer<float>(c, g, d), doctest::Contains("augmentation (cutout) moves and cuts (H, W, C) images; the generator draws (3,)"));
}

TEST_CASE("the moving average's warm-up: the n-th update takes min(a, n / (n + 9)) of the average, the rest of G") {
  GanConfig c = small_gan::config();
  c.generator_ema = 0.999, c.generator_ema_warmup = true;
  GanTrainer<float> t = small_gan::trainer(c);
  const small_gan::Data data;
  Tensor<float> x({5, 4, 4, 2});
  std::copy(data.images.data(), data.images.data() + x.size(), x.data());
  const std::vector<int> y(data.labels.begin(), data.labels.begin() + 5);
  std::vector<Tensor<float>> avg;
  for (auto* s : t.generator_average()->state_tensors()) avg.push_back(*s);
  for (int n = 1; n <= 3; ++n) {
    t.train_step(x, y);
    const float b = 1.0f - static_cast<float>(std::min(0.999, n / (n + 9.0)));
    const auto g = t.generator().state_tensors(), now = t.generator_average()->state_tensors();
    for (std::size_t k = 0; k < avg.size(); ++k) {
      for (std::size_t i = 0; i < avg[k].size(); ++i) avg[k][i] = std::fma(b, (*g[k])[i] - avg[k][i], avg[k][i]);
      INFO("update " << n << ", tensor " << k);
      CHECK(std::memcmp(avg[k].data(), now[k]->data(), avg[k].size() * sizeof(float)) == 0);
    }
  }
}
