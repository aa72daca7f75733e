// mnist_dcgan — trains the seed DCGAN on MNIST and samples from a trained generator.
//
//   mnist_dcgan [--data DIR] [--out DIR] [--epochs 50] [--batch 256] [--lr 1e-4] [--beta1 0.9]
//               [--seed 0] [--threads 0] [--limit 0] [--checkpoint-every 5] [--resume]
//   mnist_dcgan generate --checkpoint F --count N [--seed S] --out FILE.png|FILE.idx
//   mnist_dcgan interpolate --checkpoint F --out FILE.png [--rows 8] [--steps 10] [--seed S]
//   mnist_dcgan evaluate (--checkpoint F | --real) --classifier C [--count 10000] [--seed S]
// Exit status: 0 success, 1 a runtime error (bad data file, unwritable folder...), 2 bad usage.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"
#include "evaluate.hpp"
#include "training.hpp"

using namespace ganlite;

namespace {

std::string ends_with_any(const std::string& s, std::initializer_list<const char*> exts) {
  for (const char* e : exts) {
    const std::string ext(e);
    if (s.size() >= ext.size() && s.compare(s.size() - ext.size(), ext.size(), ext) == 0) return ext;
  }
  return "";
}

// Builds a trainer with the checkpoint's own settings and loads it.
std::unique_ptr<DcganTrainer> trainer_from(const std::string& checkpoint) {
  auto t = std::make_unique<DcganTrainer>(read_checkpoint_config(checkpoint));
  load_checkpoint(*t, checkpoint);
  mnist_dcgan::require_finite_weights(*t, checkpoint);
  return t;
}

int run_generate(const std::string& checkpoint, int count, std::uint64_t seed, const std::string& out) {
  const std::string ext = ends_with_any(out, {".png", ".idx"});
  auto t = trainer_from(checkpoint);
  Rng rng(seed);
  Tensor<float> z({count, kNoiseDim});
  for (auto& v : z) v = static_cast<float>(rng.normal());
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(count) * 784);
  const int chunk = 256;
  Tensor<float> zc, all({count, 28, 28, 1});
  for (int i = 0; i < count; i += chunk) {  // bounded memory for large counts
    const int n = std::min(chunk, count - i);
    zc.resize({n, kNoiseDim});
    std::copy(z.data() + static_cast<std::size_t>(i) * kNoiseDim, z.data() + static_cast<std::size_t>(i + n) * kNoiseDim, zc.data());
    const Tensor<float>& img = t->generator().forward(zc, Mode::Eval);
    std::copy(img.begin(), img.end(), all.data() + static_cast<std::size_t>(i) * 784);
  }
  if (ext == ".idx") {
    for (float v : all) bytes.push_back(to_byte(v));
    write_idx(out, {static_cast<std::uint32_t>(count), 28, 28}, bytes);
  } else {
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
    write_png(out, make_grid(all, (count + cols - 1) / cols, cols, 2));
  }
  std::printf("Wrote %d generated digits (epoch %d generator) to %s\n", count, t->epoch, out.c_str());
  return 0;
}

int run_interpolate(const std::string& checkpoint, int rows, int steps, std::uint64_t seed, const std::string& out) {
  auto t = trainer_from(checkpoint);
  Rng rng(seed);
  Tensor<float> z({rows * steps, kNoiseDim});
  std::vector<float> a(kNoiseDim), b(kNoiseDim);
  for (int r = 0; r < rows; ++r) {
    for (int k = 0; k < kNoiseDim; ++k) a[k] = static_cast<float>(rng.normal()), b[k] = static_cast<float>(rng.normal());
    for (int s = 0; s < steps; ++s) {
      const float u = steps > 1 ? static_cast<float>(s) / (steps - 1) : 0.0f;
      for (int k = 0; k < kNoiseDim; ++k) z[(static_cast<std::size_t>(r) * steps + s) * kNoiseDim + k] = (1 - u) * a[k] + u * b[k];
    }
  }
  write_png(out, make_grid(t->generator().forward(z, Mode::Eval), rows, steps, 2));
  std::printf("Wrote %d rows of %d steps through latent space to %s\n", rows, steps, out.c_str());
  return 0;
}

// Runs what the command line asked for; exit status 0, 1 (runtime error) or 2 (refused request).
int run(mnist_dcgan::TrainOptions& o, mnist_dcgan::EvalOptions& ev, bool gen, bool interp, bool eval, const std::string& checkpoint, int count,
        int rows, int steps, std::uint64_t sample_seed, const std::string& out_file) {
  try {
    if (eval && ev.checkpoint.empty() && !ev.real) {
      std::fprintf(stderr, "mnist_dcgan evaluate: needs --checkpoint F or --real\n");
      return 2;
    }
    if (gen) return run_generate(checkpoint, count, sample_seed, out_file);
    if (interp) return run_interpolate(checkpoint, rows, steps, sample_seed, out_file);
    if (eval) {
      ev.data_dir = o.data_dir;
      return mnist_dcgan::run_evaluate(ev);
    }
    return mnist_dcgan::run_training(o);
  } catch (const mnist_dcgan::UsageError& e) {
    std::fprintf(stderr, "mnist_dcgan: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_dcgan: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) then makes writes fail with EFBIG, reported like a full disk,
  // instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"mnist_dcgan: train the seed DCGAN on MNIST (default), or sample a trained generator"};
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  app.fallthrough();  // lets `evaluate --data DIR` use the main --data option
  mnist_dcgan::TrainOptions o;
  o.data_dir = examples::default_mnist_dir();
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);
  app.add_option("--data", o.data_dir, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--out", o.out_dir, "Output folder for images, checkpoints, losses and the GIF")->capture_default_str();
  app.add_option("--epochs", o.epochs, "Epochs to train")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 60000));
  app.add_option("--lr", o.lr, "Adam learning rate, both networks")->capture_default_str()->check(examples::finite_in(1e-12, 1.0));
  app.add_option("--beta1", o.beta1, "Adam beta1, both networks")->capture_default_str()->check(examples::finite_in(0.0, 0.999999));
  app.add_option("--seed", o.seed, "Random seed (weights, noise, shuffling, dropout)")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--threads", o.threads, "Threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  app.add_option("--limit", o.limit, "Use only the first N training images (0: all)")->capture_default_str()->check(CLI::Range(0, 100000000));
  app.add_option("--checkpoint-every", o.checkpoint_every, "Save a checkpoint every N epochs (and at the end)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_flag("--conditional", o.conditional, "Condition both networks on the class (10x10 grid per epoch: row r draws class r)");
  auto* resume = app.add_flag("--resume", o.resume, "Continue the run in --out from its newest good checkpoint");
  app.add_flag("--restart", o.restart, "Start over in an --out that holds an earlier run: deletes that run's files first")->excludes(resume);

  std::string checkpoint, out_file;
  int count = 16, rows = 8, steps = 10;
  std::uint64_t sample_seed = 1;
  CLI::App* gen = app.add_subcommand("generate", "Write generated digits as a PNG grid or an IDX file");
  gen->add_option("--checkpoint", checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
  gen->add_option("--count", count, "Number of digits")->capture_default_str()->check(CLI::Range(1, 1000000));
  gen->add_option("--seed", sample_seed, "Noise seed")->capture_default_str()->check(examples::unsigned_64());
  gen->add_option("--out", out_file, "Output file: .png (grid) or .idx (IDX3 unsigned bytes)")->required()
      ->check([](const std::string& s) { return ends_with_any(s, {".png", ".idx"}).empty() ? "must end in .png or .idx" : ""; });
  CLI::App* interp = app.add_subcommand("interpolate", "Write rows of digits walking between random latent points");
  interp->add_option("--checkpoint", checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
  interp->add_option("--out", out_file, "Output PNG")->required()
      ->check([](const std::string& s) { return ends_with_any(s, {".png"}).empty() ? "must end in .png" : ""; });
  interp->add_option("--rows", rows, "Rows")->capture_default_str()->check(CLI::Range(1, 64));
  interp->add_option("--steps", steps, "Digits per row")->capture_default_str()->check(CLI::Range(2, 64));
  interp->add_option("--seed", sample_seed, "Noise seed")->capture_default_str()->check(examples::unsigned_64());
  mnist_dcgan::EvalOptions ev;
  CLI::App* eval = app.add_subcommand("evaluate", "Score generated (or real) digits: Inception Score, FID, class shares");
  auto* ck = eval->add_option("--checkpoint", ev.checkpoint, "Checkpoint whose generator is scored")->check(CLI::ExistingFile);
  auto* real = eval->add_flag("--real", ev.real, "Score real training images instead (the floor to read the GAN's numbers against)");
  ck->excludes(real);
  eval->add_option("--classifier", ev.classifier, "Model written by mnist_classifier")->required()->check(CLI::ExistingFile);
  eval->add_option("--count", ev.count, "Images to score")->capture_default_str()->check(CLI::Range(20, 1000000));
  eval->add_option("--seed", ev.seed, "Noise seed")->capture_default_str()->check(examples::unsigned_64());
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return examples::exit_status(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return examples::exit_status(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message
    return 2;
  }
  return examples::exit_status(run(o, ev, gen->parsed(), interp->parsed(), eval->parsed(), checkpoint, count, rows, steps, sample_seed, out_file));
}

