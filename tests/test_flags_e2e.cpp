// End to end, as a careless user would: every program's flags and inputs at their edges —
// non-finite and out-of-range numbers, models holding NaN, files that are damaged or not files,
// requests larger than the data, output that can't be written, arguments where none are taken.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ganlite/ganlite.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;

namespace {

const std::string kDcgan = GANLITE_MNIST_DCGAN_BINARY, kClassifier = GANLITE_MNIST_CLASSIFIER_BINARY;
const std::string kWalkthrough = GANLITE_CNN_WALKTHROUGH_BINARY, kWork = GANLITE_TEST_WORK_DIR;
std::string fresh_dir(const std::string& name) { return e2e::fresh_dir(kWork, name); }
using e2e::slurp;

bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
int shell(const std::string& cmd) {
  const int rc = std::system(("bash -c '" + cmd + "'").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// An untrained classifier's weights, or the same with a NaN in it.
std::string classifier_file(const std::string& dir, bool with_nan) {
  Rng init(1), drop(2);
  Sequential<float> c = make_mnist_classifier<float>(init, drop);
  if (with_nan) (*c.params()[2])[5] = std::nanf("");
  const std::string path = dir + (with_nan ? "/nan_classifier.weights" : "/classifier.weights");
  save_weights(c, path);
  return path;
}

}  // namespace

TEST_CASE("numeric flags refuse NaN, infinities and values their type can't hold, in every program and subcommand") {
  const std::string d = fresh_dir("flags");
  const std::string ck = d + "/c.ckpt";
  {
    DcganTrainer t(DcganConfig{});
    save_checkpoint(t, ck);
  }
  const std::string clf = classifier_file(d, false);
  struct Case {
    std::string binary, args, flag;
  } cases[] = {
      {kDcgan, "--lr nan", "--lr"},
      {kDcgan, "--lr inf", "--lr"},
      {kDcgan, "--lr 1e400", "--lr"},
      {kDcgan, "--lr -1e-4", "--lr"},
      {kDcgan, "--beta1 nan", "--beta1"},
      {kDcgan, "--beta1 -inf", "--beta1"},
      {kDcgan, "--seed -1", "--seed"},
      {kDcgan, "--seed 18446744073709551616", "--seed"},
      {kDcgan, "--seed 1e3", "--seed"},
      {kDcgan, "--epochs 4294967297", "--epochs"},
      {kDcgan, "--batch -5", "--batch"},
      {kDcgan, "generate --checkpoint " + ck + " --count 4 --out " + d + "/g.png --seed -1", "--seed"},
      {kDcgan, "interpolate --checkpoint " + ck + " --out " + d + "/i.png --seed 99999999999999999999", "--seed"},
      {kDcgan, "evaluate --real --classifier " + clf + " --seed nan", "--seed"},
      {kDcgan, "evaluate --real --classifier " + clf + " --count -3", "--count"},
      {kClassifier, "--lr nan", "--lr"},
      {kClassifier, "--lr inf", "--lr"},
      {kClassifier, "--seed -1", "--seed"},
      {kClassifier, "--seed 18446744073709551616", "--seed"},
      {kClassifier, "--epochs 0", "--epochs"},
  };
  int i = 0;
  for (const auto& c : cases) {
    CAPTURE(c.args);
    const std::string log = d + "/log" + std::to_string(++i);
    CHECK(e2e::run(c.binary, c.args, log) == 2);
    CHECK(slurp(log).find(c.flag) != std::string::npos);
  }
  CHECK_FALSE(exists(d + "/g.png"));
  CHECK_FALSE(exists(d + "/i.png"));
}

TEST_CASE("a model holding NaN is never saved, sampled or scored") {
  const std::string d = fresh_dir("nan_models");
  // the classifier stops on a non-finite loss or weights and saves nothing
  const std::string cmd = "GANLITE_FAULT_NAN_AFTER_STEPS=3 " + std::string(GANLITE_FAULTY_MNIST_CLASSIFIER_BINARY) + " --data " + e2e::mnist_dir() +
                          " --limit 1000 --test-limit 100 --epochs 1 --model " + d + "/m.weights > " + d + "/clf.log 2>&1";
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 1);
  CHECK(slurp(d + "/clf.log").find("no model was saved") != std::string::npos);
  CHECK_FALSE(exists(d + "/m.weights"));
  // a checkpoint whose generator holds NaN: generate, interpolate and evaluate refuse it
  const std::string ck = d + "/nan.ckpt";
  {
    DcganTrainer t(DcganConfig{});
    save_checkpoint(t, d + "/ok.ckpt");
    (*t.generator().params()[0])[7] = std::nanf("");
    save_checkpoint(t, ck);
  }
  const std::string clf = classifier_file(d, false);
  for (const std::string& args : {"generate --checkpoint " + ck + " --count 4 --out " + d + "/g.idx",
                                  "interpolate --checkpoint " + ck + " --out " + d + "/i.png",
                                  "evaluate --checkpoint " + ck + " --classifier " + clf + " --count 100"}) {
    CAPTURE(args);
    CHECK(e2e::run(kDcgan, args, d + "/log") == 1);
    CHECK(slurp(d + "/log").find(ck + ": holds weights that are not finite") != std::string::npos);
  }
  CHECK_FALSE(exists(d + "/g.idx"));
  // a classifier holding NaN scores nothing
  CHECK(e2e::run(kDcgan, "evaluate --real --count 100 --classifier " + classifier_file(d, true), d + "/log2") == 1);
  CHECK(slurp(d + "/log2").find("nan_classifier.weights: holds weights that are not finite") != std::string::npos);
  REQUIRE(e2e::run(kDcgan, "generate --checkpoint " + d + "/ok.ckpt --count 3 --out " + d + "/ok.idx", d + "/log4") == 0);
  CHECK(e2e::run(kClassifier, "predict --model " + d + "/nan_classifier.weights --idx " + d + "/ok.idx", d + "/log5") == 1);
  CHECK(slurp(d + "/log5").find("nan_classifier.weights: holds weights that are not finite") != std::string::npos);
}

TEST_CASE("the classifier checks --model at start and writes it atomically; a file-size limit is a clear error") {
  const std::string d = fresh_dir("classifier_model");
  CHECK(e2e::run(kClassifier, "--model " + d + " --epochs 1 --limit 100", d + "/log1") == 1);
  CHECK(slurp(d + "/log1").find("is a folder") != std::string::npos);
  CHECK(e2e::run(kClassifier, "--model " + d + "/missing/m.weights --epochs 1 --limit 100", d + "/log2") == 1);
  CHECK(slurp(d + "/log2").find("does not exist") != std::string::npos);
  CHECK(slurp(d + "/log2").find("Training on") == std::string::npos);  // said before any work
  // 100 KiB per file: neither the run's 5 MB checkpoint (written first) nor the 1.7 MB model can be written
  CHECK(shell("ulimit -f 100; exec " + kClassifier + " --data " + e2e::mnist_dir() + " --limit 200 --test-limit 50 --epochs 1 --model " + d +
              "/m.weights > " + d + "/log3 2>&1") == 1);
  CHECK(slurp(d + "/log3").find("cannot write " + d + "/m-run/checkpoint_epoch_0001.ckpt (write): File too large") != std::string::npos);
  CHECK(slurp(d + "/log3").find("no model was saved to " + d + "/m.weights") != std::string::npos);
  CHECK_FALSE(exists(d + "/m.weights"));
  CHECK(shell("ls " + d + " | grep -q tmp") != 0);  // no temporary left behind
}

TEST_CASE("damaged gzip data, unreadable files and requests larger than the data are refused with the reason") {
  const std::string d = fresh_dir("inputs");
  const std::string mnist = e2e::mnist_dir();
  // trailing garbage after valid gzip data
  REQUIRE(shell("cp " + mnist + "/train-labels-idx1-ubyte.gz " + mnist + "/train-images-idx3-ubyte.gz " + d + "/ && printf GARBAGE >> " + d +
                "/train-images-idx3-ubyte.gz") == 0);
  CHECK(e2e::run(kDcgan, "--data " + d + " --out " + d + "/o --epochs 1", d + "/log1") == 1);
  CHECK(slurp(d + "/log1").find(d + "/train-images-idx3-ubyte.gz: has bytes after its gzip data") != std::string::npos);
  // a symlink loop where a file should be: why, not "cannot find"
  REQUIRE(shell("cd " + d + " && rm train-images-idx3-ubyte.gz && ln -s loop2 loop1 && ln -s loop1 loop2 && ln -s loop1 train-images-idx3-ubyte.gz") == 0);
  CHECK(e2e::run(kDcgan, "--data " + d + " --out " + d + "/o2 --epochs 1", d + "/log2") == 1);
  CHECK(slurp(d + "/log2").find("symlink loop") != std::string::npos);
  CHECK(slurp(d + "/log2").find("cannot find") == std::string::npos);
  // more real images than there are: refused before allocating them
  CHECK(e2e::run(kDcgan, "evaluate --real --count 1000000 --classifier " + classifier_file(d, false), d + "/log3") == 2);
  CHECK(slurp(d + "/log3").find("the training set has only 60000 images") != std::string::npos);
}

TEST_CASE("output that can't be written is an error exit, not a silent success") {
  const std::string d = fresh_dir("stdout");
  CHECK(shell(kWalkthrough + " > /dev/full 2> " + d + "/e1") == 1);
  CHECK(slurp(d + "/e1").find("cannot write to standard output") != std::string::npos);
  CHECK(shell(kDcgan + " --help > /dev/full 2> " + d + "/e2") == 1);
  CHECK(shell(kClassifier + " --help > /dev/full 2> " + d + "/e3") == 1);
  CHECK(shell(kWalkthrough + " > /dev/null") == 0);
}

TEST_CASE("a program that takes no arguments says so when given some") {
  const std::string d = fresh_dir("no_args");
  CHECK(e2e::run(kWalkthrough, "--bogus", d + "/log") == 2);
  CHECK(slurp(d + "/log").find("cnn_walkthrough takes no arguments") != std::string::npos);
  CHECK(slurp(d + "/log").find("--bogus") != std::string::npos);
  CHECK(e2e::run(kWalkthrough, "--help", d + "/log2") == 0);
  CHECK(slurp(d + "/log2").find("takes no arguments") != std::string::npos);
}

TEST_CASE("inspect lists what any ganlite file holds, of today's formats and the earlier ones") {
  const std::string d = fresh_dir("inspect");
  const std::string fixtures = GANLITE_FIXTURES_DIR;
  CHECK(e2e::run(kDcgan, "inspect " + fixtures + "/small_gan_v4.ckpt", d + "/v4.log") == 0);
  CHECK(slurp(d + "/v4.log").find("archive version 4\n") == 0);
  CHECK(slurp(d + "/v4.log").find("  generator.0  (6, 32)\n") != std::string::npos);
  CHECK(e2e::run(kDcgan, "inspect " + fixtures + "/small_generator.weights", d + "/old_weights.log") == 0);
  CHECK(slurp(d + "/old_weights.log").find("model = small_g\n7 tensors, in layer order:\n  0  (6, 32)\n") != std::string::npos);
  const std::string weights = classifier_file(d, false);
  CHECK(e2e::run(kDcgan, "inspect " + weights, d + "/weights.log") == 0);
  CHECK(slurp(d + "/weights.log").find("  kind = weights\n") != std::string::npos);
  CHECK(slurp(d + "/weights.log").find("  conv2d/kernel  (3, 3, 1, 32)\n") != std::string::npos);
  // a damaged file is named, exit 1; no file at all is a usage error
  {
    std::string bytes = read_file(weights);
    bytes[bytes.size() / 2] ^= 0x20;
    write_file_atomic(d + "/damaged.weights", bytes);
  }
  CHECK(e2e::run(kDcgan, "inspect " + d + "/damaged.weights", d + "/damaged.log") == 1);
  CHECK(slurp(d + "/damaged.log").find(d + "/damaged.weights: ") != std::string::npos);
  CHECK(e2e::run(kDcgan, "inspect " + d + "/missing.ckpt", d + "/missing.log") == 2);
}
