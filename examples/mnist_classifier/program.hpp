// mnist_classifier — seed 1's recognition half: a CNN (convolution, ReLU, pooling twice, fully
// connected) trained on MNIST with ganlite, and a predictor for PNG digits and IDX files.
//
//   mnist_classifier [--data DIR] [--epochs 12] [--batch 128] [--lr 1e-3] [--seed 0]
//                    [--threads 0] [--limit N] [--test-limit N] [--model classifier.weights]
//                    [--out RUN_DIR] [--checkpoint-every 4] [--resume | --restart]
//     trains on the library's training loop (ganlite/train/classifier_run.hpp) in a run folder
//     (default: the --model's name with -run, e.g. classifier-run): checkpoints, losses.csv/.svg,
//     index.html; SIGINT/SIGTERM stop it with a checkpoint that --resume continues
//   mnist_classifier predict --model F (--image digit.png | --idx FILE [--labels FILE] [--out CLASSES.idx])
//   mnist_classifier export --model F --out C.onnx   (built with ONNX: images (N, 28, 28, 1) in
//                    [-1, 1], pixel p as (p - 127.5) / 127.5, -> logits (N, 10))
// Exit status: 0 success, 1 runtime error, 2 bad usage.
// The program is program_main (main.cpp calls it); a test's build of it may pass hooks of its own.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/classifier_run.hpp>

#ifdef GANLITE_MNIST_CLASSIFIER_ONNX
#include <ganlite/io/onnx_export.hpp>
#endif

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"
#include "../common/program_run.hpp"
#include "../common/usage_error.hpp"

namespace mnist_classifier {

using namespace ganlite;

// What a caller may add to training: after_step sees the model after every optimizer step (a
// test's build injects a fault with it).
struct Hooks {
  std::function<void(Sequential<float>& model)> after_step;
};

inline Tensor<float> to_tensor(const std::vector<std::uint8_t>& pixels, int count) {
  Tensor<float> x({count, 28, 28, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (pixels[i] - 127.5f) / 127.5f;
  return x;
}

inline double accuracy(Sequential<float>& model, const Tensor<float>& images, const std::vector<std::uint8_t>& labels) {
  const Classified c = classify(model, images);
  int right = 0;
  for (int i = 0; i < images.dim(0); ++i) right += argmax_row(c.probs, i) == labels[i];
  return 100.0 * right / images.dim(0);
}

struct TrainOptions {
  std::string data, model = "classifier.weights";
  std::string out;  // the run folder ("": the --model's name with -run for its ending, e.g. classifier-run)
  int epochs = 12, batch = 128, threads = 0, limit = 0, test_limit = 0, checkpoint_every = 4;
  double lr = 1e-3;
  std::uint64_t seed = 0;
  bool resume = false, restart = false;
  std::string command_line;  // as typed, for the report
};

// The run folder of a --model with no --out: classifier.weights -> classifier-run.
inline std::string run_dir_for(const std::string& model) {
  const std::size_t slash = model.find_last_of('/'), dot = model.find_last_of('.');
  const bool ending = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  return (ending ? model.substr(0, dot) : model) + "-run";
}

// A classifier setting, as ganlite names it (classifier_settings_differences), said as this program's flag.
inline std::string flag_of(const std::string& setting) {
  if (setting == "learning rate") return "--lr";
  if (setting == "steps per epoch") return "--limit or --batch (steps per epoch)";
  if (setting == "seed" || setting == "batch") return "--" + setting;
  return setting;
}

// --model must be writable before an epoch is spent: its folder exists and can take a new file,
// and the name is not a folder.
inline void check_model_writable(const std::string& model) {
  const std::size_t slash = model.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : model.substr(0, slash == 0 ? 1 : slash);
  struct stat st {};
  if (::stat(model.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw std::runtime_error("--model " + model + " is a folder, not a file name");
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw std::runtime_error("--model " + model + ": folder " + dir + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0) throw std::runtime_error("--model " + model + ": folder " + dir + " is not writable: " + std::strerror(errno));
  try {
    check_can_write(model);  // and the name fits (a temporary of its length is made and removed)
  } catch (const IoError& e) {
    throw std::runtime_error("--model: " + std::string(e.what()));
  }
}

// Trains in the run folder (ClassifierRun: checkpoints, losses, report; --resume continues it),
// printing each epoch's test accuracy, then saves the weights to --model.
inline int train(const TrainOptions& o, const Hooks& hooks) {
  check_model_writable(o.model);
  set_num_threads(o.threads);
  const std::string dir = o.out.empty() ? run_dir_for(o.model) : o.out;
  const auto run = examples::open_run<ClassifierRun>({"mnist_classifier", "classifier", dir, o.resume, o.restart, o.epochs, o.checkpoint_every, flag_of});
  const IdxDataset tr = examples::load_mnist_from(o.data, "train"), te = examples::load_mnist_from(o.data, "t10k");
  const int n = o.limit > 0 ? std::min(o.limit, tr.count) : tr.count;
  const int nt = o.test_limit > 0 ? std::min(o.test_limit, te.count) : te.count;
  const Tensor<float> xt = to_tensor(te.pixels, nt);
  const std::vector<std::uint8_t> yt(te.labels.begin(), te.labels.begin() + nt);
  const DataIdentity identity = identify_data(static_cast<std::uint32_t>(n), tr.pixels.data(), tr.pixels.size(), tr.labels.data(), tr.labels.size());
  ClassifierConfig config;
  config.seed = o.seed, config.batch = o.batch, config.learning_rate = o.lr;
  config.steps_per_epoch = steps_per_epoch(n, o.batch);
  ClassifierTrainer<float> trainer(config, [](Rng& init, Rng& drop) { return make_mnist_classifier<float>(init, drop); });
  run->describe_data(std::to_string(n) + " images from " + o.data + ", testing on " + std::to_string(nt),
                     {{"command", o.command_line}, {"data", o.data + " (" + std::to_string(n) + " training images, " + std::to_string(nt) + " test images)"},
                      {"weights file", o.model}, {"epochs", std::to_string(o.epochs)}, {"batch", std::to_string(o.batch)},
                      {"Adam learning rate", std::to_string(o.lr) + ", x0.75 per epoch"}, {"seed", std::to_string(o.seed)},
                      {"threads", std::to_string(num_threads())}});
  double loss_sum = 0;
  int steps = 0;
  TrainingHooks<ClassifierTrainer<float>> extra;
  extra.after_step = [&](const StepRecordOf<ClassifierStepStats>& r) {
    loss_sum += r.stats.loss, ++steps;
    if (hooks.after_step) hooks.after_step(trainer.network());
  };
  extra.after_epoch = [&](const EpochRecord& e) {
    std::printf("Epoch %d: train loss %.4f, test accuracy %.2f%%  (time for epoch %d is %.1f sec)\n", e.epoch, loss_sum / std::max(steps, 1),
                accuracy(trainer.network(), xt, yt), e.epoch, e.seconds);
    std::fflush(stdout);
    loss_sum = 0, steps = 0;
  };
  RunOutcome end;
  try {
    end = run->train(trainer, byte_images<float>(tr.pixels.data(), tr.labels.data(), n, tr.rows, tr.cols), identity,
                     classifier_run_checkpoints(trainer, {{"model", "mnist_classifier"}}), extra);
  } catch (const RunFolderRefused&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "; no model was saved to " + o.model);
  }
  if (end.end == RunEnd::Stopped) {
    std::printf("Stopped before the last epoch: no model was saved to %s; continue with --resume\n", o.model.c_str());
    return 128 + end.signal;
  }
  if (!trainer.weights_finite()) throw std::runtime_error("training ended with weights that are not finite; no model was saved (try a smaller --lr)");
  save_weights(trainer.network(), o.model);  // atomic: a temporary file, fsync'd, renamed over --model
  std::printf("Saved %s\n", o.model.c_str());
  return 0;
}

inline Sequential<float> load_classifier(const std::string& path) {
  Rng init(0), drop(0);
  Sequential<float> m = make_mnist_classifier<float>(init, drop);
  load_weights(m, path);
  for (const Tensor<float>* p : m.params())
    for (float v : *p)
      if (!std::isfinite(v)) throw std::runtime_error(path + ": holds weights that are not finite (NaN or infinity); it can't classify anything");
  return m;
}

// A user's picture: grayscale, resized to 28x28, and inverted when it is dark-on-light
// (MNIST digits are white on black).
inline Tensor<float> image_to_digit(const GrayImage& img) {
  std::vector<std::uint8_t> px(784);
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {  // box filter over the source pixels that map to (y, x)
      const int y0 = y * img.height / 28, y1 = std::max(y0 + 1, (y + 1) * img.height / 28);
      const int x0 = x * img.width / 28, x1 = std::max(x0 + 1, (x + 1) * img.width / 28);
      long sum = 0;
      for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx) sum += img.pixels[static_cast<std::size_t>(yy) * img.width + xx];
      px[y * 28 + x] = static_cast<std::uint8_t>(sum / ((y1 - y0) * (x1 - x0)));
    }
  long mean = 0;
  for (auto p : px) mean += p;
  if (mean / 784 > 127)
    for (auto& p : px) p = static_cast<std::uint8_t>(255 - p);
  return to_tensor(px, 1);
}

// The classifier as an ONNX model: images (N, 28, 28, 1) in [-1, 1] -> logits (N, 10).
inline int export_onnx(const std::string& model_path, const std::string& out) {
#ifdef GANLITE_MNIST_CLASSIFIER_ONNX
  Sequential<float> model = load_classifier(model_path);
  OnnxExportOptions x;
  x.input_name = "images";
  x.output_name = "logits";
  x.doc = "ganlite digit classifier from " + model_path + ": images (N, 28, 28, 1), pixel p as (p - 127.5) / 127.5 -> logits (N, 10) of digits 0-9";
  x.metadata = {{"ganlite.model", "mnist classifier"}, {"ganlite.input_scaling", "(p - 127.5) / 127.5"}};
  write_onnx(sequential_to_onnx(model, x), out);
  std::printf("Wrote the classifier of %s to %s: images (N, 28, 28, 1) -> logits (N, 10)\n", model_path.c_str(), out.c_str());
  return 0;
#else
  throw std::runtime_error("export: this mnist_classifier was built without ONNX (install libonnx-dev and libprotobuf-dev, e.g. with "
                           "scripts/install_deps.sh, then rebuild); " + model_path + " was not exported (" + out + ")");
#endif
}

inline int predict(const std::string& model_path, const std::string& image, const std::string& idx, const std::string& labels_path,
                   const std::string& classes_out = "") {
  Sequential<float> model = load_classifier(model_path);
  if (!image.empty()) {
    const Classified c = classify(model, image_to_digit(read_image_gray(image)));
    std::printf("%s: digit %d\n", image.c_str(), argmax_row(c.probs, 0));
    for (int k = 0; k < 10; ++k) std::printf("  p(%d) = %.4f\n", k, c.probs[k]);
    return 0;
  }
  const IdxData d = read_idx(idx, 3);
  if (d.dims[1] != 28 || d.dims[2] != 28) throw IoError(idx + ": images are not 28x28");
  const int n = static_cast<int>(d.dims[0]);
  const Classified c = classify(model, to_tensor(d.bytes, n));
  std::vector<int> counts(10, 0);
  for (int i = 0; i < n; ++i) ++counts[argmax_row(c.probs, i)];
  std::printf("%s: %d images\n", idx.c_str(), n);
  for (int k = 0; k < 10; ++k) std::printf("  digit %d: %6d (%.1f%%)\n", k, counts[k], 100.0 * counts[k] / n);
  if (!classes_out.empty()) {
    std::vector<std::uint8_t> each(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) each[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(argmax_row(c.probs, i));
    write_idx(classes_out, {static_cast<std::uint32_t>(n)}, each);
    std::printf("Wrote each image's class to %s\n", classes_out.c_str());
  }
  if (!labels_path.empty()) {
    const IdxData l = read_idx(labels_path, 1);
    if (static_cast<int>(l.dims[0]) != n) throw IoError(labels_path + ": label count differs from " + idx);
    int right = 0;
    for (int i = 0; i < n; ++i) {  // as training refuses them (load_mnist): a label the classifier can't give
      if (l.bytes[i] > 9) throw IoError(labels_path + ": label " + std::to_string(l.bytes[i]) + " at item " + std::to_string(i) + " is not a digit");
      right += argmax_row(c.probs, i) == l.bytes[i];
    }
    std::printf("accuracy: %.2f%% (%d of %d)\n", 100.0 * right / n, right, n);
  }
  return 0;
}

inline int program_main(int argc, char** argv, const Hooks& hooks = {}) {
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit makes writes fail with EFBIG ("File too large"), not kill us
  CLI::App app{"mnist_classifier: train a CNN digit classifier on MNIST (default) or classify images"};
  TrainOptions o;
  o.data = examples::default_mnist_dir();
  app.add_option("--data", o.data, examples::kMnistDirHelp)->check(CLI::ExistingDirectory);
  app.add_option("--epochs", o.epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 60000));
  app.add_option("--lr", o.lr, "Adam learning rate (decays x0.75 per epoch)")->capture_default_str()->check(examples::finite_in(1e-9, 1.0));
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str()->check(examples::unsigned_64());
  app.add_option("--threads", o.threads, "Threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  app.add_option("--limit", o.limit, "Train on the first N images only")->check(CLI::Range(0, 100000000));
  app.add_option("--test-limit", o.test_limit, "Test on the first N test images only")->check(CLI::Range(0, 100000000));
  app.add_option("--model", o.model, "Where to save the trained model")->capture_default_str();
  app.add_option("--out", o.out, "Run folder for checkpoints, losses and index.html (default: --model's name with -run for its ending)");
  app.add_option("--checkpoint-every", o.checkpoint_every, "Save a checkpoint every N epochs (and at the end)")->capture_default_str()->check(CLI::Range(1, 1000));
  auto* resume = app.add_flag("--resume", o.resume, "Continue the run in its folder from its newest good checkpoint");
  app.add_flag("--restart", o.restart, "Start over in a run folder that holds an earlier run: deletes that run's files first")->excludes(resume);
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);
  std::string model, image, idx, labels;
  CLI::App* pred = app.add_subcommand("predict", "Classify a picture of a digit or a whole IDX file");
  pred->add_option("--model", model, "Model file written by training")->required()->check(CLI::ExistingFile);
  auto* img_opt = pred->add_option("--image", image, "A picture (PNG, JPEG, BMP...) of one digit")->check(CLI::ExistingFile);
  auto* idx_opt = pred->add_option("--idx", idx, "An IDX3 file of 28x28 images (e.g. from mnist_dcgan generate)")->check(CLI::ExistingFile);
  pred->add_option("--labels", labels, "IDX1 labels for --idx: also print the accuracy")->check(CLI::ExistingFile)->needs(idx_opt);
  std::string classes_out, export_out;
  pred->add_option("--out", classes_out, "Write each --idx image's class as an IDX1 file")->needs(idx_opt)->check(examples::file_ending({".idx"}));
  CLI::App* exp = app.add_subcommand("export", "Write a trained classifier as an ONNX model: images (N, 28, 28, 1) in [-1, 1] -> logits (N, 10)");
  exp->add_option("--model", model, "Model file written by training")->required()->check(CLI::ExistingFile);
  exp->add_option("--out", export_out, "Output file (.onnx)")->required()->check(examples::file_ending({".onnx"}));
  img_opt->excludes(idx_opt);
  app.require_subcommand(0, 1);
  if (const int parsed = examples::parse_command_line(app, argc, argv); parsed >= 0) return parsed;
  if (*pred && image.empty() && idx.empty()) {
    std::fprintf(stderr, "predict needs --image or --idx\nRun with --help for more information.\n");
    return 2;
  }
  try {
    if (*exp) return examples::exit_status(export_onnx(model, export_out));
    return examples::exit_status(*pred ? predict(model, image, idx, labels, classes_out) : train(o, hooks));
  } catch (const examples::UsageError& e) {
    std::fprintf(stderr, "mnist_classifier: %s\n", e.what());
    return 2;
  } catch (const RunFolderRefused& e) {  // another run's folder or checkpoint: refused as asked
    std::fprintf(stderr, "mnist_classifier: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_classifier: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace mnist_classifier
