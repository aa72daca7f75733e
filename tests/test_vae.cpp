// The VAE (models/vae.hpp, train/vae_trainer.hpp): the step's gradients are the derivatives of
// its loss (reconstruction + w KL with the step's own eps, drawn from the data Rng), for every
// parameter of both networks, conditional too; the KL warm-up's weights; the convolutional VAE's
// shapes; bad models refused by name; the VAE on the training loop every model shares, stopped
// and resumed from its checkpoint byte for byte like a GAN, and a checkpoint of other settings
// refused by name.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <ganlite/ganlite.hpp>
#include <ganlite/testing/grad_check.hpp>
#include <ganlite/train/training_loop.hpp>
#include <ganlite/train/vae_checkpoint.hpp>
#include <ganlite/train/vae_trainer.hpp>

#include "error_of.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {

constexpr int kLatent = 2, kClasses = 3;

// A small VAE on 4x4x1 images: E (4, 4, 1 + K) -> Conv2D 3x3 s2 -> LeakyReLU -> Flatten -> Dense 2L;
// Dec (L + K) -> Dense 16 -> BatchNorm -> LeakyReLU -> Reshape (4, 4, 1).
template <class T>
Sequential<T> encoder(Rng& init, int classes) {
  Sequential<T> e("e", {4, 4, 1 + classes});
  e.add(Conv2D<T>(Conv2dOptions(1 + classes, 2, 3).stride(2).padding(Padding::Same), init));
  e.add(LeakyReLU<T>());
  e.add(Flatten<T>());
  e.add(Dense<T>(DenseOptions(2 * 2 * 2, 2 * kLatent), init));
  return e;
}
template <class T>
Sequential<T> decoder(Rng& init, int classes) {
  Sequential<T> d("d", {kLatent + classes});
  d.add(Dense<T>(DenseOptions(kLatent + classes, 16), init));
  d.add(BatchNorm<T>(16));
  d.add(LeakyReLU<T>());
  d.add(Reshape<T>(Shape{4, 4, 1}));
  return d;
}

}  // namespace

TEST_CASE("the VAE step's gradients are its loss's derivatives, with the step's own eps (unconditional and conditional, KL warm-up)") {
  for (int classes : {0, kClasses}) {
    CAPTURE(classes);
    VaeConfig c;
    c.seed = 5, c.latent = kLatent, c.classes = classes, c.batch = 4, c.beta = 1.5, c.kl_warmup_steps = 4;
    VaeTrainer<double> t(c, [&](Rng& r) { return encoder<double>(r, classes); }, [&](Rng& r) { return decoder<double>(r, classes); });
    Rng r(6);
    Tensor<double> x({4, 4, 4, 1});
    for (auto& v : x) v = r.uniform() * 2 - 1;
    std::vector<int> y;
    if (classes)
      for (int i = 0; i < 4; ++i) y.push_back(static_cast<int>(r.below(classes)));
    const Rng::State data0 = t.data_rng().state();
    Sequential<double> e = t.encoder().clone(), d = t.decoder().clone();
    const VaeStepStats s = t.train_step(x, y);
    CHECK(s.kl_weight == doctest::Approx(1.5 / 4));
    CHECK(s.negative_elbo == doctest::Approx(s.reconstruction + s.kl));
    std::vector<Tensor<double>> analytic;
    for (auto* net : {&t.encoder(), &t.decoder()})
      for (auto* g : net->grads()) analytic.push_back(*g);

    Rng draws(0);
    draws.set_state(data0);
    Tensor<double> eps({4, kLatent});
    for (auto& v : eps) v = draws.normal();
    CHECK(std::memcmp(eps.data(), t.last_eps().data(), eps.size() * sizeof(double)) == 0);
    Tensor<double> p(x.shape()), e_in, z, d_in;
    for (std::size_t i = 0; i < x.size(); ++i) p[i] = (x[i] + 1) / 2;
    auto loss = [&] {
      const Tensor<double>* in = &x;
      if (classes) join_label_planes(x, y, classes, e_in), in = &e_in;
      const Tensor<double> h = e.forward(*in, Mode::Train);
      reparameterize(h, eps, z);
      const Tensor<double>* zin = &z;
      if (classes) join_one_hot(z, y, classes, d_in), zin = &d_in;
      return bernoulli_nll_with_logits(d.forward(*zin, Mode::Train), p) + 1.5 / 4 * gaussian_kl(h);
    };
    std::vector<Tensor<double>*> params = e.params();
    for (auto* q : d.params()) params.push_back(q);
    REQUIRE(params.size() == analytic.size());
    for (std::size_t k = 0; k < params.size(); ++k) {
      const auto rep = gradcheck::compare("parameter " + std::to_string(k), *params[k], analytic[k], loss, r);
      INFO(rep.text());
      CHECK(rep.ok);
    }
  }
}

TEST_CASE("the KL warm-up rises linearly to beta; the convolutional VAE draws and reconstructs 28x28 images in [-1, 1]") {
  VaeConfig c;
  c.beta = 2, c.kl_warmup_steps = 10, c.batch = 3;
  VaeTrainer<float> t(c, [](Rng& r) { return make_vae_encoder<float>(r); }, [](Rng& r) { return make_vae_decoder<float>(r); });
  CHECK(t.kl_weight(1) == doctest::Approx(0.2));
  CHECK(t.kl_weight(5) == doctest::Approx(1.0));
  CHECK(t.kl_weight(10) == 2);
  CHECK(t.kl_weight(11) == 2);
  CHECK(t.image_shape() == Shape{28, 28, 1});
  Rng r(1);
  Tensor<float> x({3, 28, 28, 1});
  for (auto& v : x) v = static_cast<float>(r.uniform() * 2 - 1);
  const VaeStepStats s = t.train_step(x);
  CHECK(std::isfinite(s.negative_elbo));
  CHECK(s.reconstruction > 0);
  const Tensor<float>& back = t.reconstruct(x);
  CHECK(back.shape() == x.shape());
  for (float v : back) CHECK((v >= -1 && v <= 1));
  Rng e(2);
  CHECK(t.negative_elbo(x, {}, e) > 0);
}

TEST_CASE("a VAE whose networks don't fit is refused with their shapes") {
  VaeConfig c;
  c.latent = 3;
  CHECK_THROWS_WITH(VaeTrainer<float>(c, [](Rng& r) { return make_vae_encoder<float>(r); }, [](Rng& r) { return make_vae_decoder<float>(r, 3); }),
                    doctest::Contains("the encoder takes (28, 28, 1) and gives (32,)"));
  c.latent = 16, c.classes = 10;
  CHECK_THROWS_WITH(VaeTrainer<float>(c, [](Rng& r) { return make_vae_encoder<float>(r, 16, 10); }, [](Rng& r) { return make_vae_decoder<float>(r); }),
                    doctest::Contains("the decoder takes (16,); latent 16 + classes 10 needs (26,)"));
}

namespace {

VaeConfig small_vae_config() {
  VaeConfig c;
  c.latent = kLatent, c.classes = kClasses, c.batch = 8, c.seed = 11, c.kl_warmup_steps = 5;
  return c;
}
VaeTrainer<float> small_vae(const VaeConfig& c) {
  return VaeTrainer<float>(c, [&](Rng& r) { return encoder<float>(r, c.classes); }, [&](Rng& r) { return decoder<float>(r, c.classes); });
}
const ModelSettings kSmallVae = {{"model", "small vae"}};

// 36 images of 4x4 in [-1, 1] and their classes: 5 steps per epoch, the last one of 4 images.
struct SmallData {
  Tensor<float> images{{36, 4, 4, 1}};
  std::vector<int> labels;
  SmallData() {
    Rng r(3);
    for (auto& v : images) v = static_cast<float>(r.uniform(-1, 1));
    for (int i = 0; i < 36; ++i) labels.push_back(i % kClasses);
  }
};

TrainingHooks<VaeTrainer<float>> vae_saving_hooks() {
  TrainingHooks<VaeTrainer<float>> h;
  h.save_checkpoint = [](VaeTrainer<float>& t, const LoopCursor& at, const std::string& path) { save_vae_checkpoint(t, path, kSmallVae, {at, {}}); };
  return h;
}

LoopSettings in_dir(const std::string& dir, int epochs) {
  LoopSettings s;
  s.epochs = epochs, s.checkpoint_dir = dir;
  return s;
}

}  // namespace

TEST_CASE("the training loop trains a VAE: stopped mid-epoch and resumed from its checkpoint, it ends byte for byte as a run never stopped") {
  const SmallData data;
  const std::string work = GANLITE_TEST_WORK_DIR;
  const std::string whole_dir = fresh_work_dir(work, "vae_whole"), parts_dir = fresh_work_dir(work, "vae_parts");
  VaeTrainer<float> whole = small_vae(small_vae_config());
  LoopCursor at;
  std::vector<VaeStepStats> figures;
  auto hooks = vae_saving_hooks();
  hooks.after_step = [&](const StepRecordOf<VaeStepStats>& r) { figures.push_back(r.stats); };
  CHECK(train_epochs(whole, at, tensor_images(data.images, data.labels), in_dir(whole_dir, 3), hooks).end == LoopEnd::Finished);
  REQUIRE(figures.size() == 15);
  CHECK(figures[0].kl_weight == doctest::Approx(0.2));  // the warm-up, step by step
  CHECK(figures[4].kl_weight == 1.0f);
  CHECK(figures.back().negative_elbo < figures.front().negative_elbo);

  VaeTrainer<float> first = small_vae(small_vae_config());
  LoopCursor first_at;
  int steps = 0;
  auto stopping = vae_saving_hooks();
  stopping.after_step = [&](const StepRecordOf<VaeStepStats>&) { ++steps; };
  stopping.stop_requested = [&] { return steps >= 7; };  // epoch 2, step 2
  const LoopOutcome stopped = train_epochs(first, first_at, tensor_images(data.images, data.labels), in_dir(parts_dir, 3), stopping);
  REQUIRE(stopped.end == LoopEnd::Stopped);
  CHECK(stopped.checkpoint == parts_dir + "/checkpoint_epoch_0001_step_0002.ckpt");

  const VaeCheckpointInfo info = read_vae_checkpoint_info(stopped.checkpoint);
  CHECK(info.model == kSmallVae);
  CHECK(info.config.kl_warmup_steps == 5);
  VaeTrainer<float> resumed = small_vae(info.config);
  LoopCursor resumed_at = load_vae_checkpoint(resumed, stopped.checkpoint, kSmallVae).cursor;
  CHECK(resumed_at.step_in_epoch == 2);
  CHECK(train_epochs(resumed, resumed_at, tensor_images(data.images, data.labels), in_dir(parts_dir, 3), vae_saving_hooks()).end == LoopEnd::Finished);
  CHECK(read_file(parts_dir + "/checkpoint_epoch_0003.ckpt") == read_file(whole_dir + "/checkpoint_epoch_0003.ckpt"));

  VaeConfig other = small_vae_config();
  other.batch = 16, other.beta = 0.5;
  VaeTrainer<float> wrong = small_vae(other);
  const std::string e = error_of([&] { load_vae_checkpoint(wrong, stopped.checkpoint, kSmallVae); });
  CHECK(e.find(stopped.checkpoint) != std::string::npos);
  CHECK(e.find("batch") != std::string::npos);
  CHECK(e.find("beta") != std::string::npos);
  CHECK(error_of([&] { read_vae_checkpoint_info(whole_dir + "/nothing.ckpt"); }).find(whole_dir + "/nothing.ckpt") != std::string::npos);
}

TEST_CASE("the loop's NaN guard names a VAE's figures") {
  const SmallData data;
  VaeTrainer<float> t = small_vae(small_vae_config());
  LoopCursor at;
  TrainingHooks<VaeTrainer<float>> hooks;
  hooks.step = [](VaeTrainer<float>& v, const Tensor<float>& b, const std::vector<int>& y) {
    VaeStepStats s = v.train_step(b, y);
    s.kl = std::nanf("");
    return s;
  };
  LoopSettings once;
  const std::string e = error_of([&] { train_epochs(t, at, tensor_images(data.images, data.labels), once, hooks); });
  CHECK(e.find("training diverged at epoch 1, step 1") == 0);
  CHECK(e.find("kl nan") != std::string::npos);
}
