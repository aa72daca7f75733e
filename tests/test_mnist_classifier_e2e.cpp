// End to end: mnist_classifier trained briefly on a subset of real MNIST beats chance by far;
// predict reads a PNG (dark-on-light, inverted automatically) and IDX files and agrees with itself.
#include <doctest/doctest.h>
#include <sys/wait.h>

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
