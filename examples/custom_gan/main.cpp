// custom_gan — your own GAN on your own shape, in a page: 14x14 digits (MNIST with each 2x2 block
// averaged), conditioned on the digit, with a small generator and discriminator built from
// ganlite's layers and trained by the library's GanTrainer and training loop. docs/your_own_gan.md walks through it.
//
//   custom_gan [--data DIR] [--epochs 5] [--limit 0] [--seed 0] [--out custom_gan.png] [--checkpoints DIR]
// Writes a 10 x 8 grid (row r: digit r) and exits 0; exit 1 if training diverges or on bad data.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/gan_checkpoint.hpp>
#include <ganlite/train/stop_signal.hpp>
#include <ganlite/train/training_loop.hpp>

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"

using namespace ganlite;

constexpr int kNoise = 32, kClasses = 10;

// G: (noise + one-hot) -> Dense 7x7x32 -> BN -> LeakyReLU -> Conv2DTranspose 16 (stride 2: 14x14)
//    -> BN -> LeakyReLU -> Conv2DTranspose 1 -> tanh: a 14x14x1 image in [-1, 1].
Sequential<float> make_small_generator(Rng& init) {
  Sequential<float> g("small_generator", {kNoise + kClasses});
  g.emplace<Dense<float>>(kNoise + kClasses, 7 * 7 * 32, false, init);
  g.emplace<BatchNorm<float>>(7 * 7 * 32);
  g.add(make_leaky_relu<float>());
  g.emplace<Reshape<float>>(Shape{7, 7, 32});
  g.emplace<Conv2DTranspose<float>>(32, ConvSpec{16, 5, 5, 2, 2, Padding::Same, false}, init);
  g.emplace<BatchNorm<float>>(16);
  g.add(make_leaky_relu<float>());
  g.emplace<Conv2DTranspose<float>>(16, ConvSpec{1, 5, 5, 1, 1, Padding::Same, false}, init);
  g.emplace<Tanh<float>>();
  return g;
}

// D: (14x14 image + 10 label planes) -> Conv2D 32 (stride 2: 7x7) -> LeakyReLU -> Dropout 0.3
//    -> Flatten -> Dense 1: one logit, real or fake.
Sequential<float> make_small_discriminator(Rng& init, Rng& dropout) {
  Sequential<float> d("small_discriminator", {14, 14, 1 + kClasses});
  d.emplace<Conv2D<float>>(1 + kClasses, ConvSpec{32, 5, 5, 2, 2, Padding::Same, true}, init);
  d.add(make_leaky_relu<float>());
  d.emplace<Dropout<float>>(0.3, dropout);
  d.emplace<Flatten<float>>();
  d.emplace<Dense<float>>(7 * 7 * 32, 1, true, init);
  return d;
}

// MNIST's 28x28 digits as 14x14, each pixel the mean of a 2x2 block, scaled to [-1, 1].
Tensor<float> half_size(const IdxDataset& ds, int count) {
  Tensor<float> x({count, 14, 14, 1});
  for (int i = 0; i < count; ++i)
    for (int y = 0; y < 14; ++y)
      for (int c = 0; c < 14; ++c) {
        const std::uint8_t* p = ds.pixels.data() + static_cast<std::size_t>(i) * 784 + (2 * y) * 28 + 2 * c;
        x[(static_cast<std::size_t>(i) * 14 + y) * 14 + c] = (p[0] + p[1] + p[28] + p[29]) / (4 * 127.5f) - 1;
      }
  return x;
}

int main(int argc, char** argv) {
  CLI::App app{"custom_gan: a small conditional GAN on 14x14 digits, built with ganlite's GanTrainer"};
  std::string data = examples::default_mnist_dir(), out = "custom_gan.png", checkpoints;
  int epochs = 5, limit = 0;
  std::uint64_t seed = 0;
  app.add_option("--data", data, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--epochs", epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--limit", limit, "Use only the first N training images (0: all)")->check(CLI::Range(0, 100000000));
  app.add_option("--seed", seed, "Random seed")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--out", out, "Output PNG: a row of samples per digit")->capture_default_str();
  app.add_option("--checkpoints", checkpoints, "Write a checkpoint after every epoch into this existing folder")->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  try {
    const IdxDataset ds = load_mnist(data, "train");
    const int n = limit > 0 ? std::min(limit, ds.count) : ds.count;
    const Tensor<float> images = half_size(ds, n);

    GanConfig cfg;  // everything the trainer needs to know; the models it builds itself
    cfg.seed = seed, cfg.noise_dim = kNoise, cfg.classes = kClasses, cfg.batch = 64, cfg.fixed_noise_count = 8;
    cfg.generator_adam = cfg.discriminator_adam = AdamConfig{2e-4, 0.5, 0.999, 1e-7};
    GanTrainer<float> trainer(cfg, make_small_generator, make_small_discriminator);
    std::printf("%s\n%s", trainer.generator().summary(cfg.batch).c_str(), trainer.discriminator().summary(cfg.batch).c_str());

    // The library's loop: shuffles, batches, the NaN guard, a checkpoint per epoch if asked for,
    // and a clean stop on Ctrl-C (a checkpoint of the steps done).
    LoopSettings loop;
    loop.epochs = epochs;
    loop.checkpoint_dir = checkpoints;
    const StopOnSignal stop;
    LoopHooks<float> hooks;
    hooks.save_checkpoint = [](GanTrainer<float>& t, const std::string& path) { save_gan_checkpoint(t, path, {{"model", "custom_gan_14x14"}}); };
    hooks.stop_requested = [&] { return stop.requested(); };
    StepStats last;
    hooks.after_step = [&](const StepRecord& r) { last = r.stats; };
    hooks.after_epoch = [&](const EpochRecord& e) {
      std::printf("epoch %d: D loss %.4f, G loss %.4f, D(x) %.3f, D(G(z)) %.3f\n", e.epoch, last.d_loss, last.g_loss, last.d_real, last.d_fake);
    };
    const std::vector<int> labels(ds.labels.begin(), ds.labels.begin() + n);
    if (train_gan(trainer, tensor_images(images, labels), loop, hooks).end == LoopEnd::Stopped) return 128 + stop.signal_number();
    write_png(out, make_grid(trainer.sample_fixed(), kClasses, cfg.fixed_noise_count, 3));  // row r: digit r
    std::printf("Wrote %s\n", out.c_str());
    return examples::exit_status(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custom_gan: error: %s\n", e.what());
    return 1;
  }
}
