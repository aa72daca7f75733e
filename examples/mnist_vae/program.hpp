// mnist_vae — trains ganlite's convolutional VAE on MNIST (optionally conditioned on the class),
// in a run folder like mnist_dcgan's, and draws from a trained one.
//
//   mnist_vae [--data DIR] [--out out-vae] [--epochs 30] [--batch 128] [--lr 1e-3] [--latent 16]
//             [--beta 1] [--kl-warmup 0] [--seed 0] [--threads 0] [--limit 0] [--checkpoint-every 5]
//             [--conditional] [--resume | --restart]
//   mnist_vae generate --checkpoint F --out FILE.png|FILE.idx [--count 16] [--seed S] [--class C]... [--float]
//   mnist_vae reconstruct --checkpoint F --out FILE.png [--count 16]
//   mnist_vae interpolate --checkpoint F --out FILE.png [--rows 8] [--steps 10] [--seed S]
//   mnist_vae write --checkpoint F --text "2026 12 07" --out FILE.png|FILE.idx [--styles 1] [--seed S] [--float]
//   mnist_vae evaluate --checkpoint F --classifier C [--count 10000] [--seed S]
//   mnist_vae inspect FILE
// Exit status: 0 success, 1 a runtime error (bad data file, unwritable folder...), 2 bad usage
// or a request the program refuses.
#pragma once
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <ganlite/train/inspect.hpp>

#include "../common/cli_checks.hpp"
#include "../common/exit_status.hpp"
#include "sampling.hpp"
#include "training.hpp"

namespace mnist_vae {

inline int run(const std::function<int()>& work) {
  try {
    return work();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mnist_vae: %s\n", e.what());
    return 2;
  } catch (const RunFolderRefused& e) {  // another run's folder or checkpoint: refused as asked
    std::fprintf(stderr, "mnist_vae: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_vae: error: %s\n", e.what());
    return 1;
  }
}

inline int program_main(int argc, char** argv) {
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit: writes fail with EFBIG, said like a full disk
  std::signal(SIGPIPE, SIG_IGN);  // a reader gone away: writes fail with EPIPE, said as an error
  CLI::App app{"mnist_vae: train ganlite's convolutional VAE on MNIST (default), or draw from a trained one"};
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  app.fallthrough();  // lets `evaluate --data DIR` use the main --data option
  TrainOptions o;
  o.data_dir = examples::default_mnist_dir();
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);
  app.add_option("--data", o.data_dir, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--out", o.out_dir, "Output folder for images, checkpoints, losses, the GIF and index.html")->capture_default_str();
  app.add_option("--epochs", o.epochs, "Epochs to train")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 60000));
  app.add_option("--lr", o.lr, "Adam learning rate")->capture_default_str()->check(examples::finite_in(1e-12, 1.0));
  app.add_option("--latent", o.latent, "Latent size")->capture_default_str()->check(CLI::Range(1, kMaxConvVaeLatent));
  app.add_option("--beta", o.beta, "Weight of the KL term (1: the ELBO; beta-VAE otherwise)")->capture_default_str()->check(examples::finite_in(0.0, 1000.0));
  app.add_option("--kl-warmup", o.kl_warmup, "Steps over which the KL weight rises linearly from 0 to --beta (0: none)")
      ->capture_default_str()->check(CLI::Range(0L, 1000000000L));
  app.add_option("--seed", o.seed, "Random seed (weights, eps, shuffling)")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--threads", o.threads, "Threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  app.add_option("--limit", o.limit, "Use only the first N training images (0: all)")->capture_default_str()->check(CLI::Range(0, 100000000));
  app.add_option("--checkpoint-every", o.checkpoint_every, "Save a checkpoint every N epochs (and at the end)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_flag("--conditional", o.conditional, "Condition encoder and decoder on the class (10 rows of 8 per epoch: row r draws class r)");
  auto* resume = app.add_flag("--resume", o.resume, "Continue the run in --out from its newest good checkpoint");
  app.add_flag("--restart", o.restart, "Start over in an --out that holds an earlier run: deletes that run's files first")->excludes(resume);

  SampleOptions s;
  auto add_common = [&](CLI::App* sub, std::vector<const char*> exts) {
    sub->add_option("--checkpoint", s.checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
    sub->add_option("--out", s.out, std::string("Output file (") + exts[0] + (exts.size() > 1 ? " grid or .idx)" : ")"))
        ->required()->check(examples::file_ending(exts));
  };
  auto add_seed = [&](CLI::App* sub) {
    sub->add_option("--seed", s.seed, "Seed of the latent points (and of the test images chosen)")->capture_default_str()->check(examples::unsigned_64());
  };
  CLI::App* gen = app.add_subcommand("generate", "Write images decoded from latent points drawn from N(0, I), as a PNG grid or an IDX file");
  add_common(gen, {".png", ".idx"});
  add_seed(gen);
  gen->add_option("--count", s.count, "Images (of each class asked for)")->capture_default_str()->check(CLI::Range(1, 100000));
  gen->add_option("--class", s.classes, "A class to draw by name or number, e.g. 7 or sneaker (repeatable; conditional checkpoints)");
  gen->add_flag("--float", s.float_pixels, "Write the .idx as float32 pixels in [-1, 1] (default: bytes 0-255)");
  CLI::App* rec = app.add_subcommand("reconstruct", "Write the first test images of --data beside their reconstructions");
  add_common(rec, {".png"});
  rec->add_option("--count", s.count, "Test images")->capture_default_str()->check(CLI::Range(1, 1024));
  CLI::App* interp = app.add_subcommand("interpolate", "Write rows of images walking between the latent means of two test images");
  add_common(interp, {".png"});
  add_seed(interp);
  interp->add_option("--rows", s.rows, "Rows")->capture_default_str()->check(CLI::Range(1, 64));
  interp->add_option("--steps", s.steps, "Images per row")->capture_default_str()->check(CLI::Range(2, 64));
  CLI::App* write = app.add_subcommand("write", "Write digits as handwriting, one hand per line (conditional MNIST checkpoints)");
  add_common(write, {".png", ".idx"});
  add_seed(write);
  write->add_option("--text", s.text, "The digits to write; a space leaves a gap")->required()->check(CLI::Validator(
      [](std::string& t) -> std::string { return t.size() > 200 ? "at most 200 characters" : ""; }, "TEXT"));
  write->add_option("--styles", s.styles, "Lines, each in its own hand")->capture_default_str()->check(CLI::Range(1, 64));
  write->add_flag("--float", s.float_pixels, "Write the .idx as float32 pixels in [-1, 1] (default: bytes 0-255)");
  CLI::App* eval = app.add_subcommand("evaluate", "Score decoded images as mnist_dcgan evaluate does (Inception Score, FID, class shares, "
                                                  "requested-class accuracy), and the test set's negative ELBO");
  eval->add_option("--checkpoint", s.checkpoint, "Checkpoint file")->required()->check(CLI::ExistingFile);
  eval->add_option("--classifier", s.classifier, "Model written by mnist_classifier")->required()->check(CLI::ExistingFile);
  eval->add_option("--count", s.count, "Images to score")->check(CLI::Range(20, 1000000));
  add_seed(eval);
  std::string inspected;
  CLI::App* inspect = app.add_subcommand("inspect", "List what a ganlite file holds: a checkpoint's settings and tensors");
  inspect->add_option("file", inspected, "A checkpoint or weights file")->required()->check(CLI::ExistingFile);
  app.require_subcommand(0, 1);

  if (const int parsed = examples::parse_command_line(app, argc, argv); parsed >= 0) return parsed;
  if (eval->parsed() && eval->count("--count") == 0) s.count = 10000;
  s.data_dir = o.data_dir;
  const int status = run([&] {
    if (inspect->parsed()) return std::printf("%s", file_listing(inspected).c_str()) < 0 ? 1 : 0;
    if (gen->parsed() || rec->parsed() || interp->parsed() || write->parsed()) check_can_write(s.out);  // said now, not after the work
    if (gen->parsed()) return run_generate(s);
    if (rec->parsed()) return run_reconstruct(s);
    if (interp->parsed()) return run_interpolate(s);
    if (write->parsed()) return run_write(s);
    if (eval->parsed()) return run_evaluate(s);
    return run_training(o);
  });
  return examples::exit_status(status);
}

}  // namespace mnist_vae
