// End to end: mnist_vae on a few hundred MNIST images — the run folder's files, a resume that
// matches an uninterrupted run, a stop by SIGTERM that resumes, generate/reconstruct/interpolate/
// write/evaluate with the pictures' shapes and the scores' lines, and bad uses named (exit 2).
#include <doctest/doctest.h>

#include <csignal>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/conv_vae.hpp>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;

namespace {
const std::string kBinary = GANLITE_MNIST_VAE_BINARY;
const std::string kWork = GANLITE_TEST_WORK_DIR;
const std::string kRun = " --limit 256 --batch 64 --threads 2 --seed 3 --checkpoint-every 1 ";

int run(const std::string& args, const std::string& log) { return e2e::run(kBinary, args, log); }
std::string fresh_dir(const std::string& name) { return e2e::fresh_dir(kWork, name); }
using e2e::mnist_dir;
using e2e::slurp;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One short unconditional run and one conditional run, shared by the cases below.
const std::string& plain_run() {
  static const std::string out = [] {
    const std::string d = fresh_dir("plain");
    REQUIRE(run("--data " + mnist_dir() + " --out " + d + kRun + "--epochs 2", d + "/log") == 0);
    return d;
  }();
  return out;
}
const std::string& conditional_run() {
  static const std::string out = [] {
    const std::string d = fresh_dir("conditional");
    REQUIRE(run("--data " + mnist_dir() + " --out " + d + kRun + "--conditional --latent 8 --epochs 1", d + "/log") == 0);
    return d;
  }();
  return out;
}
}  // namespace

TEST_CASE("a VAE run writes the run folder's files and resumes byte for byte") {
  const std::string out = plain_run();
  for (const char* f : {"checkpoint_epoch_0001.ckpt", "checkpoint_epoch_0002.ckpt", "image_at_epoch_0002.png", "losses.csv", "losses.svg",
                        "training.gif", "index.html"})
    CHECK_MESSAGE(e2e::slurp(out + "/" + f).size() > 0, f);
  CHECK(slurp(out + "/losses.csv").rfind("epoch,step,negative_elbo,reconstruction,kl,kl_weight", 0) == 0);
  const std::string page = slurp(out + "/index.html");
  CHECK(has(page, "Negative ELBO"));
  CHECK(has(page, "convolutional VAE"));
  const GrayImage grid = read_image_gray(out + "/image_at_epoch_0002.png");
  CHECK(grid.width == make_grid(Tensor<float>({16, 28, 28, 1}), 4, 4, 2).width);

  const std::string b = fresh_dir("resumed");
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 1", b + "/log1") == 0);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 2 --resume", b + "/log2") == 0);
  CHECK(slurp(b + "/checkpoint_epoch_0002.ckpt") == slurp(out + "/checkpoint_epoch_0002.ckpt"));
  // other settings are refused, naming the flag; a fresh run into a run's folder too
  CHECK(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 3 --latent 8 --resume", b + "/log3") == 2);
  CHECK(has(slurp(b + "/log3"), "--latent 16 in the checkpoint, 8 now"));
  CHECK(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 3", b + "/log4") == 2);
  CHECK(has(slurp(b + "/log4"), "--resume"));
  CHECK(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 2 --resume", b + "/log5") == 0);
  CHECK(has(slurp(b + "/log5"), "nothing to train"));
}

TEST_CASE("SIGTERM stops a VAE run with a checkpoint that --resume continues") {
  const std::string d = fresh_dir("stopped");
  const std::string args = "--data " + mnist_dir() + " --out " + d + " --limit 1024 --batch 64 --threads 2 --epochs 1";
  const pid_t pid = e2e::spawn(kBinary, args, d + "/log1");
  REQUIRE(e2e::wait_for_text(d + "/log1", "Training on", 60));
  ::kill(pid, SIGTERM);
  CHECK(e2e::wait_status(pid) == 128 + SIGTERM);
  CHECK(has(slurp(d + "/log1"), "Interrupted by signal 15"));
  REQUIRE(run(args + " --resume", d + "/log2") == 0);
  CHECK(has(slurp(d + "/log2"), "Resumed from"));
  CHECK(slurp(d + "/checkpoint_epoch_0001.ckpt").size() > 0);
}

TEST_CASE("generate, reconstruct and interpolate draw pictures of the sizes asked for") {
  const std::string out = plain_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  REQUIRE(run("generate --checkpoint " + ck + " --count 6 --out " + out + "/g.idx", out + "/g.log") == 0);
  CHECK(read_idx(out + "/g.idx", 3).dims == std::vector<std::uint32_t>{6, 28, 28});
  REQUIRE(run("reconstruct --checkpoint " + ck + " --count 12 --out " + out + "/r.png --data " + mnist_dir(), out + "/r.log") == 0);
  const GrayImage r = read_image_gray(out + "/r.png");
  CHECK(r.width == make_grid(Tensor<float>({32, 28, 28, 1}), 4, 8, 2).width);
  CHECK(r.height == make_grid(Tensor<float>({32, 28, 28, 1}), 4, 8, 2).height);
  REQUIRE(run("interpolate --checkpoint " + ck + " --rows 2 --steps 5 --out " + out + "/i.png", out + "/i.log") == 0);
  CHECK(read_image_gray(out + "/i.png").width == make_grid(Tensor<float>({10, 28, 28, 1}), 2, 5, 2).width);
  // the first row's ends are the two test images' reconstructions: the decoder of their means
  LoadedConvVae v = load_conv_vae(ck);
  CHECK(v.position.cursor.epoch == 2);
  CHECK(v.trainer->config().latent == 16);
  // a damaged file asking for a huge latent space is refused before anything of its size is built
  Archive huge = read_archive(ck);
  huge.set("latent", "100000");
  write_archive(out + "/huge.ckpt", huge);
  CHECK(run("generate --checkpoint " + out + "/huge.ckpt --out " + out + "/h.png", out + "/h.log") == 1);
  CHECK(has(slurp(out + "/h.log"), "huge.ckpt: latent size 100000 and 0 classes; at most 4096 and 256"));
}

TEST_CASE("a conditional VAE draws the classes asked for and writes text") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0001.ckpt";
  const GrayImage grid = read_image_gray(out + "/image_at_epoch_0001.png");
  CHECK(grid.width == make_grid(Tensor<float>({80, 28, 28, 1}), 10, 8, 2).width);
  REQUIRE(run("generate --checkpoint " + ck + " --class 3 --class 7 --count 2 --out " + out + "/g.idx", out + "/g.log") == 0);
  CHECK(read_idx(out + "/g-labels.idx", 1).bytes == std::vector<std::uint8_t>{3, 3, 7, 7});
  REQUIRE(run("write --checkpoint " + ck + " --text \"20 26\" --styles 2 --out " + out + "/w.png", out + "/w.log") == 0);
  CHECK(read_image_gray(out + "/w.png").width == make_grid(Tensor<float>({10, 28, 28, 1}), 2, 5, 2, 0).width);
  CHECK(run("write --checkpoint " + ck + " --text \"2a\" --out " + out + "/w2.png", out + "/w2.log") == 2);
  CHECK(has(slurp(out + "/w2.log"), "'a' is not a digit"));
  CHECK(run("generate --checkpoint " + ck + " --class 12 --out " + out + "/g2.png", out + "/g2.log") == 2);
  CHECK(has(slurp(out + "/g2.log"), "\"12\" is not a class"));
}

TEST_CASE("evaluate scores decoded images and says the test set's negative ELBO") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0001.ckpt", clf = out + "/clf.weights";
  REQUIRE(e2e::run(GANLITE_MNIST_CLASSIFIER_BINARY, "--data " + mnist_dir() + " --limit 1000 --test-limit 100 --epochs 1 --model " + clf,
                   out + "/clf.log") == 0);
  REQUIRE(run("evaluate --checkpoint " + ck + " --classifier " + clf + " --count 200 --data " + mnist_dir(), out + "/e.log") == 0);
  const std::string said = slurp(out + "/e.log");
  for (const char* line : {"Inception Score (10 splits): ", "FID vs the test set", "Rarest class: ", "Requested-class accuracy: ",
                           "Negative ELBO of the 10000 test images"})
    CHECK_MESSAGE(has(said, line), line);
}

TEST_CASE("mnist_vae refuses what it can't do, naming the file or flag") {
  const std::string out = plain_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  CHECK(run("write --checkpoint " + ck + " --text 12 --out " + out + "/w.png", out + "/b1.log") == 2);
  CHECK(has(slurp(out + "/b1.log"), "unconditional"));
  CHECK(run("generate --checkpoint " + ck + " --class 3 --out " + out + "/x.png", out + "/b2.log") == 2);
  CHECK(run("generate --checkpoint " + ck + " --out " + out + "/x.jpg", out + "/b3.log") == 2);
  CHECK(has(slurp(out + "/b3.log"), "--out"));
  CHECK(run("generate --checkpoint " + out + "/losses.csv --out " + out + "/x.png", out + "/b4.log") == 1);
  CHECK(has(slurp(out + "/b4.log"), "losses.csv"));
  DcganTrainer gan(DcganConfig{});
  save_checkpoint(gan, out + "/gan.ckpt");
  CHECK(run("generate --checkpoint " + out + "/gan.ckpt --out " + out + "/x.png", out + "/b6.log") == 1);
  CHECK(has(slurp(out + "/b6.log"), "gan.ckpt: is a GAN checkpoint, not a VAE checkpoint"));
  CHECK(run("--latent 0 --out " + out + "/none", out + "/b5.log") == 2);
  CHECK(has(slurp(out + "/b5.log"), "--latent"));
}
