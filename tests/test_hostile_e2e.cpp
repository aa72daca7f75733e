// End to end, the second round of careless and hostile use (issue: "nothing lost, nothing
// hung"): one test case per class of failure found, each run as a user would, through the
// programs. docs/reliability.md lists each guarantee with its case here.
//   - files lost: a run overwrites or deletes only what it can prove it wrote; custom_gan keeps
//     the same folder rules as mnist_dcgan
//   - what a file says (class counts, dropout, every tensor's values, which run it is from) is
//     supported end to end or refused, naming the file
//   - numbers mean their decimal value; tiny finite values are finite
//   - no file in a run folder can block a run; everything a run writes is checked at start; a
//     pair of files is written whole or not at all
//   - SIGHUP stops like SIGINT; a second signal leaves a page that says how the run ended
//   - out of memory says what, how much is needed, and the limit
//   - custom_gan, the user's program: exit codes, lost output, Ctrl-C, --resume, a log as it goes
// The MPI case (processes that disagree) is in test_distributed_e2e.cpp.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/authorship.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_folder.hpp>
#include <map>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;
using namespace e2e::dcgan;

namespace {

const std::string kCustomGan = GANLITE_CUSTOM_GAN_BINARY;
const std::string kClassifier = GANLITE_MNIST_CLASSIFIER_BINARY;

bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
void put(const std::string& path, const std::string& text) { write_file_atomic(path, text); }

// A short training: 128 images in steps of 64, seed 3; `more` adds or overrides nothing of these.
int train(const std::string& out, const std::string& more, const std::string& log) {
  return run("--data " + mnist_dir() + " --out " + out + " --threads 2 --limit 128 --batch 64 --seed 3 --checkpoint-every 1 " + more, log);
}

// Runs a command under `timeout`: a hang shows as exit 124, never as a test that waits forever.
int run_bounded(const std::string& binary, const std::string& args, const std::string& log, int seconds = 120) {
  return e2e::run("timeout " + std::to_string(seconds) + " " + binary, args, log);
}

bool said(const std::string& log, const std::string& text) {
  const std::string s = slurp(log);
  if (s.find(text) != std::string::npos) return true;
  MESSAGE("log " << log << " lacks \"" << text << "\"; it says:\n" << s);
  return false;
}

Archive read_record(const std::string& path) {
  const std::string data = read_file(path);
  ByteReader r(data, path);
  REQUIRE(read_archive_preamble(r, data.size()) == kArchiveVersion);
  return read_archive_body(r);
}

// A checkpoint with settings replaced and, optionally, one value of a tensor (the checksum is
// made anew: the file is well-formed, only what it says is hostile).
void write_patched(const std::string& from, const std::string& to, const std::map<std::string, std::string>& settings,
                   const std::string& tensor = "", float value = 0) {
  Archive c = read_record(from);
  for (const auto& [k, v] : settings) c.set(k, v);
  bool found = tensor.empty();
  for (auto& [name, t] : c.tensors)
    if (name == tensor) t[0] = value, found = true;
  REQUIRE_MESSAGE(found, from << " has no tensor " << tensor);
  write_archive(to, c);
}

// The seed DCGAN as initialised, of `classes` classes named 0, 1, ... (0: unconditional).
std::string untrained_checkpoint(const std::string& path, int classes) {
  DcganConfig c;
  c.classes = classes;
  for (int k = 0; k < classes; ++k) c.class_names.push_back(std::to_string(k));
  DcganTrainer t(c);
  save_checkpoint(t, path);
  return path;
}

std::string classifier_file(const std::string& dir) {
  Rng init(1), drop(2);
  Sequential<float> c = make_mnist_classifier<float>(init, drop);
  save_weights(c, dir + "/classifier.weights");
  return dir + "/classifier.weights";
}

}  // namespace

TEST_CASE("a run overwrites or deletes only files it can prove it wrote") {
  const std::string d = fresh_dir("own_files");
  // A user's own page in the folder: neither a fresh run nor --restart touches it.
  put(d + "/index.html", "<html><body>my notes</body></html>\n");
  for (const char* how : {"--epochs 1", "--epochs 1 --restart"}) {
    CAPTURE(how);
    CHECK(train(d, how, d + "/../own_files.log") == 2);
    CHECK(said(d + "/../own_files.log", d + "/index.html is not a file a ganlite run wrote (it carries no mark of ganlite)"));
    CHECK(slurp(d + "/index.html") == "<html><body>my notes</body></html>\n");
    CHECK(find_checkpoints(d).empty());
  }
  // The same for any name a run writes, and on --resume for the files every epoch rewrites.
  const std::string r = fresh_dir("own_files_run");
  REQUIRE(train(r, "--epochs 1", r + "/../own_files_run.log") == 0);
  // Every kind of file the run wrote carries ganlite's mark.
  for (const char* f : {"index.html", "losses.csv", "losses.svg", "training.gif", "image_at_epoch_0001.png", "checkpoint_epoch_0001.ckpt"}) {
    CAPTURE(f);
    CHECK(written_by_ganlite(r + "/" + f, {"epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n"}));
  }
  CHECK_FALSE(written_by_ganlite(r + "/losses.csv"));  // a CSV is proven by its header alone, which the program names
  put(r + "/losses.svg", "<svg>a user's plot</svg>");
  CHECK(train(r, "--epochs 2 --resume", r + "/../own_files_run.log") == 2);
  CHECK(said(r + "/../own_files_run.log", r + "/losses.svg is not a file a ganlite run wrote"));
  CHECK(slurp(r + "/losses.svg") == "<svg>a user's plot</svg>");
  CHECK(train(r, "--epochs 1 --restart", r + "/../own_files_run.log") == 2);  // --restart deletes nothing then, not even its own files
  CHECK(exists(r + "/checkpoint_epoch_0001.ckpt"));
  ::unlink((r + "/losses.svg").c_str());
  // Its own files, proven: --restart deletes them and starts over.
  CHECK(train(r, "--epochs 1 --restart", r + "/../own_files_run.log") == 0);
  CHECK(said(r + "/../own_files_run.log", "--restart: removed 5 files of the earlier run"));
}

TEST_CASE("no file in a run folder can block a run: a FIFO is refused at once, by name") {
  const std::string d = fresh_dir("fifo");
  REQUIRE(train(d, "--epochs 1", d + "/../fifo.log") == 0);
  ::unlink((d + "/losses.csv").c_str());
  REQUIRE(::mkfifo((d + "/losses.csv").c_str(), 0644) == 0);
  CHECK(run_bounded(kBinary, "--data " + mnist_dir() + " --out " + d + " --threads 2 --limit 128 --batch 64 --seed 3 --epochs 2 --resume",
                    d + "/../fifo.log", 60) == 2);
  CHECK(said(d + "/../fifo.log", d + "/losses.csv is not a file a ganlite run wrote (" + d + "/losses.csv: not a regular file (a pipe))"));
  // and the lock file itself
  const std::string e = fresh_dir("fifo_lock");
  REQUIRE(::mkfifo((e + "/.ganlite.lock").c_str(), 0644) == 0);
  CHECK(run_bounded(kBinary, "--data " + mnist_dir() + " --out " + e + " --limit 128 --batch 64 --epochs 1", e + "/../fifo_lock.log", 60) == 1);
  CHECK(said(e + "/../fifo_lock.log", "the lock file " + e + "/.ganlite.lock is not a regular file"));
}

TEST_CASE("everything a run will write is checked at start, and a pair of files is written whole or not at all") {
  const std::string d = fresh_dir("at_start");
  // A folder name so long that the run's own file names in it are too long: refused before the data is read.
  std::string deep = d;
  while (deep.size() + 101 < 3960) deep += "/" + std::string(100, 'x');  // each part well under NAME_MAX: the folder can be made
  deep += "/" + std::string(4060 - deep.size() - 1, 'y');
  REQUIRE(deep.size() == 4060);
  CHECK(train(deep, "--epochs 1", d + "/long.log") == 1);
  CHECK(said(d + "/long.log", "cannot write the run's files into " + deep + " (a name of "));
  CHECK(said(d + "/long.log", "File name too long"));
  CHECK(slurp(d + "/long.log").find("Training on") == std::string::npos);
  // Sampling outputs: no name before the ending, a missing folder, the labels' file unwritable.
  const std::string ck = untrained_checkpoint(d + "/cond.ckpt", 10);
  CHECK(run("generate --checkpoint " + ck + " --count 2 --out " + d + "/.idx", d + "/g.log") == 2);
  CHECK(said(d + "/g.log", "has no name before .idx"));
  CHECK_FALSE(exists(d + "/.idx"));
  CHECK(run("generate --checkpoint " + ck + " --count 2 --out /missing/g.png", d + "/g.log") == 1);
  CHECK(said(d + "/g.log", "cannot write /missing/g.png"));
  REQUIRE(::mkdir((d + "/g-labels.idx").c_str(), 0755) == 0);  // the labels can't be written there
  CHECK(run("generate --checkpoint " + ck + " --count 2 --out " + d + "/g.idx", d + "/g.log") == 1);
  CHECK(said(d + "/g.log", "cannot write " + d + "/g-labels.idx"));
  CHECK_FALSE(exists(d + "/g.idx"));
  ::rmdir((d + "/g-labels.idx").c_str());
  CHECK(run("generate --checkpoint " + ck + " --count 2 --out " + d + "/g.idx", d + "/g.log") == 0);
  CHECK(read_idx(d + "/g.idx", 3).dims[0] == 20);
  CHECK(read_idx(d + "/g-labels.idx", 1).dims[0] == 20);
  // custom_gan: its picture's folder is checked before any training
  CHECK(run_bounded(kCustomGan, "--data " + mnist_dir() + " --limit 640 --epochs 1 --checkpoints " + d + "/cg --out /missing/x.png", d + "/cg.log") == 1);
  CHECK(said(d + "/cg.log", "cannot write /missing/x.png"));
  CHECK(find_checkpoints(d + "/cg").empty());
}

TEST_CASE("what a checkpoint says is supported end to end or refused, naming the file") {
  const std::string d = fresh_dir("says");
  const std::string clf = classifier_file(d);
  // 20 classes: a valid model, which a 10-class classifier can't score by class.
  untrained_checkpoint(d + "/twenty.ckpt", 20);
  CHECK(run("evaluate --checkpoint " + d + "/twenty.ckpt --classifier " + clf + " --count 100 --confusions", d + "/e.log") == 2);
  CHECK(said(d + "/e.log", d + "/twenty.ckpt holds a model of 20 classes; the classifier tells 10"));
  CHECK(run("generate --checkpoint " + d + "/twenty.ckpt --count 1 --out " + d + "/t.idx", d + "/e.log") == 0);  // drawing it is fine
  CHECK(read_idx(d + "/t-labels.idx", 1).bytes[19] == 19);
  // More classes than a byte can label, and a dropout rate that is no rate.
  std::string names;
  for (int k = 0; k < 300; ++k) names += (k ? "," : "") + std::to_string(k);
  write_patched(d + "/twenty.ckpt", d + "/many.ckpt", {{"classes", "300"}, {"class_names", names}});
  CHECK(run("generate --checkpoint " + d + "/many.ckpt --count 1 --out " + d + "/m.idx", d + "/e.log") == 1);
  CHECK(said(d + "/e.log", d + "/many.ckpt: has 300 classes; a DCGAN has at most 256"));
  write_patched(d + "/twenty.ckpt", d + "/drop.ckpt", {{"dropout", "1.5"}});
  CHECK(run("generate --checkpoint " + d + "/drop.ckpt --count 1 --out " + d + "/m.idx", d + "/e.log") == 1);
  CHECK(said(d + "/e.log", d + "/drop.ckpt: setting dropout = \"1.5\" is not a rate in [0, 1)"));
  CHECK_FALSE(exists(d + "/m.idx"));
}

TEST_CASE("a checkpoint with a non-finite value anywhere in its state is refused by name, and --resume falls back past it") {
  const std::string d = fresh_dir("nan_state");
  REQUIRE(train(d, "--epochs 2", d + "/../nan_state.log") == 0);
  const std::string good = slurp(d + "/checkpoint_epoch_0002.ckpt");
  for (const char* tensor : {"generator/adam/m/dense/kernel", "discriminator/adam/v/conv2d/bias", "generator/batch_normalization/moving_mean", "fixed_noise"}) {
    CAPTURE(tensor);
    write_patched(d + "/checkpoint_epoch_0001.ckpt", d + "/bad.ckpt", {}, tensor, std::nanf(""));
    CHECK(run("generate --checkpoint " + d + "/bad.ckpt --count 1 --out " + d + "/x.png", d + "/g.log") == 1);
    CHECK(said(d + "/g.log", d + "/bad.ckpt: holds weights that are not finite (NaN or infinity): tensor " + std::string(tensor) + ", element 0"));
  }
  // The newest checkpoint poisoned in an Adam moment: resume names it, skips it, continues from
  // epoch 1, and ends where the uninterrupted run ended.
  write_patched(d + "/checkpoint_epoch_0002.ckpt", d + "/checkpoint_epoch_0002.ckpt", {}, "generator/adam/v/batch_normalization/beta", INFINITY);
  CHECK(train(d, "--epochs 2 --resume", d + "/../nan_state.log") == 0);
  CHECK(said(d + "/../nan_state.log", "skipping unusable checkpoint: " + d + "/checkpoint_epoch_0002.ckpt: holds weights that are not finite"));
  CHECK(said(d + "/../nan_state.log", "Resumed from " + d + "/checkpoint_epoch_0001.ckpt"));
  CHECK(slurp(d + "/checkpoint_epoch_0002.ckpt") == good);
}

TEST_CASE("--average takes the checkpoints of one run only") {
  const std::string a = fresh_dir("avg_a"), b = fresh_dir("avg_b");
  REQUIRE(train(a, "--epochs 2", a + "/../avg.log") == 0);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + " --threads 2 --limit 192 --batch 64 --seed 3 --checkpoint-every 1 --epochs 1",
              b + "/../avg.log") == 0);
  REQUIRE(run("generate --checkpoint " + a + "/checkpoint_epoch_0002.ckpt --average 2 --count 2 --out " + a + "/ok.png", a + "/g.log") == 0);
  // Same settings, other data (192 images, not 128): put in place of run a's epoch 1.
  REQUIRE(std::system(("cp " + b + "/checkpoint_epoch_0001.ckpt " + a + "/checkpoint_epoch_0001.ckpt").c_str()) == 0);
  CHECK(run("generate --checkpoint " + a + "/checkpoint_epoch_0002.ckpt --average 2 --count 2 --out " + a + "/no.png", a + "/g.log") == 2);
  CHECK(said(a + "/g.log", a + "/checkpoint_epoch_0001.ckpt is not of the same run as " + a + "/checkpoint_epoch_0002.ckpt (trained on other data: 192 images"));
  CHECK_FALSE(exists(a + "/no.png"));
  // A checkpoint renamed to another epoch: what its name says is checked against what it holds.
  REQUIRE(std::system(("cp " + a + "/checkpoint_epoch_0002.ckpt " + a + "/checkpoint_epoch_0003.ckpt").c_str()) == 0);
  CHECK(run("generate --checkpoint " + a + "/checkpoint_epoch_0003.ckpt --average 2 --count 2 --out " + a + "/no.png", a + "/g.log") == 2);
  CHECK(said(a + "/g.log", a + "/checkpoint_epoch_0003.ckpt holds epoch 2, not 3 as its name says"));
}

TEST_CASE("a number means its decimal value in every flag; a tiny finite value is finite") {
  const std::string d = fresh_dir("decimal");
  const std::string ck = untrained_checkpoint(d + "/plain.ckpt", 0), cond = untrained_checkpoint(d + "/cond.ckpt", 10);
  CHECK(run("generate --checkpoint " + ck + " --count 010 --out " + d + "/ten.idx", d + "/n.log") == 0);
  CHECK(read_idx(d + "/ten.idx", 3).dims[0] == 10);  // not octal 8
  CHECK(run("generate --checkpoint " + cond + " --digit 010 --count 1 --out " + d + "/c.idx", d + "/n.log") == 2);
  CHECK(said(d + "/n.log", "\"10\" is not a class of"));  // ten, not class 8
  CHECK(run("generate --checkpoint " + cond + " --digit 08 --count 1 --out " + d + "/c.idx", d + "/n.log") == 0);
  CHECK(read_idx(d + "/c-labels.idx", 1).bytes[0] == 8);
  for (const char* bad : {"--count 0x10", "--count 1e1", "--seed 0x10", "--count ' 7'"}) {
    CAPTURE(bad);
    CHECK(run("generate --checkpoint " + ck + " " + bad + " --out " + d + "/b.idx", d + "/n.log") == 2);
    CHECK(said(d + "/n.log", "is not a whole number"));
  }
  // --epochs 08 is eight; --ema and --beta1 of 1e-320 (a subnormal, finite and in range) are taken.
  CHECK(run("--data " + mnist_dir() + " --out " + d + "/run --threads 2 --limit 64 --batch 64 --epochs 08 --checkpoint-every 08 --ema 1e-320 "
            "--beta1 1e-320",
            d + "/t.log") == 0);
  CHECK(exists(d + "/run/checkpoint_epoch_0008.ckpt"));
  CHECK(e2e::run(kCustomGan, "--epochs 0x1", d + "/cg.log") == 2);
  CHECK(said(d + "/cg.log", "is not a whole number in decimal digits"));
}

TEST_CASE("the classifier's predict refuses labels it can't give, as training does") {
  const std::string d = fresh_dir("labels");
  const std::string clf = classifier_file(d);
  untrained_checkpoint(d + "/g.ckpt", 0);
  REQUIRE(run("generate --checkpoint " + d + "/g.ckpt --count 3 --out " + d + "/g.idx", d + "/p.log") == 0);
  write_idx(d + "/l.idx", {3}, {1, 255, 2});
  CHECK(e2e::run(kClassifier, "predict --model " + clf + " --idx " + d + "/g.idx --labels " + d + "/l.idx", d + "/p.log") == 1);
  CHECK(said(d + "/p.log", d + "/l.idx: label 255 at item 1 is not a digit"));
  CHECK(slurp(d + "/p.log").find("accuracy") == std::string::npos);
}

TEST_CASE("SIGHUP stops a run like SIGINT; a second signal leaves a page that says how the run ended") {
  const std::string d = fresh_dir("hup");
  const std::string args = "--data " + mnist_dir() + " --out " + d + " --threads 2 --limit 1280 --batch 64 --seed 3 --epochs 3";
  pid_t pid = spawn(args, d + "/hup.log");
  REQUIRE(wait_for_text(d + "/hup.log", "Time for epoch 1", 300));
  kill(pid, SIGHUP);
  bool signaled = true;
  CHECK(wait_status(pid, &signaled) == 128 + SIGHUP);
  CHECK_FALSE(signaled);  // it exited by itself, after its checkpoint
  CHECK(said(d + "/hup.log", "Interrupted by signal 1: wrote"));
  REQUIRE_FALSE(find_checkpoints(d).empty());
  CHECK(find_checkpoints(d).front().step > 0);
  CHECK(slurp(d + "/index.html").find("\"state\":\"stopped\"") != std::string::npos);
  // A second signal while the first one's stop waits for the step: the process ends at once (by
  // the signal), and the page says so, not "running". The steps of 256 images take far longer
  // than the 20 ms between the signals (which the kernel would merge if sent together).
  const std::string e = fresh_dir("twice");
  pid = spawn("--data " + mnist_dir() + " --out " + e + " --threads 2 --limit 3200 --batch 256 --seed 3 --epochs 3 --checkpoint-every 1", e + "/twice.log");
  REQUIRE(wait_for_text(e + "/twice.log", "Time for epoch 1", 300));
  kill(pid, SIGINT);
  usleep(20000);
  kill(pid, SIGINT);
  CHECK(wait_status(pid, &signaled) == 128 + SIGINT);
  CHECK(signaled);
  const std::string page = slurp(e + "/index.html");
  CHECK(page.find("\"state\":\"stopped\",\"stateDetail\":\"ended at once by a second signal during epoch 2, before its stop checkpoint: the steps since " +
                  e + "/checkpoint_epoch_0001.ckpt are lost; continue with --resume\"") != std::string::npos);
  REQUIRE_FALSE(find_checkpoints(e).empty());
  CHECK(find_checkpoints(e).front().path == e + "/checkpoint_epoch_0001.ckpt");
}

#if !defined(GANLITE_PROGRAMS_SANITIZED)  // AddressSanitizer reserves terabytes of address space: no ulimit -v under it
TEST_CASE("out of memory says what could not be allocated, what the run needs and the limit") {
  const std::string d = fresh_dir("memory");
  const int rc = std::system(("ulimit -v 400000; " + kBinary + " --data " + mnist_dir() + " --out " + d +
                              "/run --threads 2 --limit 512 --batch 256 --epochs 1 > " + d + "/m.log 2>&1")
                                 .c_str());
  CHECK(WEXITSTATUS(rc) == 1);
  CHECK(said(d + "/m.log", "mnist_dcgan: error: out of memory: could not allocate "));
  CHECK(said(d + "/m.log", "training with --batch 256 on 512 images needs about "));
  CHECK(said(d + "/m.log", "of address space (ulimit -v)"));
  CHECK(slurp(d + "/run/index.html").find("\"state\":\"failed\"") != std::string::npos);
}
#endif

TEST_CASE("custom_gan, a user's program from the library's parts, behaves as mnist_dcgan does") {
  const std::string d = fresh_dir("custom");
  const std::string data = " --data " + mnist_dir() + " --limit 1280 ";
  // Usage errors exit 2; lost standard output is an error, for --help too.
  CHECK(e2e::run(kCustomGan, "--epochs none", d + "/u.log") == 2);
  CHECK(e2e::run(kCustomGan, "--no-such-flag", d + "/u.log") == 2);
  CHECK(WEXITSTATUS(std::system((kCustomGan + " --help > /dev/full 2> " + d + "/u.log").c_str())) == 1);
  CHECK(said(d + "/u.log", "cannot write to standard output"));
  // Another run's folder: refused, its checkpoint untouched; the folder lock is kept.
  const std::string other = fresh_dir("custom_other");
  REQUIRE(train(other, "--epochs 1", d + "/o.log") == 0);
  const std::string theirs = slurp(other + "/checkpoint_epoch_0001.ckpt");
  CHECK(e2e::run(kCustomGan, data + "--epochs 1 --checkpoints " + other + " --out " + d + "/x.png", d + "/o.log") == 2);
  CHECK(said(d + "/o.log", "output folder " + other + " already holds another run's files"));
  CHECK(slurp(other + "/checkpoint_epoch_0001.ckpt") == theirs);
  const std::string busy = fresh_dir("custom_busy");
  const pid_t holder = spawn("--data " + mnist_dir() + " --out " + busy + " --limit 3200 --batch 64 --epochs 50", d + "/holder.log");
  REQUIRE(wait_for_text(d + "/holder.log", "Training on", 120));
  CHECK(e2e::run(kCustomGan, data + "--epochs 1 --checkpoints " + busy + " --out " + d + "/x.png", d + "/b.log") == 1);
  CHECK(said(d + "/b.log", "is in use by another training run (process " + std::to_string(holder)));
  kill(holder, SIGKILL);
  wait_status(holder);
  // Uninterrupted, 2 epochs; then stopped by Ctrl-C and resumed: the same final checkpoint.
  // The log, redirected to a file, shows each epoch as it ends (not only at exit).
  const std::string whole = d + "/whole", cut = d + "/cut";
  REQUIRE(e2e::run(kCustomGan, data + "--epochs 2 --checkpoints " + whole + " --out " + d + "/whole.png", d + "/whole.log") == 0);
  const pid_t pid = e2e::spawn(kCustomGan, data + "--epochs 2 --checkpoints " + cut + " --out " + d + "/cut.png", d + "/cut.log");
  REQUIRE(wait_for_text(d + "/cut.log", "Time for epoch 1 is", 120));
  kill(pid, SIGINT);
  CHECK(wait_status(pid) == 130);
  CHECK(said(d + "/cut.log", "Interrupted by signal 2: wrote " + cut + "/checkpoint_epoch_"));
  CHECK(e2e::run(kCustomGan, data + "--epochs 2 --checkpoints " + cut + " --out " + d + "/cut.png", d + "/again.log") == 2);  // not fresh
  CHECK(e2e::run(kCustomGan, data + "--epochs 2 --checkpoints " + cut + " --out " + d + "/cut.png --resume", d + "/resume.log") == 0);
  CHECK(said(d + "/resume.log", "Resumed from " + cut + "/checkpoint_epoch_"));
  CHECK(slurp(cut + "/checkpoint_epoch_0002.ckpt") == slurp(whole + "/checkpoint_epoch_0002.ckpt"));
  CHECK(slurp(d + "/cut.png") == slurp(d + "/whole.png"));
  // Resume with other data is refused.
  CHECK(e2e::run(kCustomGan, " --data " + mnist_dir() + " --limit 640 --epochs 3 --checkpoints " + cut + " --out " + d + "/cut.png --resume",
                 d + "/other.log") == 2);
  CHECK(said(d + "/other.log", "was trained on 1280 images, this run has 640 (--data and --limit must be the checkpoint's)"));
  // The run folder is the library's GanRun's: the same outputs as mnist_dcgan's, for a user's model.
  for (const char* f : {"losses.csv", "losses.svg", "training.gif", "index.html", "image_at_epoch_0001.png", "image_at_epoch_0002.png"})
    CHECK(slurp(cut + "/" + f).size() > 0);
  CHECK(slurp(cut + "/losses.csv") .find("epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n") == 0);
  CHECK(slurp(cut + "/index.html").find("finished") != std::string::npos);
}
