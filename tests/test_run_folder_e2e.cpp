// End to end, as a careless user would: the output folder belongs to one run, and --resume
// continues exactly that run or says why not (mnist_dcgan). Flags and inputs at their edges, for
// every program: tests/test_flags_e2e.cpp.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ganlite/io/binary_file.hpp>
#include <ganlite/io/archive.hpp>
#include <map>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;

using namespace e2e::dcgan;

namespace {

bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
void write_bytes(const std::string& path, const std::string& bytes) { write_file_atomic(path, bytes); }

// A short run: 320 images in steps of 64 (5 steps an epoch), seed 3, unless `more` sets them.
std::string run_flags(const std::string& more) {
  std::string f = " --threads 2 --checkpoint-every 1 " + more;
  for (const char* d : {"--limit 320", "--batch 64", "--seed 3"})
    if (more.find(std::string(d).substr(0, std::string(d).find(' ') + 1)) == std::string::npos) f += std::string(" ") + d;
  return f;
}
const std::string kRun = run_flags("") + " ";
int train(const std::string& out, const std::string& more, const std::string& log) {
  return e2e::run(kBinary, "--data " + e2e::mnist_dir() + " --out " + out + run_flags(more), log);
}


// A checkpoint with some settings replaced (the record is rewritten with its checksum).
void write_patched_checkpoint(const std::string& from, const std::string& to, const std::map<std::string, std::string>& changes) {
  const std::string data = read_file(from);
  ByteReader r(data, from);
  REQUIRE(read_archive_preamble(r, data.size()) == kArchiveVersion);
  Archive c = read_archive_body(r);
  for (const auto& [k, v] : changes) c.set(k, v);
  write_archive(to, c);
}

}  // namespace

TEST_CASE("a second training on the same --out is refused at once, naming the folder and the running process") {
  const std::string out = fresh_dir("locked");
  const std::string logs = fresh_dir("locked_logs");  // fresh: a log left by an earlier run of this test must not be read as this one's
  const pid_t first = spawn("--data " + e2e::mnist_dir() + " --out " + out + " --limit 3200 --batch 64 --epochs 50", logs + "/locked_first.log");
  REQUIRE(wait_for_text(logs + "/locked_first.log", "Training on", 120));
  CHECK(e2e::run(kBinary, "--data " + e2e::mnist_dir() + " --out " + out + kRun + "--epochs 1 --resume", logs + "/locked_second.log") == 1);
  const std::string msg = slurp(logs + "/locked_second.log");
  CHECK(msg.find("output folder " + out + " is in use by another training run (process " + std::to_string(first)) != std::string::npos);
  CHECK(msg.find("mnist_dcgan") != std::string::npos);  // the holder's command line
  kill(first, SIGKILL);  // the lock dies with its process: nobody deletes anything by hand
  waitpid(first, nullptr, 0);
  CHECK(train(out, "--epochs 1 --restart", logs + "/locked_third.log") == 0);
}

TEST_CASE("a run deletes only its own leftovers: never a user's look-alike, never a live process's temporary") {
  const std::string out = fresh_dir("own_files");
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a writer that is certainly gone
  const std::string dead = "losses.csv.tmp." + std::to_string(child) + ".Qw12Er";
  const std::string live = "losses.csv.tmp." + std::to_string(::getpid()) + ".Qw12Er";
  const std::string keep[] = {"notes.tmp.abcdef", "losses.csv.tmp.abcdef", "my_image.png", "image_at_epoch_0001.png.mine", live};
  for (const auto& f : keep) write_bytes(out + "/" + f, "user data");
  write_bytes(out + "/" + dead, "half a file");
  REQUIRE(train(out, "--epochs 1", out + "/../own_files.log") == 0);
  CHECK_FALSE(exists(out + "/" + dead));
  for (const auto& f : keep) {
    CAPTURE(f);
    CHECK(slurp(out + "/" + f) == "user data");
  }
  // --restart deletes the earlier run's files by their exact names, and nothing else
  REQUIRE(train(out, "--epochs 1 --restart", out + "/../own_files2.log") == 0);
  CHECK(slurp(out + "/../own_files2.log").find("--restart: removed") != std::string::npos);
  for (const auto& f : keep) {
    CAPTURE(f);
    CHECK(slurp(out + "/" + f) == "user data");
  }
}

TEST_CASE("a fresh run refuses a folder holding another run; --restart starts over as in an empty folder") {
  const std::string a = fresh_dir("refuse_a"), b = fresh_dir("refuse_b");
  REQUIRE(train(a, "--epochs 1", a + "/../refuse_1.log") == 0);
  CHECK(train(a, "--epochs 1 --seed 4", a + "/../refuse_2.log") == 2);
  const std::string msg = slurp(a + "/../refuse_2.log");
  CHECK(msg.find("output folder " + a + " already holds another run's files") != std::string::npos);
  for (const char* way : {"--resume", "another --out", "--restart"}) CHECK(msg.find(way) != std::string::npos);
  CHECK(train(a, "--epochs 2 --seed 9 --restart", a + "/../refuse_3.log") == 0);
  CHECK(train(b, "--epochs 2 --seed 9", b + "/../refuse_4.log") == 0);
  CHECK(read_file(a + "/checkpoint_epoch_0002.ckpt") == read_file(b + "/checkpoint_epoch_0002.ckpt"));
  CHECK(train(a, "--epochs 1 --resume --restart", a + "/../refuse_5.log") == 2);  // one or the other
}

TEST_CASE("--out is checked at start: a file, an unwritable place") {
  const std::string d = fresh_dir("bad_out");
  write_bytes(d + "/a_file", "x");
  CHECK(train(d + "/a_file", "--epochs 1", d + "/log1") == 1);
  CHECK(slurp(d + "/log1").find(d + "/a_file") != std::string::npos);
  CHECK(train("/proc/ganlite_out", "--epochs 1", d + "/log2") == 1);
  CHECK(slurp(d + "/log2").find("/proc/ganlite_out") != std::string::npos);
  CHECK(slurp(d + "/log2").find("Training on") == std::string::npos);  // before any work
}

TEST_CASE("pictures of progress never cost training: a bad GIF frame is left out, an unwritable grid is a warning") {
  const std::string out = fresh_dir("pictures");
  REQUIRE(train(out, "--epochs 1", out + "/../pictures1.log") == 0);
  write_bytes(out + "/image_at_epoch_0001.png", "not a png");
  REQUIRE(::mkdir((out + "/image_at_epoch_0002.png").c_str(), 0755) == 0);  // the grid can't be written over a folder
  CHECK(train(out, "--epochs 3 --resume", out + "/../pictures2.log") == 0);
  const std::string log = slurp(out + "/../pictures2.log");
  CHECK(log.find("training.gif leaves out " + out + "/image_at_epoch_0001.png") != std::string::npos);
  CHECK(log.find("could not write " + out + "/image_at_epoch_0002.png") != std::string::npos);
  CHECK(exists(out + "/checkpoint_epoch_0002.ckpt"));
  CHECK(exists(out + "/checkpoint_epoch_0003.ckpt"));
  CHECK(exists(out + "/training.gif"));
}

TEST_CASE("resume refuses other settings or other data, with both values in full precision") {
  const std::string out = fresh_dir("mismatch");
  REQUIRE(train(out, "--epochs 1", out + "/../mismatch0.log") == 0);
  struct Case {
    std::string flags, expect;
  } cases[] = {
      {"--lr 1e-7", "--lr 0.0001 in the checkpoint, 1e-07 now"},
      {"--beta1 0.5", "--beta1 0.9 in the checkpoint, 0.5 now"},
      {"--seed 18446744073709551615", "--seed 3 in the checkpoint, 18446744073709551615 now"},
      {"--batch 32", "--batch 64 in the checkpoint, 32 now"},
      {"--limit 256", "was trained on 320 images, this run has 256"},
      {"--loss hinge", "--loss bce in the checkpoint, hinge now"},
      {"--spectral-norm", "--spectral-norm off in the checkpoint, on now"},
      {"--augment cutout", "--augment none in the checkpoint, cutout now"},
      {"--d-lr 4e-4", "--d-lr 0.0001 in the checkpoint, 0.0004 now"},
      {"--recipe paper", "--lr 0.0001 in the checkpoint, 0.0002 now"},
  };
  int i = 0;
  for (const auto& c : cases) {
    CAPTURE(c.flags);
    const std::string log = out + "/../mismatch" + std::to_string(++i) + ".log";
    CHECK(train(out, "--epochs 2 --resume " + c.flags, log) == 2);
    CHECK(slurp(log).find(c.expect) != std::string::npos);
  }
  const char* env = std::getenv("GANLITE_FASHION_MNIST_DIR");
  const std::string fashion = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  if (exists(fashion + "/train-images-idx3-ubyte.gz")) {  // the same count of other images
    const std::string log = out + "/../mismatch_data.log";
    CHECK(e2e::run(kBinary, "--data " + fashion + " --out " + out + kRun + "--epochs 2 --resume", log) == 2);
    CHECK(slurp(log).find("was trained on other training files (fingerprint ") != std::string::npos);
  }
  CHECK_FALSE(exists(out + "/checkpoint_epoch_0002.ckpt"));
}

TEST_CASE("a recipe names the whole settings, a flag beside it overrides it, and the checkpoint and report say them all") {
  const std::string out = fresh_dir("recipe");
  REQUIRE(train(out, "--epochs 1 --recipe best --d-lr 4e-4 --augment translation", out + "/../recipe.log") == 0);
  const std::string log = out + "/../recipe_inspect.log";
  REQUIRE(e2e::run(kBinary, "inspect " + out + "/checkpoint_epoch_0001.ckpt", log) == 0);
  const std::string listing = slurp(log);
  for (const char* said : {"objective = hinge", "augment = translation\n", "generator_learning_rate = 0.0002", "discriminator_learning_rate = 0.0004",
                           "generator_beta1 = 0.5", "generator_ema = 0.999"}) {
    CAPTURE(said);
    CHECK(listing.find(said) != std::string::npos);
  }
  CHECK(listing.find("spectral_norm") == std::string::npos);  // the recipe has none
  const std::string page = slurp(out + "/index.html");
  CHECK(page.find("best (--recipe") != std::string::npos);
  CHECK(page.find("0.0002 for G, 0.0004 for D (--d-lr)") != std::string::npos);
  CHECK(page.find("sees images augmented by translation (--augment)") != std::string::npos);
  // The same flags resume it; the recipe alone (no augmentation, D's rate G's) is refused.
  CHECK(train(out, "--epochs 2 --resume --recipe best --d-lr 4e-4 --augment translation", out + "/../recipe2.log") == 0);
  CHECK(train(out, "--epochs 3 --resume --recipe best", out + "/../recipe3.log") == 2);
  CHECK(slurp(out + "/../recipe3.log").find("--augment translation in the checkpoint, none now") != std::string::npos);
}

TEST_CASE("resume skips damaged checkpoints, newest first, saying which and why, and continues the run exactly") {
  const std::string ref = fresh_dir("fallback_ref"), out = fresh_dir("fallback");
  REQUIRE(train(ref, "--epochs 3", ref + "/../fallback_ref.log") == 0);
  REQUIRE(train(out, "--epochs 2", out + "/../fallback1.log") == 0);
  const std::string good = read_file(out + "/checkpoint_epoch_0002.ckpt");
  write_bytes(out + "/checkpoint_epoch_0002.ckpt", good.substr(0, good.size() / 2));  // truncated
  write_bytes(out + "/checkpoint_epoch_0002_step_0003.ckpt", "");                    // empty
  REQUIRE(::mkfifo((out + "/checkpoint_epoch_0002_step_0004.ckpt").c_str(), 0644) == 0);  // would block a reader
  REQUIRE(::mkdir((out + "/checkpoint_epoch_10000.ckpt").c_str(), 0755) == 0);            // a folder, 5 digits
  const std::string cmd = "timeout 120 " + kBinary + " --data " + e2e::mnist_dir() + " --out " + out + kRun + "--epochs 3 --resume > " +
                          out + "/../fallback2.log 2>&1";
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 0);
  const std::string log = slurp(out + "/../fallback2.log");
  CHECK(log.find("skipping unusable checkpoint: " + out + "/checkpoint_epoch_10000.ckpt: not a regular file (a folder)") != std::string::npos);
  CHECK(log.find("checkpoint_epoch_0002_step_0004.ckpt: not a regular file (a pipe)") != std::string::npos);
  CHECK(log.find("checkpoint_epoch_0002_step_0003.ckpt: not a ganlite checkpoint (too short)") != std::string::npos);
  CHECK(log.find("checkpoint_epoch_0002.ckpt: checksum mismatch") != std::string::npos);
  CHECK(log.find("Resumed from " + out + "/checkpoint_epoch_0001.ckpt") != std::string::npos);
  CHECK(read_file(out + "/checkpoint_epoch_0003.ckpt") == read_file(ref + "/checkpoint_epoch_0003.ckpt"));

  const std::string none = fresh_dir("fallback_none");  // nothing good at all: stop, listing why
  write_bytes(none + "/checkpoint_epoch_0001.ckpt", "junk");
  CHECK(train(none, "--epochs 2 --resume", none + "/../fallback3.log") == 1);
  CHECK(slurp(none + "/../fallback3.log").find("no usable checkpoint in " + none) != std::string::npos);
}

TEST_CASE("checkpoint names with many digits are found; --epochs already reached does nothing and says so") {
  const std::string out = fresh_dir("digits");
  REQUIRE(train(out, "--epochs 1", out + "/../digits1.log") == 0);
  REQUIRE(std::rename((out + "/checkpoint_epoch_0001.ckpt").c_str(), (out + "/checkpoint_epoch_0000001.ckpt").c_str()) == 0);
  const std::string csv = read_file(out + "/losses.csv");
  CHECK(train(out, "--epochs 1 --resume", out + "/../digits2.log") == 0);
  const std::string log = slurp(out + "/../digits2.log");
  CHECK(log.find(out + "/checkpoint_epoch_0000001.ckpt has done 1 epochs already; --epochs 1 asks for no more") != std::string::npos);
  CHECK(log.find("Time for epoch") == std::string::npos);
  CHECK(read_file(out + "/losses.csv") == csv);
  CHECK(train(out, "--epochs 2 --resume", out + "/../digits3.log") == 0);
  CHECK(slurp(out + "/../digits3.log").find("Resumed from " + out + "/checkpoint_epoch_0000001.ckpt") != std::string::npos);
}

TEST_CASE("a checkpoint whose position is past this data's epoch is refused, never a crash") {
  const std::string src = fresh_dir("cursor_src"), out = fresh_dir("cursor");
  REQUIRE(train(src, "--epochs 1", src + "/../cursor1.log") == 0);
  // step 4 of epoch 2 (legal with 5 steps an epoch), images and fingerprint not recorded (as in
  // versions 1 and 2), resumed with --limit 128: 2 steps an epoch
  write_patched_checkpoint(src + "/checkpoint_epoch_0001.ckpt", out + "/checkpoint_epoch_0001_step_0004.ckpt",
                           {{"step_in_epoch", "4"}, {"data_images", "0"}, {"data_fingerprint", "0"}});
  CHECK(e2e::run(kBinary, "--data " + e2e::mnist_dir() + " --out " + out + " --limit 128 --batch 64 --seed 3 --epochs 3 --resume",
                 out + "/../cursor2.log") == 1);
  CHECK(slurp(out + "/../cursor2.log").find("its position, step 4 of epoch 2, is past the 2 steps an epoch has") != std::string::npos);
}
