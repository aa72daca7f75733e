// custom_gan — your own GAN on your own shape, in a page: 14x14 digits (MNIST with each 2x2 block
// averaged), conditioned on the digit, with a small generator and discriminator built from
// ganlite's layers and trained by the library's GanTrainer and training loop. docs/your_own_gan.md walks through it.
//
//   custom_gan [--data DIR] [--epochs 5] [--limit 0] [--seed 0] [--out custom_gan.png]
//              [--checkpoints custom_gan_run] [--resume | --restart]
// Writes a 10 x 8 grid (row r: digit r) and exits 0; exit 1 if training diverges or on bad data,
// 2 on bad usage or a run folder it may not use; 128 + N after a stop by signal N (a checkpoint
// of the steps done is in the run folder: --resume continues it). The run folder is the
// library's GanRun's (ganlite/train/gan_run.hpp): checkpoints, losses.csv and .svg, a grid per
// epoch, training.gif and index.html, under the same rules as mnist_dcgan's.
#include <CLI/CLI.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ganlite/ganlite.hpp>          // layers, the trainer, checkpoints
#include <ganlite/train/gan_run.hpp>    // the run folder: loop, losses.csv, grids, GIF, report (stb, giflib)
#include <memory>

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"

using namespace ganlite;

constexpr int kNoise = 32, kClasses = 10;

// G: (noise + one-hot) -> Dense 7x7x32 -> BN -> LeakyReLU -> Conv2DTranspose 16 (stride 2: 14x14)
//    -> BN -> LeakyReLU -> Conv2DTranspose 1 -> tanh: a 14x14x1 image in [-1, 1].
Sequential<> make_small_generator(Rng& init) {
  Sequential g("small_generator", {kNoise + kClasses});
  g.add(Dense(DenseOptions(kNoise + kClasses, 7 * 7 * 32).bias(false), init));
  g.add(BatchNorm(7 * 7 * 32));
  g.add(LeakyReLU());
  g.add(Reshape({7, 7, 32}));
  g.add(Conv2DTranspose(Conv2dOptions(32, 16, 5).stride(2).padding(Padding::Same).bias(false), init));
  g.add(BatchNorm(16));
  g.add(LeakyReLU());
  g.add(Conv2DTranspose(Conv2dOptions(16, 1, 5).padding(Padding::Same).bias(false), init));
  g.add(Tanh());
  return g;
}

// D: (14x14 image + 10 label planes) -> Conv2D 32 (stride 2: 7x7) -> LeakyReLU -> Dropout 0.3
//    -> Flatten -> Dense 1: one logit, real or fake.
Sequential<> make_small_discriminator(Rng& init, Rng& dropout) {
  Sequential d("small_discriminator", {14, 14, 1 + kClasses});
  d.add(Conv2D(Conv2dOptions(1 + kClasses, 32, 5).stride(2).padding(Padding::Same), init));
  d.add(LeakyReLU());
  d.add(Dropout(0.3, dropout));
  d.add(Flatten());
  d.add(Dense(DenseOptions(7 * 7 * 32, 1), init));
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

int train(const std::string& data, int epochs, int limit, std::uint64_t seed, const std::string& out, const std::string& run_dir, bool resume,
          bool restart) {
  // Everything the run will write is checked before the first step: the picture's folder and
  // name, and the run folder (made if missing, locked, no other run's files unless --restart).
  check_can_write(out);
  GanRunSettings settings;
  settings.dir = run_dir;
  settings.start = resume ? FolderStart::Resume : restart ? FolderStart::Restart : FolderStart::Fresh;
  settings.epochs = epochs;
  settings.program = "custom_gan";
  settings.how_to_resume = "continue with --resume";
  settings.data_advice = "--data and --limit must be the checkpoint's";
  settings.setting_name = [](const std::string& setting) { return setting == "seed" ? "--seed" : setting; };
  std::unique_ptr<GanRun> run;
  try {
    run = std::make_unique<GanRun>(settings);
  } catch (const RunFolderHoldsAnotherRun& e) {
    throw RunFolderRefused(std::string(e.what()) + ": continue that run with --resume, choose other --checkpoints, or start over with --restart (deletes them)");
  }
  if (!run->removed().empty()) std::printf("--restart: removed %zu files of the earlier run in %s\n", run->removed().size(), run_dir.c_str());

  const IdxDataset ds = examples::load_mnist_from(data, "train");
  const int n = limit > 0 ? std::min(limit, ds.count) : ds.count;
  const Tensor<float> images = half_size(ds, n);
  const std::vector<int> labels(ds.labels.begin(), ds.labels.begin() + n);
  // The data's identity, kept in checkpoints and checked on resume.
  const DataIdentity identity = identify_data(static_cast<std::uint32_t>(n), ds.pixels.data(), static_cast<std::size_t>(n) * 784, ds.labels.data(),
                                               static_cast<std::size_t>(n));
  run->describe_data(std::to_string(n) + " 14x14 digits from " + data, {{"model", "custom_gan_14x14 (conditional)"}, {"epochs", std::to_string(epochs)},
                                                                        {"seed", std::to_string(seed)}});

  GanConfig cfg;  // everything the trainer needs to know; the models it builds itself
  cfg.seed = seed, cfg.noise_dim = kNoise, cfg.classes = kClasses, cfg.batch = 64, cfg.fixed_noise_count = 8;
  cfg.generator_adam = cfg.discriminator_adam = AdamConfig{2e-4, 0.5, 0.999, 1e-7};
  GanTrainer<float> trainer(cfg, make_small_generator, make_small_discriminator);
  const ModelSettings model = {{"model", "custom_gan_14x14"}};

  // The library's run: the loop (shuffles, batches, the NaN guard, a checkpoint per epoch, a
  // clean stop on Ctrl-C, SIGTERM or SIGHUP) and the run folder's losses.csv, grids, GIF and page.
  const GanRunOutcome end = run->train(trainer, tensor_images(images, labels), identity, gan_run_checkpoints(trainer, model));
  if (end.end == RunEnd::Stopped) return 128 + end.signal;
  if (end.end == RunEnd::AlreadyDone)
    std::printf("%s has done %d epochs already: nothing to train (raise --epochs to go on)\n", end.checkpoint.c_str(), end.cursor.epoch);
  write_png(out, make_grid(trainer.sample_fixed(), kClasses, cfg.fixed_noise_count, 3));  // row r: digit r
  std::printf("Wrote %s\n", out.c_str());
  return 0;
}

int main(int argc, char** argv) {
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit: writes fail with "File too large" instead of killing us
  std::signal(SIGPIPE, SIG_IGN);  // a reader that went away: a write error, not a death before the stop checkpoint
  CLI::App app{"custom_gan: a small conditional GAN on 14x14 digits, built with ganlite's GanTrainer"};
  std::string data = examples::default_mnist_dir(), out = "custom_gan.png", run_dir = "custom_gan_run";
  int epochs = 5, limit = 0;
  std::uint64_t seed = 0;
  bool resume = false, restart = false;
  app.add_option("--data", data, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--epochs", epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--limit", limit, "Use only the first N training images (0: all)")->check(CLI::Range(0, 100000000));
  app.add_option("--seed", seed, "Random seed")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--out", out, "Output PNG: a row of samples per digit")->capture_default_str();
  app.add_option("--checkpoints", run_dir, "Run folder (made if missing): a checkpoint after every epoch and at a stop")->capture_default_str();
  auto* resume_flag = app.add_flag("--resume", resume, "Continue the run in --checkpoints from its newest good checkpoint");
  app.add_flag("--restart", restart, "Start over in a --checkpoints folder that holds an earlier run: deletes its checkpoints first")->excludes(resume_flag);
  if (const int parsed = examples::parse_command_line(app, argc, argv); parsed >= 0) return parsed;
  int rc = 1;
  try {
    rc = train(data, epochs, limit, seed, out, run_dir, resume, restart);
  } catch (const RunFolderRefused& e) {
    std::fprintf(stderr, "custom_gan: %s\n", e.what());
    rc = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custom_gan: error: %s\n", e.what());
    rc = 1;
  }
  return examples::exit_status(rc);
}
