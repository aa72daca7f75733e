// mnist_dcgan under mpirun (built with MPI; registered only where CMake found it): the exact
// flags that work as root in a container on 2 cores are GANLITE_MPIRUN (tests/CMakeLists.txt).
//   - 4 shards on 1, 2 and 4 processes write byte-identical checkpoints; a run resumes on
//     another process count and still ends identical;
//   - 2 processes with 2 shards agree with one process and one shard to float rounding;
//   - a damaged data file on one process ends every process, with the error, and no hang;
//   - SIGINT to mpirun leaves a checkpoint that one process resumes;
//   - shards the processes can't share: exit 2, naming --shards.
// On SIGINT, mpirun waits odls_base_sigkill_timeout seconds (1 by default), sends the processes
// SIGTERM, waits as long again, then sends SIGKILL (and forwards no output meanwhile). The
// processes stop after their step on SIGTERM and write a checkpoint: the signal test gives them
// 10 seconds for it.
#include <doctest/doctest.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>
#include <vector>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_folder.hpp>
#include <string>

#include "e2e_util.hpp"

using namespace e2e::dcgan;

namespace {

const std::string kMpirun = GANLITE_MPIRUN;
const std::string kSmall = " --limit 320 --batch 64 --seed 3 --threads 1 --checkpoint-every 1 ";

// mpirun -np N mnist_dcgan ARGS > log; its exit status.
int mpirun(int np, const std::string& args, const std::string& log) {
  return e2e::run("timeout 600 " + kMpirun + " -np " + std::to_string(np), kBinary + " " + args, log);
}

std::string data() { return " --data " + e2e::mnist_dir(); }

}  // namespace

TEST_CASE("4 shards on 1, 2 and 4 processes: the same checkpoint, byte for byte, and after a resume on another count") {
  const std::string one = fresh_dir("one"), two = fresh_dir("two"), four = fresh_dir("four"), moved = fresh_dir("moved");
  REQUIRE(run("--out " + one + data() + kSmall + "--shards 4 --epochs 2", one + ".log") == 0);
  REQUIRE(mpirun(2, "--out " + two + data() + kSmall + "--shards 4 --epochs 2", two + ".log") == 0);
  REQUIRE(mpirun(4, "--out " + four + data() + kSmall + "--shards 4 --epochs 2", four + ".log") == 0);
  CHECK(e2e::slurp(two + ".log").find("4 shards over 2 processes") != std::string::npos);
  for (const char* f : {"/checkpoint_epoch_0001.ckpt", "/checkpoint_epoch_0002.ckpt"}) {
    CHECK(e2e::slurp(one + f) == e2e::slurp(two + f));
    CHECK(e2e::slurp(one + f) == e2e::slurp(four + f));
  }
  // Epoch 1 on 2 processes, epoch 2 on 4.
  REQUIRE(mpirun(2, "--out " + moved + data() + kSmall + "--shards 4 --epochs 1", moved + ".log1") == 0);
  REQUIRE(mpirun(4, "--out " + moved + data() + kSmall + "--shards 4 --epochs 2 --resume", moved + ".log2") == 0);
  CHECK(e2e::slurp(moved + ".log2").find("Resumed from") != std::string::npos);
  CHECK(e2e::slurp(one + "/checkpoint_epoch_0002.ckpt") == e2e::slurp(moved + "/checkpoint_epoch_0002.ckpt"));
}

TEST_CASE("2 processes with 2 shards agree with one process and one shard to float rounding") {
  const std::string one = fresh_dir("plain"), two = fresh_dir("halves");
  REQUIRE(run("--out " + one + data() + kSmall + "--epochs 1", one + ".log") == 0);
  REQUIRE(mpirun(2, "--out " + two + data() + kSmall + "--shards 2 --epochs 1", two + ".log") == 0);
  ganlite::DcganTrainer a(ganlite::read_checkpoint_config(one + "/checkpoint_epoch_0001.ckpt"));
  ganlite::DcganTrainer b(ganlite::read_checkpoint_config(two + "/checkpoint_epoch_0001.ckpt"));
  ganlite::load_checkpoint(a, one + "/checkpoint_epoch_0001.ckpt");
  ganlite::load_checkpoint(b, two + "/checkpoint_epoch_0001.ckpt");
  // 5 Adam steps: max |difference| <= 1e-3 * max(1, max |weight|) per tensor.
  for (int n = 0; n < 2; ++n) {
    auto x = n ? a.discriminator().state_tensors() : a.generator().state_tensors();
    auto y = n ? b.discriminator().state_tensors() : b.generator().state_tensors();
    REQUIRE(x.size() == y.size());
    for (std::size_t k = 0; k < x.size(); ++k) {
      double err = 0, scale = 1;
      for (std::size_t i = 0; i < x[k]->size(); ++i) {
        err = std::max(err, static_cast<double>(std::abs((*x[k])[i] - (*y[k])[i])));
        scale = std::max(scale, static_cast<double>(std::abs((*x[k])[i])));
      }
      INFO((n ? "discriminator" : "generator") << " tensor " << k << ": max difference " << err);
      CHECK(err <= 1e-3 * scale);
    }
  }
}

TEST_CASE("a damaged data file on one process ends every process with the error, and no hang") {
  const std::string out = fresh_dir("bad_data"), bad = fresh_dir("bad_mnist");
  REQUIRE(std::system(("cp " + e2e::mnist_dir() + "/*.gz " + bad + "/ && truncate -s 1000 " + bad + "/train-images-idx3-ubyte.gz").c_str()) == 0);
  // Process 1 reads the damaged copy, process 0 the good one.
  const std::string script = bad + "/by_rank.sh";
  REQUIRE(std::system(("printf '#!/bin/sh\\nif [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then d=" + bad + "; else d=" + e2e::mnist_dir() +
                       "; fi\\nexec " + kBinary + " --data $d \"$@\"\\n' > " + script + " && chmod +x " + script).c_str()) == 0);
  const int rc = e2e::run("timeout 300 " + kMpirun + " -np 2", script + " --out " + out + kSmall + "--shards 2 --epochs 2", out + ".log");
  CHECK(rc != 0);
  CHECK(rc != 124);  // timeout's status: a hang
  const std::string log = e2e::slurp(out + ".log");
  CHECK(log.find("mnist_dcgan: error: " + bad + "/train-images-idx3-ubyte.gz") != std::string::npos);
  CHECK(log.find("checkpoint_epoch") == std::string::npos);
}

TEST_CASE("SIGINT to mpirun leaves a checkpoint that one process resumes") {
  const std::string out = fresh_dir("signal");
  std::remove((out + ".log").c_str());  // waited on below: no earlier run's text
  // setsid: mpirun passes a signal on to its whole process group, which would hold this test too.
  const pid_t pid = e2e::spawn("env OMPI_MCA_odls_base_sigkill_timeout=10 setsid " + kMpirun + " -np 2",
                               kBinary + " --out " + out + data() + " --limit 1280 --batch 64 --seed 3 --threads 1 --shards 2 --epochs 50", out + ".log");
  REQUIRE(e2e::wait_for_text(out + ".log", "Time for epoch 1", 300));  // trained an epoch: past every start-up
  kill(pid, SIGINT);
  e2e::wait_status(pid);
  const std::string log = e2e::slurp(out + ".log");
  CHECK(log.find("Interrupted by signal") != std::string::npos);
  const auto checkpoints = ganlite::find_checkpoints(out);
  REQUIRE_FALSE(checkpoints.empty());
  const std::string epochs = std::to_string(checkpoints.front().epoch + 1);  // to the end of the epoch it stopped in
  REQUIRE(run("--out " + out + data() + " --limit 1280 --batch 64 --seed 3 --threads 1 --shards 2 --epochs " + epochs + " --resume", out + ".resumed") == 0);
  CHECK(e2e::slurp(out + ".resumed").find("Resumed from") != std::string::npos);
}

TEST_CASE("shards the processes can't share, or more shards than images, are refused with exit 2") {
  const std::string out = fresh_dir("refused");
  CHECK(mpirun(2, "--out " + out + data() + kSmall + "--shards 3 --epochs 1", out + ".log") == 2);
  CHECK(e2e::slurp(out + ".log").find("--shards 3 is not a multiple of the 2 processes") != std::string::npos);
  CHECK(run("--out " + out + data() + " --limit 66 --batch 64 --shards 4 --epochs 1", out + ".log2") == 2);
  CHECK(e2e::slurp(out + ".log2").find("--shards 4 is more than the 2 images of an epoch's last batch") != std::string::npos);
}

// Processes started with other flags or data would wait for each other forever (another batch:
// another number of sums) or end with weights no single setting gives. They all stop at once,
// exit 2, process 0 naming the setting and the process; nothing is trained or written.
TEST_CASE("processes started with other settings or data all stop at the start, naming what differs and where") {
  // mpirun -np 1 mnist_dcgan A : -np 1 mnist_dcgan B
  auto two_ways = [](const std::string& a, const std::string& b, const std::string& log) {
    return e2e::run("timeout 300 " + kMpirun, "-np 1 " + kBinary + " " + a + " : -np 1 " + kBinary + " " + b, log);
  };
  const std::string base = fresh_dir("disagree");
  struct Case {
    std::string rank1, said;
  };
  const std::string fashion = "/usr/share/datasets/fashion-mnist";
  std::vector<Case> cases = {{"--epochs 3", "--epochs is 3 on process 1 of 2, 2 on process 0"},
                             {"--batch 32", "--batch is 32 on process 1 of 2, 64 on process 0"},
                             {"--lr 2e-4", "--lr is 0.00020000000000000001 on process 1 of 2"},
                             {"--seed 4", "--seed is 4 on process 1 of 2, 3 on process 0"},
                             {"--conditional", "--conditional is yes on process 1 of 2, no on process 0"}};
  if (::access((fashion + "/train-images-idx3-ubyte.gz").c_str(), R_OK) == 0 || ::access((fashion + "/train-images-idx3-ubyte").c_str(), R_OK) == 0)
    cases.push_back({"--data " + fashion, "fingerprint of the training files (--data) is "});
  int k = 0;
  for (const auto& c : cases) {
    CAPTURE(c.rank1);
    const std::string out = base + "/run" + std::to_string(k++);
    // Process 0 has these; process 1 the same with c.rank1's flag in place of its own.
    std::map<std::string, std::string> flags = {{"--epochs", "2"}, {"--batch", "64"}, {"--seed", "3"}, {"--data", e2e::mnist_dir()}};
    auto args = [&](const std::map<std::string, std::string>& f, const std::string& extra) {
      std::string a = "--out " + out + " --limit 320 --threads 1 --checkpoint-every 1 --shards 2 " + extra;
      for (const auto& [k2, v] : f) a += " " + k2 + " " + v;
      return a;
    };
    std::map<std::string, std::string> other = flags;
    std::string extra;
    const std::size_t space = c.rank1.find(' ');
    if (space == std::string::npos) extra = c.rank1;
    else other[c.rank1.substr(0, space)] = c.rank1.substr(space + 1);
    const int rc = two_ways(args(flags, ""), args(other, extra), out + ".log");
    CHECK(rc == 2);
    const std::string log = e2e::slurp(out + ".log");
    CHECK(log.find("the processes of this job were started differently: " + c.said) != std::string::npos);
    CHECK(log.find("MPI_ABORT") == std::string::npos);  // all agreed to stop: nobody had to end the others
    CHECK(ganlite::find_checkpoints(out).empty());
  }
}
