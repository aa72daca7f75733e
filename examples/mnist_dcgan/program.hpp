// mnist_dcgan — trains the seed DCGAN on MNIST (optionally conditioned on the class) and draws
// from a trained generator.
//
//   mnist_dcgan [--data DIR] [--out DIR] [--epochs 50] [--batch 256] [--lr 1e-4] [--beta1 0.9]
//               [--seed 0] [--threads 0] [--limit 0] [--checkpoint-every 5] [--conditional] [--ema 0]
//               [--loss bce] [--recipe seed|paper|best] [--d-lr R] [--spectral-norm] [--augment A]
//               [--ema-warmup] [--shards 1] [--resume | --restart]
//   mpirun -np P mnist_dcgan ... --shards S   (built with MPI: data-parallel, P dividing S)
//   mnist_dcgan generate --checkpoint F (--count N [--seed S] | --noise Z.idx) [--digit D | --digits DDD | --class NAME]
//               --out FILE.png|FILE.idx [--float]
//   mnist_dcgan export --checkpoint F (--out G.onnx | --html DIR [--ort-web PKG])   (built with ONNX: the generator
//               as an ONNX model; --html: a page in DIR that draws with it in a browser)
//   mnist_dcgan interpolate --checkpoint F --out FILE.png [--rows 8] [--steps 10] [--seed S]
//   mnist_dcgan write --checkpoint F --text "2026 12 01" --out FILE.png|FILE.idx [--float] [--styles 1] [--seed S]
//   mnist_dcgan evaluate (--checkpoint F [--confusions] | --real) --classifier C [--count 10000] [--seed S]
//   mnist_dcgan inspect FILE   (a checkpoint's or weights file's settings and tensors)
//   (generate, interpolate, write, evaluate --checkpoint: [--average N] draws from the generator
//    averaged over F's epoch and the N-1 epochs' checkpoints before it; a run trained with --ema draws
//    from the moving average unless --raw-generator)
// Exit status: 0 success, 1 a runtime error (bad data file, unwritable folder...), 2 bad usage
// or a request the program refuses.
// The program is program_main (main.cpp calls it); a test's build of it may pass loop hooks of its
// own, to inject faults through the library's public hooks rather than code that ships.
#pragma once
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include <ganlite/train/inspect.hpp>

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"
#include "evaluate.hpp"
#include "export.hpp"
#include "sampling.hpp"
#include "training.hpp"

namespace mnist_dcgan::cli {

using namespace ganlite;

using examples::file_ending;

// --average N and --raw-generator, for every subcommand that draws from a checkpoint's generator.
inline void add_generator_options(CLI::App* sub, mnist_dcgan::GeneratorChoice& g) {
  sub->add_option("--average", g.average, "Draw from the generator averaged over this checkpoint's epoch and the N-1 before it "
                                          "(their checkpoint_epoch_E.ckpt files beside it)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  sub->add_flag("--raw-generator", g.raw, "A run trained with --ema: draw from the trained generator, not its moving average");
}

// The options every sampling subcommand shares.
inline void add_sampling_options(CLI::App* sub, mnist_dcgan::SampleOptions& s, std::vector<const char*> exts) {
  sub->add_option("--checkpoint", s.checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
  sub->add_option("--out", s.out, std::string("Output file (") + exts[0] + (exts.size() > 1 ? " grid or .idx)" : ")"))->required()->check(file_ending(exts));
  sub->add_option("--seed", s.seed, "Noise seed")->capture_default_str()->check(examples::unsigned_64());
  add_generator_options(sub, s.generator);
}

// Runs what the command line asked for; exit status 0, 1 (runtime error) or 2 (refused request).
inline bool g_agreed_stop = false;  // every process refused alike: none has to end the others

template <class Work>
int run(Work work) {
  try {
    return work();
  } catch (const mnist_dcgan::ProcessesDisagree& e) {
    if (*e.what()) std::fprintf(stderr, "mnist_dcgan: %s\n", e.what());
    g_agreed_stop = true;
    return 2;
  } catch (const std::bad_alloc& e) {  // ganlite::OutOfMemory says how much; the run's need and the limit are said here
    std::string limit;
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
      limit = "; this process may use " + std::to_string(rl.rlim_cur >> 20) + " MiB of address space (ulimit -v)";
    std::fprintf(stderr, "mnist_dcgan: error: %s%s%s%s\n", e.what(), mnist_dcgan::memory_need.empty() ? "" : "; ",
                 mnist_dcgan::memory_need.c_str(), limit.c_str());
    return 1;
  } catch (const mnist_dcgan::UsageError& e) {
    std::fprintf(stderr, "mnist_dcgan: %s\n", e.what());
    return 2;
  } catch (const ganlite::RunFolderRefused& e) {  // another run's folder or checkpoint: refused as asked
    std::fprintf(stderr, "mnist_dcgan: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_dcgan: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace mnist_dcgan::cli

namespace mnist_dcgan {

inline int program_main(int argc, char** argv, const ganlite::LoopHooks<float>& extra = {}) {
  using namespace cli;
  // A file-size limit (ulimit -f) then makes writes fail with EFBIG, reported like a full disk,
  // instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  // A reader that went away (`| tee log` closed with the terminal) makes a write fail with EPIPE,
  // said as an error, instead of killing the run before it can save its checkpoint.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"mnist_dcgan: train the seed DCGAN on MNIST (default), or draw from a trained generator"};
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  app.fallthrough();  // lets `evaluate --data DIR` use the main --data option
  mnist_dcgan::TrainOptions o;
  o.data_dir = examples::default_mnist_dir();
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);
  app.add_option("--data", o.data_dir, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--out", o.out_dir, "Output folder for images, checkpoints, losses, the GIF and index.html")->capture_default_str();
  app.add_option("--epochs", o.epochs, "Epochs to train")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 60000));
  app.add_option("--recipe", o.recipe, "Whole training settings by name: seed (the tutorial's), paper (the DCGAN paper's Adam), best "
                                        "(docs/results.md); each flag below given beside it overrides it")
      ->capture_default_str()->check(CLI::IsMember({"seed", "paper", "best"}));
  app.add_option("--lr", o.lr, "Adam learning rate, both networks (D's: --d-lr)")->capture_default_str()->check(examples::finite_in(1e-12, 1.0));
  app.add_option("--d-lr", o.d_lr, "D's own Adam learning rate (TTUR; default: --lr)")->check(examples::finite_in(1e-12, 1.0));
  app.add_option("--beta1", o.beta1, "Adam beta1, both networks")->capture_default_str()->check(examples::finite_in(0.0, 0.999999));
  app.add_option("--seed", o.seed, "Random seed (weights, noise, shuffling, dropout)")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--threads", o.threads, "Threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  app.add_option("--limit", o.limit, "Use only the first N training images (0: all)")->capture_default_str()->check(CLI::Range(0, 100000000));
  app.add_option("--checkpoint-every", o.checkpoint_every, "Save a checkpoint every N epochs (and at the end)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--shards", o.shards, "Cut each batch into S shards, summed in one fixed order: the same numbers on any number of "
                                      "processes (mpirun -np P, P dividing S)")->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--ema", o.ema, "Also keep the generator's exponential moving average with this decay, e.g. 0.999 "
                                  "(0: none); images and every sampling subcommand then draw from it")
      ->capture_default_str()->check(examples::finite_in(0.0, 0.999999));
  app.add_flag("--ema-warmup,!--no-ema-warmup", o.ema_warmup, "Warm the moving average's decay up: min(--ema, n / (n + 9)) at step n, "
                                                              "so that it follows G from the first epoch");
  app.add_option("--loss", o.loss, "The GAN objective: bce (the seed's BCE with logits), hinge or least-squares")
      ->capture_default_str()->check(CLI::IsMember({"bce", "hinge", "least-squares"}));
  app.add_flag("--spectral-norm,!--no-spectral-norm", o.spectral_norm, "Spectrally normalize D's Conv2D and Dense layers (Miyato et al. 2018)");
  app.add_option("--augment", o.augment, "Augment every image D sees, real and fake (DiffAugment): translation, cutout, "
                                         "translation,cutout or none")
      ->capture_default_str()->check(CLI::Validator(
          [](std::string& v) -> std::string {
            try {
              v = ganlite::augmentation_named(v).name();  // one name for one setting
              return "";
            } catch (const std::invalid_argument& e) {
              return e.what();
            }
          },
          "none|translation|cutout|translation,cutout"));
  app.add_flag("--conditional", o.conditional, "Condition both networks on the class (10x10 grid per epoch: row r draws class r)");
  auto* resume = app.add_flag("--resume", o.resume, "Continue the run in --out from its newest good checkpoint");
  app.add_flag("--restart", o.restart, "Start over in an --out that holds an earlier run: deletes that run's files first")->excludes(resume);

  mnist_dcgan::SampleOptions s;
  std::string digits;
  std::vector<int> digit;
  CLI::App* gen = app.add_subcommand("generate", "Write generated images as a PNG grid or an IDX file (conditional: of the classes asked for)");
  add_sampling_options(gen, s, {".png", ".idx"});
  gen->add_option("--count", s.count, "Images (of each class asked for)")->capture_default_str()->check(CLI::Range(1, 100000));
  gen->add_option("--digit", digit, "A class to draw (conditional checkpoints; several: repeat it)");
  gen->add_option("--digits", digits, "Classes to draw, one digit each, e.g. 0123456789");
  gen->add_option("--class", s.classes, "A class to draw by name or number, e.g. sneaker or 7 (repeatable)");
  gen->add_option("--noise", s.noise, "Draw from these noise vectors: a float32 IDX file of (N, 100), N images (of each class asked for)")
      ->check(CLI::ExistingFile)->excludes("--count")->excludes("--seed");
  gen->add_flag("--float", s.float_pixels, "Write the .idx as float32 pixels in [-1, 1], as drawn (default: bytes 0-255)");
  mnist_dcgan::ExportOptions ex;
  CLI::App* exp = app.add_subcommand("export", "Write a checkpoint's generator as an ONNX model: noise (N, 100) [and class one-hot (N, K)] -> "
                                               "images (N, 28, 28, 1) in [-1, 1]");
  exp->add_option("--checkpoint", ex.checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
  exp->add_option("--out", ex.out, "Output file (.onnx)")->check(file_ending({".onnx"}));
  exp->add_option("--html", ex.html, "Also (or only) write a page into this folder that draws with the generator in a browser, "
                                     "from file:// or served (python3 -m http.server)");
  exp->add_option("--ort-web", ex.ort_web, "The folder of the npm package onnxruntime-web whose files the page carries "
                                           "(default: $GANLITE_ORT_WEB_DIR, else the one scripts/install_deps.sh installs)")
      ->check(CLI::ExistingDirectory);
  add_generator_options(exp, ex.generator);
  CLI::App* interp = app.add_subcommand("interpolate", "Write rows of images walking between random latent points");
  add_sampling_options(interp, s, {".png"});
  interp->add_option("--rows", s.rows, "Rows")->capture_default_str()->check(CLI::Range(1, 64));
  interp->add_option("--steps", s.steps, "Images per row")->capture_default_str()->check(CLI::Range(2, 64));
  CLI::App* write = app.add_subcommand("write", "Write digits as handwriting, one hand per line (conditional MNIST checkpoints)");
  add_sampling_options(write, s, {".png", ".idx"});
  write->add_flag("--float", s.float_pixels, "Write the .idx as float32 pixels in [-1, 1], as drawn (default: bytes 0-255)");
  write->add_option("--text", s.text, "The digits to write; a space leaves a gap")->required()->check(CLI::Validator(
      [](std::string& t) -> std::string { return t.size() > 200 ? "at most 200 characters" : ""; }, "TEXT"));
  write->add_option("--styles", s.styles, "Lines, each in its own hand")->capture_default_str()->check(CLI::Range(1, 64));
  mnist_dcgan::EvalOptions ev;
  CLI::App* eval = app.add_subcommand("evaluate", "Score generated (or real) images: Inception Score, FID, class shares; "
                                                  "requested-class accuracy for a conditional checkpoint");
  auto* ck = eval->add_option("--checkpoint", ev.checkpoint, "Checkpoint whose generator is scored")->check(CLI::ExistingFile);
  auto* real = eval->add_flag("--real", ev.real, "Score real training images instead (the floor to read the GAN's numbers against)");
  ck->excludes(real);
  eval->add_option("--classifier", ev.classifier, "Model written by mnist_classifier")->required()->check(CLI::ExistingFile);
  eval->add_option("--count", ev.count, "Images to score")->capture_default_str()->check(CLI::Range(20, 1000000));
  eval->add_flag("--confusions", ev.confusions, "Conditional checkpoints: also print the table of class asked for by class given");
  eval->add_option("--seed", ev.seed, "Noise seed")->capture_default_str()->check(examples::unsigned_64());
  add_generator_options(eval, ev.generator);
  std::string inspected;
  CLI::App* inspect = app.add_subcommand("inspect", "List what a ganlite file holds: a checkpoint's or weights file's settings and tensors");
  inspect->add_option("file", inspected, "A checkpoint or weights file")->required()->check(CLI::ExistingFile);
  app.require_subcommand(0, 1);

  if (const int parsed = examples::parse_command_line(app, argc, argv); parsed >= 0) return parsed;
  mnist_dcgan::apply_recipe(o, [&](const char* flag) { return app.count(flag) > 0; });
  if (o.ema_warmup && o.ema == 0) {
    std::fprintf(stderr, "mnist_dcgan: error: --ema-warmup warms up the moving average of --ema, and there is none (--ema 0)\n");
    return 2;
  }
  for (int d : digit) s.classes.push_back(std::to_string(d));
  for (char c : digits) s.classes.push_back(std::string(1, c));
  std::unique_ptr<Communicator> processes;  // training: this process, or those of mpirun
  const int status = run([&] {
    if (gen->parsed() || interp->parsed() || write->parsed()) check_can_write(s.out);  // said now, not after the work
    if (inspect->parsed()) return std::printf("%s", file_listing(inspected).c_str()) < 0 ? 1 : 0;
    if (gen->parsed()) return mnist_dcgan::run_generate(s);
    if (exp->parsed()) {
      if (ex.out.empty() && ex.html.empty()) throw mnist_dcgan::UsageError("export: needs --out G.onnx, --html DIR, or both");
      if (!ex.out.empty()) check_can_write(ex.out);
      if (!ex.html.empty()) mnist_dcgan::check_can_write_page(ex.html, ex.ort_web);
      return mnist_dcgan::run_export(ex);
    }
    if (interp->parsed()) return mnist_dcgan::run_interpolate(s);
    if (write->parsed()) return mnist_dcgan::run_write(s);
    if (eval->parsed()) {
      if (ev.checkpoint.empty() && !ev.real) throw mnist_dcgan::UsageError("evaluate: needs --checkpoint F or --real");
      if (ev.real && (ev.generator.average > 1 || ev.generator.raw))
        throw mnist_dcgan::UsageError(std::string("evaluate ") + (ev.generator.raw ? "--raw-generator" : "--average") +
                                      ": chooses a checkpoint's generator, and --real scores none");
      if (ev.real && ev.confusions) throw mnist_dcgan::UsageError("evaluate --confusions: needs a conditional --checkpoint (the class each image was asked to be)");
      ev.data_dir = o.data_dir;
      return mnist_dcgan::run_evaluate(ev);
    }
    processes = mnist_dcgan::join_processes(&argc, &argv);
    return mnist_dcgan::run_training(o, *processes, extra);
  });
  // A failure on one of several processes ends them all (the others may wait in a collective).
  if (processes && processes->size() > 1 && status != 0 && status < 128 && !g_agreed_stop) {
    std::fflush(nullptr);
    processes->abort_all(status);
  }
  return examples::exit_status(status);
}

}  // namespace mnist_dcgan
