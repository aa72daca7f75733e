// End to end: mnist_classifier trained briefly on a subset of real MNIST beats chance by far;
// predict reads a PNG (dark-on-light, inverted automatically) and IDX files and agrees with itself.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <csignal>

#include <cstdlib>
#include <fstream>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <sstream>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;

namespace {
const std::string kBinary = GANLITE_MNIST_CLASSIFIER_BINARY;
const std::string kWork = GANLITE_TEST_WORK_DIR;

using e2e::mnist_dir;
using e2e::slurp;
int run(const std::string& args, const std::string& log) { return e2e::run(kBinary, args, log); }
}  // namespace

TEST_CASE("a briefly trained classifier beats chance by far, and predict works on PNG and IDX") {
  REQUIRE(std::system(("rm -rf " + kWork + " && mkdir -p " + kWork).c_str()) == 0);
  const std::string model = kWork + "/clf.weights";
  REQUIRE(run("--data " + mnist_dir() + " --limit 3000 --test-limit 1000 --epochs 1 --model " + model, kWork + "/train.log") == 0);
  const std::string log = slurp(kWork + "/train.log");
  const std::size_t at = log.find("test accuracy ");
  REQUIRE(at != std::string::npos);
  const double acc = std::atof(log.c_str() + at + 14);
  CHECK(acc > 70.0);  // chance is 10 %

  // One test digit, as a 1-image IDX file and as a dark-on-light PNG three times larger.
  const IdxDataset test = load_mnist(mnist_dir(), "t10k");
  std::vector<std::uint8_t> px(test.pixels.begin(), test.pixels.begin() + 784);
  write_idx(kWork + "/one.idx", {1, 28, 28}, px);
  GrayImage png{84, 84, std::vector<std::uint8_t>(84 * 84)};
  for (int y = 0; y < 84; ++y)
    for (int x = 0; x < 84; ++x) png.pixels[y * 84 + x] = static_cast<std::uint8_t>(255 - px[(y / 3) * 28 + x / 3]);
  write_png(kWork + "/one.png", png);

  REQUIRE(run("predict --model " + model + " --image " + kWork + "/one.png", kWork + "/p1.log") == 0);
  REQUIRE(run("predict --model " + model + " --idx " + kWork + "/one.idx", kWork + "/p2.log") == 0);
  const std::string p1 = slurp(kWork + "/p1.log"), p2 = slurp(kWork + "/p2.log");
  const std::size_t d = p1.find("digit ");
  REQUIRE(d != std::string::npos);
  const int digit = p1[d + 6] - '0';
  CHECK(p1.find("p(9) = ") != std::string::npos);
  CHECK(p2.find("digit " + std::to_string(digit) + ":      1 (100.0%)") != std::string::npos);

  CHECK(run("predict --model " + model, kWork + "/p3.log") == 2);
  CHECK(run("predict --model " + kWork + "/one.idx --idx " + kWork + "/one.idx", kWork + "/p4.log") == 1);
  CHECK(slurp(kWork + "/p4.log").find("one.idx") != std::string::npos);
}

TEST_CASE("the classifier trains on the library's loop: a run stopped by SIGTERM and resumed saves the same model as one never stopped") {
  const std::string whole = kWork + "/whole", cut = kWork + "/cut";
  REQUIRE(std::system(("rm -rf " + whole + " " + cut + " && mkdir -p " + whole + " " + cut).c_str()) == 0);
  const std::string args = " --data " + mnist_dir() + " --limit 2048 --test-limit 100 --epochs 2 --checkpoint-every 1 --threads 2 --model ";
  REQUIRE(run(args + whole + "/m.weights", whole + "/log") == 0);
  for (const char* f : {"/m-run/checkpoint_epoch_0002.ckpt", "/m-run/losses.csv", "/m-run/index.html"}) CHECK_MESSAGE(!slurp(whole + f).empty(), f);
  CHECK(slurp(whole + "/m-run/index.html").find("Training loss") != std::string::npos);

  const pid_t pid = e2e::spawn(kBinary, args + cut + "/m.weights", cut + "/log1");
  REQUIRE(e2e::wait_for_text(cut + "/log1", "Training on", 60));
  ::kill(pid, SIGTERM);
  CHECK(e2e::wait_status(pid) == 128 + SIGTERM);
  CHECK(slurp(cut + "/log1").find("no model was saved") != std::string::npos);
  CHECK(slurp(cut + "/m.weights").empty());
  // a fresh run into the stopped run's folder is refused; --resume continues it
  CHECK(run(args + cut + "/m.weights", cut + "/log2") == 2);
  CHECK(slurp(cut + "/log2").find("--resume") != std::string::npos);
  REQUIRE(run(args + cut + "/m.weights --resume", cut + "/log3") == 0);
  CHECK(slurp(cut + "/log3").find("Resumed from") != std::string::npos);
  CHECK(slurp(cut + "/m.weights") == slurp(whole + "/m.weights"));
  CHECK(run(args + cut + "/m.weights --resume --lr 0.002", cut + "/log4") == 2);
  CHECK(slurp(cut + "/log4").find("--lr 0.001 in the checkpoint, 0.002 now") != std::string::npos);
}
