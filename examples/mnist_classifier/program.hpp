// mnist_classifier — seed 1's recognition half: a CNN (convolution, ReLU, pooling twice, fully
// connected) trained on MNIST with ganlite, and a predictor for PNG digits and IDX files.
//
//   mnist_classifier [--data DIR] [--epochs 12] [--batch 128] [--lr 1e-3] [--seed 0]
//                    [--threads 0] [--limit N] [--test-limit N] [--model classifier.weights]
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

#ifdef GANLITE_MNIST_CLASSIFIER_ONNX
#include <ganlite/io/onnx_export.hpp>
#endif

#include "../common/cli_checks.hpp"
#include "../common/mnist_location.hpp"

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
  int epochs = 12, batch = 128, threads = 0, limit = 0, test_limit = 0;
  double lr = 1e-3;
  std::uint64_t seed = 0;
};

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

inline int train(const TrainOptions& o, const Hooks& hooks) {
  check_model_writable(o.model);
  set_num_threads(o.threads);
  const IdxDataset tr = examples::load_mnist_from(o.data, "train"), te = examples::load_mnist_from(o.data, "t10k");
  const int n = o.limit > 0 ? std::min(o.limit, tr.count) : tr.count;
  const int nt = o.test_limit > 0 ? std::min(o.test_limit, te.count) : te.count;
  const Tensor<float> x = to_tensor(tr.pixels, n), xt = to_tensor(te.pixels, nt);
  const std::vector<std::uint8_t> yt(te.labels.begin(), te.labels.begin() + nt);
  Rng init(o.seed), drop(o.seed ^ 0xd509ULL), data(o.seed ^ 0xda7aULL);
  Sequential<float> model = make_mnist_classifier<float>(init, drop);
  Adam<float> opt(model.params(), model.grads(), AdamConfig{o.lr});
  model.set_needs_input_grad(false);
  std::printf("%s", model.summary().c_str());
  std::printf("Training on %d images, testing on %d, %d threads\n", n, nt, num_threads());
  std::vector<int> order(n);
  std::vector<int> labels;
  Tensor<float> batch, dz;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    opt.set_learning_rate(o.lr * std::pow(0.75, epoch - 1));  // step decay: finer steps as it converges
    for (int i = 0; i < n; ++i) order[i] = i;
    for (int i = n - 1; i > 0; --i) std::swap(order[i], order[data.below(static_cast<std::uint64_t>(i) + 1)]);
    double loss_sum = 0;
    int batches = 0;
    for (int b0 = 0; b0 < n; b0 += o.batch) {
      const int bn = std::min(o.batch, n - b0);
      batch.resize({bn, 28, 28, 1});
      labels.resize(bn);
      for (int j = 0; j < bn; ++j) {
        std::copy(x.data() + order[b0 + j] * 784, x.data() + (order[b0 + j] + 1) * 784, batch.data() + j * 784);
        labels[j] = tr.labels[order[b0 + j]];
      }
      model.zero_grad();
      const float loss = softmax_cross_entropy(model.forward(batch, Mode::Train), labels, &dz);
      if (!std::isfinite(loss))  // NaN guard: a diverged model is never saved
        throw std::runtime_error("training diverged at epoch " + std::to_string(epoch) + ", step " + std::to_string(batches + 1) +
                                 " (the loss is " + std::to_string(loss) + "); no model was saved (try a smaller --lr)");
      loss_sum += loss;
      model.backward(dz);
      opt.step();
      ++batches;
      if (hooks.after_step) hooks.after_step(model);
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("Epoch %d: train loss %.4f, test accuracy %.2f%%  (time for epoch %d is %.1f sec)\n", epoch, loss_sum / batches,
                accuracy(model, xt, yt), epoch, secs);
    std::fflush(stdout);
  }
  for (const Tensor<float>* p : model.params())
    for (float v : *p)
      if (!std::isfinite(v)) throw std::runtime_error("training ended with weights that are not finite; no model was saved (try a smaller --lr)");
  save_weights(model, o.model);  // atomic: a temporary file, fsync'd, renamed over --model
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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_classifier: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace mnist_classifier
