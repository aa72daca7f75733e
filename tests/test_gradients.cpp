// Gradient checks (double precision, central differences) for every layer and loss, on every
// variant that matters. See grad_check.hpp for the method and tolerance.
#include "grad_check.hpp"

using namespace ganlite;
using ::gradcheck::check_layer;
using ::gradcheck::check_loss;

TEST_CASE("Dense with and without bias") {
  for (bool bias : {true, false}) {
    Rng rng(3);
    Dense<double> d(DenseOptions(7, 5).bias(bias), rng);
    if (bias)  // non-zero bias so its gradient path is exercised with real values
      for (auto& v : *d.params()[1]) v = rng.normal();
    CAPTURE(bias);
    check_layer(d, {3, 7});
  }
}

TEST_CASE("BatchNorm in Train mode, 2-D and 4-D input") {
  for (Shape s : {Shape{5, 3}, Shape{2, 3, 4, 4}}) {
    BatchNorm<double> bn(s.back());
    Rng rng(5);
    for (auto* p : bn.params())
      for (auto& v : *p) v = 1 + 0.5 * rng.normal();
    CAPTURE(shape_str(s));
    check_layer(bn, s, Mode::Train);
  }
}

TEST_CASE("BatchNorm in Eval mode") {
  BatchNorm<double> bn(3);
  Rng rng(6);
  for (auto* t : bn.buffers())
    for (auto& v : *t) v = 0.5 + rng.uniform();
  check_layer(bn, {2, 2, 2, 3}, Mode::Eval);
}

TEST_CASE("activations") {
  LeakyReLU<double> lrelu;
  check_layer(lrelu, {3, 4, 5});
  ReLU<double> relu;
  check_layer(relu, {3, 4, 5});
  Tanh<double> tanh_layer;
  check_layer(tanh_layer, {3, 7});
  Sigmoid<double> sigmoid_layer;
  check_layer(sigmoid_layer, {3, 7});
}

TEST_CASE("Dropout in Train mode with a fixed mask") {
  Rng drop_rng(9);
  const Rng::State start = drop_rng.state();
  Dropout<double> d(0.3, drop_rng);
  check_layer(d, {4, 3, 3, 2}, Mode::Train, 1, [&] { drop_rng.set_state(start); });
}

TEST_CASE("Reshape and Flatten") {
  Reshape<double> r(Shape{3, 2, 2});
  check_layer(r, {2, 12});
  Flatten<double> f;
  check_layer(f, {2, 3, 2, 2});
}

struct ConvCase {
  int h, w, kernel, stride;
  Padding padding;
  bool bias;
};

static std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> cases;
  for (int stride : {1, 2})
    for (Padding p : {Padding::Same, Padding::Valid})
      for (int kernel : {3, 2})
        for (bool bias : {true, false}) cases.push_back({kernel == 3 ? 7 : 6, kernel == 3 ? 6 : 5, kernel, stride, p, bias});
  return cases;
}

TEST_CASE("Conv2D: stride 1/2, same/valid, odd/even sizes and kernels, with and without bias") {
  for (const ConvCase& c : conv_cases()) {
    Rng rng(11);
    Conv2D<double> conv(Conv2dOptions(2, 3, c.kernel).stride(c.stride).padding(c.padding).bias(c.bias), rng);
    if (c.bias)
      for (auto& v : *conv.params()[1]) v = rng.normal();
    CAPTURE(c.h);
    CAPTURE(c.w);
    CAPTURE(c.kernel);
    CAPTURE(c.stride);
    CAPTURE(padding_name(c.padding));
    CAPTURE(c.bias);
    check_layer(conv, {2, c.h, c.w, 2});
  }
}

TEST_CASE("Conv2DTranspose: stride 1/2, same/valid, odd/even sizes and kernels, with and without bias") {
  for (const ConvCase& c : conv_cases()) {
    Rng rng(12);
    Conv2DTranspose<double> conv(Conv2dOptions(2, 3, c.kernel).stride(c.stride).padding(c.padding).bias(c.bias), rng);
    if (c.bias)
      for (auto& v : *conv.params()[1]) v = rng.normal();
    CAPTURE(c.h);
    CAPTURE(c.kernel);
    CAPTURE(c.stride);
    CAPTURE(padding_name(c.padding));
    CAPTURE(c.bias);
    check_layer(conv, {2, c.h - 2, c.w - 2, 2});
  }
}

// Wider layers than above (16 channels on the image side), as in the DCGAN.
TEST_CASE("Conv2D and Conv2DTranspose with 16 channels") {
  for (int stride : {1, 2})
    for (Padding p : {Padding::Same, Padding::Valid}) {
      Rng rng(13);
      CAPTURE(stride);
      CAPTURE(padding_name(p));
      Conv2D<double> conv(Conv2dOptions(16, 2, 3).stride(stride).padding(p), rng);
      check_layer(conv, {2, 5, 6, 16});
      Conv2DTranspose<double> convt(Conv2dOptions(2, 16, 3).stride(stride).padding(p).bias(false), rng);
      check_layer(convt, {2, 3, 4, 2});
    }
}

// W / σ(W) is differentiated through σ with the power iteration's u held fixed (the paper's
// gradient). A Train pass moves u; the check then runs in Eval mode, where u stays put while the
// checker moves W, so the function checked is exactly the one backward differentiates.
TEST_CASE("SpectralNormalization of Dense, Conv2D and Conv2DTranspose: the gradient through sigma") {
  Rng rng(14);
  auto check = [&](auto layer, const Shape& input, bool bias) {
    if (bias)
      for (auto& v : *layer.params()[1]) v = rng.normal();
    SpectralNormalization<double> sn(std::move(layer), rng);
    Tensor<double> x = ::gradcheck::random_tensor(input, rng);
    sn.forward(x, Mode::Train);
    CAPTURE(sn.sigma());
    CHECK(sn.sigma() > 0);
    check_layer(sn, input, Mode::Eval);
  };
  for (bool bias : {true, false}) {
    CAPTURE(bias);
    check(Dense<double>(DenseOptions(6, 4).bias(bias), rng), {3, 6}, bias);
    check(Dense<double>(DenseOptions(7, 1).bias(bias), rng), {2, 7}, bias);  // F = 1: sigma is the norm of W
    check(Conv2D<double>(Conv2dOptions(2, 3, 3).stride(2).padding(Padding::Same).bias(bias), rng), {2, 5, 6, 2}, bias);
    check(Conv2DTranspose<double>(Conv2dOptions(3, 2, 3).stride(2).padding(Padding::Same).bias(bias), rng), {2, 3, 3, 3}, bias);
  }
}

// The augmentation of what D sees (train/augment.hpp) as a layer with its draws fixed: G's
// gradient goes back through it, so its backward must be its forward's adjoint.
namespace {
class FixedAugmentation : public Layer<double> {
 public:
  FixedAugmentation(Augmentation a, std::vector<AugmentDraw> d) : a_(a), draws_(std::move(d)) {}
  std::string type() const override { return "FixedAugmentation(" + a_.name() + ")"; }
  Shape output_shape(const Shape& in) const override { return in; }
  const Tensor<double>& forward(const Tensor<double>& x, Mode) override { return augment(a_, draws_.data(), x, y_), y_; }
  const Tensor<double>& backward(const Tensor<double>& dy) override { return augment_backward(a_, draws_.data(), dy, dx_), dx_; }

 private:
  Augmentation a_;
  std::vector<AugmentDraw> draws_;
  Tensor<double> y_, dx_;
};
}  // namespace

TEST_CASE("augmentation (translation, cutout, both): its backward is its forward's adjoint") {
  for (const char* name : {"translation", "cutout", "translation,cutout"})
    for (Shape image : {Shape{8, 8, 2}, Shape{9, 7, 1}}) {
      CAPTURE(name);
      CAPTURE(shape_str(image));
      Rng rng(15);
      const Augmentation a = augmentation_named(name);
      std::vector<AugmentDraw> draws;
      draw_augmentations(a, 6, image[0], image[1], rng, draws);
      FixedAugmentation layer(a, draws);
      check_layer(layer, {6, image[0], image[1], image[2]});
    }
}

TEST_CASE("MaxPool2D: same and valid, overlapping windows") {
  MaxPool2D<double> a(2, 2, Padding::Same);
  check_layer(a, {2, 7, 6, 3});
  MaxPool2D<double> b(2, 2, Padding::Valid);
  check_layer(b, {2, 7, 6, 3});
  MaxPool2D<double> c(3, 2, Padding::Same);
  check_layer(c, {1, 5, 5, 2});
}

TEST_CASE("BCE with logits and softmax cross-entropy") {
  Rng rng(13);
  Tensor<double> z({6, 1});
  for (auto& v : z) v = 3 * rng.normal();
  Tensor<double> t({6, 1});
  for (auto& v : t) v = rng.uniform();
  check_loss("bce per-sample targets", [&](const Tensor<double>& x, Tensor<double>* d) { return bce_with_logits(x, t, d); }, z);
  check_loss("bce target 1", [&](const Tensor<double>& x, Tensor<double>* d) { return bce_with_logits(x, 1.0, d); }, z);

  Tensor<double> logits({4, 5});
  for (auto& v : logits) v = 2 * rng.normal();
  std::vector<int> labels{0, 3, 4, 1};
  check_loss("softmax ce", [&](const Tensor<double>& x, Tensor<double>* d) { return softmax_cross_entropy(x, labels, d); },
             logits);
}

// The VAE's terms (losses/vae_terms.hpp). The reparameterization is checked as a layer with eps
// fixed; the KL and the Bernoulli likelihood as losses, over mu, logvar and logits of both signs.
namespace {
class FixedReparameterization : public Layer<double> {
 public:
  explicit FixedReparameterization(Tensor<double> eps) : eps_(std::move(eps)) {}
  std::string type() const override { return "Reparameterization"; }
  Shape output_shape(const Shape& in) const override { return {in[0] / 2}; }
  const Tensor<double>& forward(const Tensor<double>& h, Mode) override { return h_ = &h, reparameterize(h, eps_, z_), z_; }
  const Tensor<double>& backward(const Tensor<double>& dz) override { return reparameterize_backward(*h_, eps_, dz, dh_), dh_; }

 private:
  Tensor<double> eps_, z_, dh_;
  const Tensor<double>* h_ = nullptr;
};
}  // namespace

TEST_CASE("the VAE's terms: reparameterization, KL against N(0, I), Bernoulli likelihood of pixels") {
  Rng rng(16);
  FixedReparameterization r(::gradcheck::random_tensor({3, 4}, rng));
  check_layer(r, {3, 8});
  check_loss("gaussian_kl", [](const Tensor<double>& h, Tensor<double>* dh) {
    if (dh) dh->resize(h.shape()), dh->zero();
    return gaussian_kl(h, dh);
  }, ::gradcheck::random_tensor({3, 8}, rng));
  Tensor<double> x({3, 2, 2, 1});
  for (auto& v : x) v = rng.uniform();  // targets in [0, 1]
  check_loss("bernoulli_nll_with_logits", [&](const Tensor<double>& z, Tensor<double>* dz) { return bernoulli_nll_with_logits(z, x, dz); },
             ::gradcheck::random_tensor({3, 2, 2, 1}, rng));
  // Values: N(0, 1) itself has KL 0; mu = 1, sigma = 1: 1/2 per dimension; a logit of 0 costs log 2 per pixel.
  Tensor<double> h({1, 4});
  h.zero();
  CHECK(gaussian_kl(h) == 0);
  h[0] = h[1] = 1;
  CHECK(gaussian_kl(h) == doctest::Approx(1.0));
  Tensor<double> zero({2, 3}), half({2, 3});
  zero.zero();
  half.fill(0.5);
  CHECK(bernoulli_nll_with_logits(zero, half) == doctest::Approx(3 * std::log(2.0)));
  CHECK_THROWS_WITH(gaussian_kl(Tensor<double>({2, 3})), "gaussian_kl: expects (B, 2L): mu and logvar side by side, got (2, 3)");
}

TEST_CASE("BCE with logits is stable for large |logit|") {
  Tensor<float> z({4, 1});
  z[0] = 100.f, z[1] = -100.f, z[2] = 1e4f, z[3] = -1e4f;
  Tensor<float> dz;
  // target 1: loss of a large positive logit is ~0, of a large negative one is |z|
  const float loss = bce_with_logits(z, 1.0f, &dz);
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx((0 + 100 + 0 + 1e4) / 4.0).epsilon(1e-6));
  CHECK(dz[0] == doctest::Approx(0).epsilon(1e-6));
  CHECK(dz[3] == doctest::Approx(-0.25));
}

TEST_CASE("a whole small GAN-shaped Sequential, end to end") {
  Rng rng(21), drop(22);
  Sequential<double> net("mini", {4});
  net.add(Dense<double>(DenseOptions(4, 2 * 2 * 3).bias(false), rng));
  net.add(BatchNorm<double>(12));
  net.add(LeakyReLU<double>());
  net.add(Reshape<double>(Shape{2, 2, 3}));
  net.add(Conv2DTranspose<double>(Conv2dOptions(3, 2, 3).stride(2).padding(Padding::Same).bias(false), rng));
  net.add(Tanh<double>());
  net.add(Conv2D<double>(Conv2dOptions(2, 3, 3).stride(2).padding(Padding::Same), rng));
  net.add(Flatten<double>());
  net.add(Dense<double>(DenseOptions(12, 1), rng));

  Tensor<double> x = ::gradcheck::random_tensor({3, 4}, rng);
  auto loss = [&](Tensor<double>* dx) {
    Tensor<double> dz;
    const double l = bce_with_logits(net.forward(x, Mode::Train), 1.0, &dz);
    if (dx) *dx = net.backward(dz);
    return l;
  };
  net.zero_grad();
  Tensor<double> dx;
  loss(&dx);
  std::vector<Tensor<double>> g;
  for (auto* p : net.grads()) g.push_back(*p);
  ::gradcheck::compare("network dx", x, dx, [&] { return loss(nullptr); }, rng);
  auto params = net.params();
  for (std::size_t k = 0; k < params.size(); ++k)
    ::gradcheck::compare("network param " + std::to_string(k), *params[k], g[k], [&] { return loss(nullptr); }, rng);
}

TEST_CASE("frozen layers add no parameter gradient; first layer may skip dx") {
  Rng rng(31);
  Dense<double> d(DenseOptions(3, 2), rng);
  Tensor<double> x = ::gradcheck::random_tensor({2, 3}, rng), g = ::gradcheck::random_tensor({2, 2}, rng);
  d.forward(x, Mode::Train);
  for (auto* p : d.grads()) p->zero();
  d.set_trainable(false);
  const Tensor<double> dx = d.backward(g);
  for (auto* p : d.grads())
    for (double v : *p) CHECK(v == 0.0);
  CHECK(dx.size() == x.size());
  Dense<double> first(DenseOptions(3, 2), rng);  // a first layer: nobody needs its dx
  first.set_needs_input_grad(false);
  first.forward(x, Mode::Train);
  CHECK(first.backward(g).empty());
  CHECK(std::abs((*first.grads()[0])[0]) > 0);
}

namespace {
// y = 2x, but backward returns dy instead of 2 dy.
class WrongBackward : public Layer<double> {
 public:
  std::string type() const override { return "WrongBackward"; }
  Shape output_shape(const Shape& s) const override { return s; }
  const Tensor<double>& forward(const Tensor<double>& x, Mode) override {
    y_ = x;
    for (auto& v : y_) v *= 2;
    return y_;
  }
  const Tensor<double>& backward(const Tensor<double>& dy) override { return dx_ = dy, dx_; }

 private:
  Tensor<double> y_, dx_;
};
// y = w x with one weight, whose backward SETS dw instead of adding to it.
class OverwritingGrad : public Layer<double> {
 public:
  std::string type() const override { return "OverwritingGrad"; }
  Shape output_shape(const Shape& s) const override { return s; }
  const Tensor<double>& forward(const Tensor<double>& x, Mode) override {
    x_ = x, y_ = x;
    for (auto& v : y_) v *= w_[0];
    return y_;
  }
  const Tensor<double>& backward(const Tensor<double>& dy) override {
    dw_[0] = 0;
    for (std::size_t i = 0; i < dy.size(); ++i) dw_[0] += dy[i] * x_[i];
    dx_ = dy;
    for (auto& v : dx_) v *= w_[0];
    return dx_;
  }
  std::vector<Tensor<double>*> params() override { return {&w_}; }
  std::vector<Tensor<double>*> grads() override { return {&dw_}; }

 private:
  Tensor<double> w_ = Tensor<double>({1}, 1.5), dw_ = Tensor<double>({1}), x_, y_, dx_;
};
}  // namespace

TEST_CASE("the public gradient checker catches a wrong backward and one that overwrites parameter gradients") {
  WrongBackward wrong;
  const auto r1 = ganlite::gradcheck::check_layer(wrong, {2, 3});
  CHECK_FALSE(r1.ok);
  CHECK(r1.text().find("WrongBackward dx") != std::string::npos);
  OverwritingGrad overwriting;
  const auto r2 = ganlite::gradcheck::check_layer(overwriting, {2, 3});
  CHECK_FALSE(r2.ok);
  CHECK(r2.text().find("does not add to parameter gradient 0") != std::string::npos);
}

TEST_CASE("every GAN objective: each term's gradient matches central differences, and its values are the papers'") {
  using ganlite::GanTerm;
  const GanTerm terms[] = {GanTerm::RealForD, GanTerm::FakeForD, GanTerm::FakeForG};
  // Scores away from the hinge's kinks at -1 and 1, where a derivative is one-sided.
  ganlite::Tensor<double> z({7, 1});
  const double values[] = {-2.3, -0.6, -0.1, 0.0, 0.4, 0.9, 1.7};
  std::copy(values, values + 7, z.begin());
  for (const char* name : {"bce", "hinge", "least-squares"}) {
    const ganlite::GanObjective o = ganlite::objective_named(name);
    CHECK(o.name == name);
    for (GanTerm t : terms) {
      CAPTURE(name);
      CAPTURE(static_cast<int>(t));
      ganlite::Tensor<double> dz;
      ganlite::objective_term(o, z, t, &dz);
      for (std::size_t i = 0; i < z.size(); ++i) {
        ganlite::Tensor<double> up = z, down = z;
        const double h = 1e-6;
        up[i] += h, down[i] -= h;
        const double numeric = (ganlite::objective_term<double>(o, up, t, nullptr) - ganlite::objective_term<double>(o, down, t, nullptr)) / (2 * h);
        CHECK(dz[i] == doctest::Approx(numeric).epsilon(1e-6));
      }
    }
  }
  const ganlite::GanObjective hinge = ganlite::hinge_objective(), ls = ganlite::least_squares_objective();
  CHECK(hinge.loss(0.25, GanTerm::RealForD) == 0.75);  // relu(1 - z)
  CHECK(hinge.loss(0.25, GanTerm::FakeForD) == 1.25);  // relu(1 + z)
  CHECK(hinge.loss(1.5, GanTerm::RealForD) == 0.0);
  CHECK(hinge.loss(0.25, GanTerm::FakeForG) == -0.25);  // -z
  CHECK(ls.loss(0.25, GanTerm::RealForD) == 0.5 * 0.75 * 0.75);
  CHECK(ls.loss(0.25, GanTerm::FakeForD) == 0.5 * 0.25 * 0.25);
  CHECK(ls.loss(0.25, GanTerm::FakeForG) == 0.5 * 0.75 * 0.75);
  CHECK_THROWS_WITH(ganlite::objective_named("wasserstein"), "no GAN objective is named \"wasserstein\" (known: bce, hinge, least-squares)");
}
