// End to end: runs the mnist_dcgan program on a few hundred real MNIST images and checks every
// output file with ganlite's own readers; checks that a stopped-and-resumed run reaches
// bit-identical checkpoints; checks generate's IDX output and the program's error handling.
// Needs MNIST: $GANLITE_MNIST_DIR, else data/mnist of the source tree.
#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <gif_lib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include <cstdlib>
#include <fstream>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>

#include "e2e_util.hpp"
#include <sstream>
#include <string>

using namespace ganlite;

using namespace e2e::dcgan;

namespace {

const std::string kQuick = " --limit 300 --batch 64 --threads 2 --seed 7 ";

}  // namespace

TEST_CASE("a short training run writes every output, readable") {
  const std::string out = fresh_dir("short");
  REQUIRE(run("--data " + mnist_dir() + " --out " + out + kQuick + "--epochs 2 --checkpoint-every 1", out + "/log") == 0);
  const std::string log = slurp(out + "/log");
  CHECK(log.find("Time for epoch 1 is") != std::string::npos);
  CHECK(log.find("Time for epoch 2 is") != std::string::npos);
  CHECK(log.find("Total params: 2,330,944") != std::string::npos);
  for (int e : {1, 2}) {
    char name[64];
    std::snprintf(name, sizeof name, "/image_at_epoch_%04d.png", e);
    const GrayImage img = read_image_gray(out + name);
    CHECK(img.width == img.height);
    CHECK(img.width > 4 * 28);
  }
  // losses.csv: a header and one row per step (300 images / 64 = 5 steps per epoch)
  std::istringstream csv(slurp(out + "/losses.csv"));
  std::string line;
  std::getline(csv, line);
  CHECK(line == "epoch,step,d_loss,g_loss,d_real,d_fake,seconds");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  CHECK(rows == 10);
  CHECK(slurp(out + "/losses.svg").find("<svg") == 0);
  int err = 0;
  GifFileType* gif = DGifOpenFileName((out + "/training.gif").c_str(), &err);
  REQUIRE(gif != nullptr);
  CHECK(DGifSlurp(gif) == GIF_OK);
  CHECK(gif->ImageCount == 2);
  DGifCloseFile(gif, &err);
  DcganTrainer t(read_checkpoint_config(out + "/checkpoint_epoch_0002.ckpt"));
  CHECK(load_checkpoint(t, out + "/checkpoint_epoch_0002.ckpt").cursor.epoch == 2);
  CHECK(t.generator_optimizer().state().step == 10);
}

TEST_CASE("Fashion-MNIST trains through the same reader (Debian dataset-fashion-mnist)") {
  const char* env = std::getenv("GANLITE_FASHION_MNIST_DIR");
  const std::string data = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  INFO("Fashion-MNIST is expected in " << data << " (apt-get install dataset-fashion-mnist; scripts/install_deps.sh does)");
  REQUIRE(::access((data + "/train-images-idx3-ubyte.gz").c_str(), R_OK) == 0);
  const std::string out = fresh_dir("fashion");
  REQUIRE(run("--data " + data + " --out " + out + " --limit 128 --batch 64 --threads 2 --seed 7 --epochs 1", out + "/log") == 0);
  CHECK(slurp(out + "/log").find("Training on 128 images from " + data) != std::string::npos);
  const GrayImage img = read_image_gray(out + "/image_at_epoch_0001.png");
  CHECK(img.width > 4 * 28);
  CHECK(::access((out + "/checkpoint_epoch_0001.ckpt").c_str(), R_OK) == 0);
}

TEST_CASE("a run stopped and resumed reaches bit-identical checkpoints") {
  const std::string a = fresh_dir("uninterrupted"), b = fresh_dir("resumed");
  REQUIRE(run("--data " + mnist_dir() + " --out " + a + kQuick + "--epochs 3 --checkpoint-every 1", a + "/log") == 0);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kQuick + "--epochs 1 --checkpoint-every 1", b + "/log1") == 0);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kQuick + "--epochs 3 --checkpoint-every 1 --resume", b + "/log2") == 0);
  CHECK(slurp(b + "/log2").find("Resumed from") != std::string::npos);
  for (const char* f : {"/checkpoint_epoch_0002.ckpt", "/checkpoint_epoch_0003.ckpt", "/image_at_epoch_0003.png"}) {
    CAPTURE(f);
    const std::string x = read_file(a + f), y = read_file(b + f);
    CHECK(x.size() == y.size());
    CHECK(x == y);
  }
  // the loss log continues where it stopped: same steps, same values except wall time
  auto strip_seconds = [](const std::string& csv) {
    std::istringstream in(csv);
    std::string line, out;
    while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
    return out;
  };
  CHECK(strip_seconds(slurp(a + "/losses.csv")) == strip_seconds(slurp(b + "/losses.csv")));
}

TEST_CASE("generate writes a valid IDX file with the right count, and a PNG grid") {
  const std::string out = fresh_dir("generate");
  REQUIRE(run("--data " + mnist_dir() + " --out " + out + kQuick + "--epochs 1", out + "/log") == 0);
  const std::string ckpt = out + "/checkpoint_epoch_0001.ckpt";
  REQUIRE(run("generate --checkpoint " + ckpt + " --count 37 --out " + out + "/gen.idx", out + "/glog") == 0);
  const IdxData d = read_idx(out + "/gen.idx", 3);
  CHECK(d.dims == std::vector<std::uint32_t>{37, 28, 28});
  REQUIRE(run("generate --checkpoint " + ckpt + " --count 10 --out " + out + "/gen.png", out + "/glog2") == 0);
  CHECK(read_image_gray(out + "/gen.png").width > 0);
  REQUIRE(run("interpolate --checkpoint " + ckpt + " --rows 3 --steps 5 --out " + out + "/walk.png", out + "/ilog") == 0);
  const GrayImage walk = read_image_gray(out + "/walk.png");
  CHECK(walk.width > walk.height);
}

TEST_CASE("bad usage exits 2, bad data exits 1, and both say what is wrong") {
  const std::string out = fresh_dir("errors");
  CHECK(run("--no-such-flag", out + "/l1") == 2);
  CHECK(slurp(out + "/l1").find("--no-such-flag") != std::string::npos);
  CHECK(run("--epochs zero", out + "/l2") == 2);
  CHECK(slurp(out + "/l2").find("--epochs") != std::string::npos);
  CHECK(run("--batch 0", out + "/l3") == 2);
  CHECK(run("--data " + out + "/missing", out + "/l4") == 2);
  // a corrupt images file
  std::ofstream(out + "/train-images-idx3-ubyte", std::ios::binary) << std::string("\x00\x00\x08\x03\x00\x00\x00\x02", 8);
  std::ofstream(out + "/train-labels-idx1-ubyte", std::ios::binary) << std::string("\x00\x00\x08\x01\x00\x00\x00\x02\x01\x02", 10);
  CHECK(run("--data " + out + " --out " + out + "/o --epochs 1", out + "/l5") == 1);
  CHECK(slurp(out + "/l5").find("train-images-idx3-ubyte") != std::string::npos);
  CHECK(slurp(out + "/l5").find("scripts/get_mnist.sh") != std::string::npos);  // and how to fix it
  // a folder without MNIST: the missing file and the fix
  REQUIRE(std::system(("mkdir -p " + out + "/nomnist").c_str()) == 0);
  CHECK(run("--data " + out + "/nomnist --out " + out + "/o2 --epochs 1", out + "/l9") == 1);
  CHECK(slurp(out + "/l9").find("cannot find " + out + "/nomnist/train-images-idx3-ubyte[.gz]") != std::string::npos);
  CHECK(slurp(out + "/l9").find("scripts/get_mnist.sh") != std::string::npos);
  // a file that is not a checkpoint
  CHECK(run("generate --checkpoint " + out + "/l5 --count 2 --out " + out + "/x.idx", out + "/l6") == 1);
  CHECK(slurp(out + "/l6").find("not a ganlite checkpoint") != std::string::npos);
  CHECK(run("generate --checkpoint " + out + "/l5 --count 2 --out " + out + "/x.jpg", out + "/l7") == 2);
  CHECK(run("--resume --data " + mnist_dir() + " --out " + out + "/empty", out + "/l8") == 1);
  CHECK(slurp(out + "/l8").find("no checkpoint") != std::string::npos);
}

namespace {
// Starts the program in the background, returns its pid.
const std::string kLonger = " --limit 640 --batch 64 --threads 2 --seed 11 --epochs 3 --checkpoint-every 1 ";
}  // namespace

TEST_CASE("SIGINT finishes the step, writes a checkpoint, exits; --resume then matches an uninterrupted run") {
  const std::string a = fresh_dir("sigint_ref"), b = fresh_dir("sigint");
  REQUIRE(run("--data " + mnist_dir() + " --out " + a + kLonger, a + "/log") == 0);
  const pid_t pid = spawn("--data " + mnist_dir() + " --out " + b + kLonger, b + "/log1");
  REQUIRE(wait_for_text(b + "/log1", "Training on", 60));
  usleep(1500000);  // somewhere inside the first or second epoch
  kill(pid, SIGINT);
  CHECK(wait_status(pid) == 130);
  CHECK(slurp(b + "/log1").find("Interrupted by signal 2") != std::string::npos);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kLonger + "--resume", b + "/log2") == 0);
  CHECK(read_file(a + "/checkpoint_epoch_0003.ckpt") == read_file(b + "/checkpoint_epoch_0003.ckpt"));
}

TEST_CASE("SIGKILL at a random moment: the newest checkpoint loads and training goes on from its epoch") {
  const std::string a = fresh_dir("sigkill_ref"), b = fresh_dir("sigkill");
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run("--data " + mnist_dir() + " --out " + a + kLonger, a + "/log") == 0);
  // The kill lands within the reference run's length (start-up included), so on a fast machine
  // it still comes before the run could have finished.
  const long run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  const pid_t pid = spawn("--data " + mnist_dir() + " --out " + b + kLonger, b + "/log1");
  REQUIRE(wait_for_text(b + "/log1", "Training on", 60));
  Rng rng(static_cast<std::uint64_t>(time(nullptr)));
  const int delay_ms = 100 + static_cast<int>(rng.below(static_cast<std::uint64_t>(std::max(1L, run_ms * 3 / 4))));
  CAPTURE(delay_ms);
  usleep(delay_ms * 1000);
  kill(pid, SIGKILL);
  bool signaled = false;
  wait_status(pid, &signaled);
  const std::string resume = read_file(b + "/log1").find("Time for epoch 1") != std::string::npos ? " --resume" : "";
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kLonger + resume, b + "/log2") == 0);
  if (!resume.empty()) CHECK(slurp(b + "/log2").find("Resumed from") != std::string::npos);
  CHECK(read_file(a + "/checkpoint_epoch_0003.ckpt") == read_file(b + "/checkpoint_epoch_0003.ckpt"));
  CHECK(std::system(("ls " + b + " | grep -q '\\.tmp\\.'").c_str()) != 0);  // no temporaries left behind
}

TEST_CASE("a non-finite weight stops training with epoch and step, keeping the last good checkpoint") {
  const std::string out = fresh_dir("nan");
  const std::string cmd = "GANLITE_FAULT_NAN_AFTER_STEPS=13 " + std::string(GANLITE_FAULTY_MNIST_DCGAN_BINARY) + " --data " + mnist_dir() + " --out " + out + kLonger + " > " +
                          out + "/log 2>&1";
  const int rc = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(rc) == 1);
  const std::string log = slurp(out + "/log");
  CHECK(log.find("diverged at epoch 2, step 3") != std::string::npos);
  DcganTrainer t(read_checkpoint_config(out + "/checkpoint_epoch_0001.ckpt"));
  load_checkpoint(t, out + "/checkpoint_epoch_0001.ckpt");
  CHECK(t.weights_finite());
  CHECK(std::system(("test ! -e " + out + "/checkpoint_epoch_0002.ckpt").c_str()) == 0);
}

TEST_CASE("a full disk (simulated with a file-size limit) gives a clear error and keeps the old checkpoint") {
  const std::string out = fresh_dir("fulldisk");
  REQUIRE(run("--data " + mnist_dir() + " --out " + out + kQuick + "--epochs 1", out + "/log1") == 0);
  const std::string good = read_file(out + "/checkpoint_epoch_0001.ckpt");
  // 4 MiB per file: PNGs and CSVs fit, a 30 MB checkpoint does not.
  const std::string cmd = "ulimit -f 4096; exec " + kBinary + " --data " + mnist_dir() + " --out " + out + kQuick +
                          "--epochs 2 --resume > " + out + "/log2 2>&1";
  const int rc = std::system(("bash -c \"" + cmd + "\"").c_str());
  CHECK(WEXITSTATUS(rc) == 1);
  const std::string log = slurp(out + "/log2");
  CHECK(log.find("cannot write " + out + "/checkpoint_epoch_0002.ckpt") != std::string::npos);
  CHECK(read_file(out + "/checkpoint_epoch_0001.ckpt") == good);
  CHECK(std::system(("test ! -e " + out + "/checkpoint_epoch_0002.ckpt").c_str()) == 0);
  CHECK(std::system(("ls " + out + " | grep -q '\\.tmp\\.'").c_str()) != 0);
}

TEST_CASE("an unwritable output folder is a clear error") {
  const std::string out = fresh_dir("unwritable");
  CHECK(run("--data " + mnist_dir() + " --out /proc/ganlite_out" + kQuick + "--epochs 1", out + "/log") == 1);
  CHECK(slurp(out + "/log").find("/proc/ganlite_out") != std::string::npos);
}
