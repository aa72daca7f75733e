// A run's output folder and the readers' edges, without running a program: the folder lock,
// checkpoint and temporary names, which leftovers are deleted, exact numbers in messages, and
// the strict gzip reader (trailing garbage, a damaged second member, FIFOs, symlink loops).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_folder.hpp>
#include <string>
#include <zlib.h>

#include "error_of.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {
const std::string kWork = GANLITE_TEST_WORK_DIR;

std::string fresh_dir(const std::string& name) { return fresh_work_dir(kWork, name); }
void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }

// One gzip member holding `plain`.
std::string gzip_member(const std::string& plain) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(plain.size() + 256, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A labels IDX file with n labels 0..9.
std::string labels_idx(int n) {
  std::string s = {0, 0, 8, 1, static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(i % 10));
  return s;
}

}  // namespace

TEST_CASE("checkpoint names: any number of digits, newest first; nothing else matches") {
  long e = -1, s = -1;
  CHECK((parse_checkpoint_name("checkpoint_epoch_0007.ckpt", &e, &s) && e == 7 && s == 0));
  CHECK((parse_checkpoint_name("checkpoint_epoch_12345.ckpt", &e, &s) && e == 12345));
  CHECK((parse_checkpoint_name("checkpoint_epoch_0003_step_123456.ckpt", &e, &s) && e == 3 && s == 123456));
  for (const char* bad : {"checkpoint_epoch_.ckpt", "checkpoint_epoch_1.ckpt.bak", "checkpoint_epoch_-1.ckpt", "checkpoint_epoch_ 1.ckpt",
                          "checkpoint_epoch_1_step_.ckpt", "checkpoint_epoch_1234567890.ckpt", "xcheckpoint_epoch_1.ckpt"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_checkpoint_name(bad, &e, &s));
  }
  const std::string d = fresh_dir("names");
  for (const char* f : {"checkpoint_epoch_0009.ckpt", "checkpoint_epoch_10000.ckpt", "checkpoint_epoch_10000_step_10001.ckpt",
                        "checkpoint_epoch_0010_step_0002.ckpt", "notes.txt"})
    write_bytes(d + "/" + f, "x");
  const auto all = find_checkpoints(d);
  REQUIRE(all.size() == 4);
  CHECK(all[0].path == d + "/checkpoint_epoch_10000_step_10001.ckpt");
  CHECK(all[1].path == d + "/checkpoint_epoch_10000.ckpt");
  CHECK(all[2].path == d + "/checkpoint_epoch_0010_step_0002.ckpt");
  CHECK(all[3].path == d + "/checkpoint_epoch_0009.ckpt");
}

TEST_CASE("stale temporaries: only a dead writer's, only of the run's own files") {
  const std::string d = fresh_dir("temporaries");
  const pid_t child = fork();  // a process that has certainly ended: its pid is free after waitpid
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string dead = std::to_string(child), live = std::to_string(::getpid());
  const std::string dead_own = "losses.csv.tmp." + dead + ".Ab12Cd", live_own = "losses.csv.tmp." + live + ".Ab12Cd";
  const std::string users = "notes.txt.tmp." + dead + ".Ab12Cd", old_style = "losses.csv.tmp.Ab12Cd", plain = "losses.csv";
  for (const auto& f : {dead_own, live_own, users, old_style, plain}) write_bytes(d + "/" + f, "x");
  const int removed = remove_stale_temporaries(d, [](const std::string& n) { return n == "losses.csv"; });
  CHECK(removed == 1);
  CHECK_FALSE(exists(d + "/" + dead_own));
  for (const auto& kept : {live_own, users, old_style, plain}) {
    CAPTURE(kept);
    CHECK(exists(d + "/" + kept));
  }
  // write_file_atomic's temporaries carry the writer's pid
  std::string target;
  long pid = 0;
  CHECK((parse_temporary_name("a.png.tmp.123.xYz789", &target, &pid) && target == "a.png" && pid == 123));
  CHECK_FALSE(parse_temporary_name("a.png.tmp.xYz789", &target, &pid));
}

TEST_CASE("the folder lock: a second holder is refused, naming the first; released with its holder") {
  const std::string d = fresh_dir("lock");
  {
    RunFolderLock first(d);
    const std::string err = error_of([&] { RunFolderLock second(d); });
    CHECK(err.find("output folder " + d + " is in use by another training run") != std::string::npos);
    CHECK(err.find("process " + std::to_string(::getpid())) != std::string::npos);
  }
  CHECK(error_of([&] { RunFolderLock again(d); }).empty());
}

TEST_CASE("settings differences are said with both values, exactly") {
  CHECK(exact_number(1e-7) == "1e-07");
  CHECK(exact_number(0.1 + 0.2) == "0.30000000000000004");
  DcganConfig a, b;
  CHECK(dcgan_settings_differences(a, b).empty());
  CHECK(describe(dcgan_settings_differences(a, b)).empty());
  b.learning_rate = 1e-7;
  b.seed = 18446744073709551615ull;
  // The library names settings; D's learning rate follows G's unless it is set (TTUR), so a
  // change of the one learning rate is said once.
  CHECK(describe(dcgan_settings_differences(a, b), dcgan_setting_name) ==
        "seed 0 in the checkpoint, 18446744073709551615 now, learning rate 0.0001 in the checkpoint, 1e-07 now");
  CHECK(describe(dcgan_settings_differences(a, b)).find("generator learning rate 0.0001 in the checkpoint, 1e-07 now") != std::string::npos);
  CHECK(describe(dcgan_settings_differences(a, b)).find("discriminator learning rate") == std::string::npos);
  a.discriminator_learning_rate = 4e-4;
  CHECK(describe(dcgan_settings_differences(a, b)).find("discriminator learning rate 0.0004 in the checkpoint, 1e-07 now") != std::string::npos);
  a.discriminator_learning_rate = 0;
  // A program says them as its flags, or leaves one unsaid.
  const auto flag = [](const std::string& s) { return s == "seed" ? std::string() : "--" + dcgan_setting_name(s); };
  CHECK(describe(dcgan_settings_differences(a, b), flag) == "--learning rate 0.0001 in the checkpoint, 1e-07 now");
}

TEST_CASE("gzip: members one after another are read; trailing garbage and a damaged member are refused") {
  const std::string d = fresh_dir("gzip");
  const std::string whole = labels_idx(5000);
  write_bytes(d + "/one.gz", gzip_member(whole));
  write_bytes(d + "/two.gz", gzip_member(whole.substr(0, 1234)) + gzip_member(whole.substr(1234)));
  CHECK(read_idx(d + "/one.gz", 1).bytes.size() == 5000);
  CHECK(read_idx(d + "/two.gz", 1).bytes == read_idx(d + "/one.gz", 1).bytes);

  write_bytes(d + "/trailing.gz", gzip_member(whole) + "GARBAGE");
  CHECK(error_of([&] { read_idx(d + "/trailing.gz", 1); }).find("trailing garbage") != std::string::npos);
  write_bytes(d + "/trailing1.gz", gzip_member(whole) + "G");
  CHECK(error_of([&] { read_idx(d + "/trailing1.gz", 1); }).find("trailing garbage") != std::string::npos);

  std::string second = gzip_member(whole.substr(1234));
  second[0] = 0x1e;  // a damaged second member's magic number
  write_bytes(d + "/bad_magic.gz", gzip_member(whole.substr(0, 1234)) + second);
  CHECK(error_of([&] { read_idx(d + "/bad_magic.gz", 1); }).find(d + "/bad_magic.gz") == 0);
  second = gzip_member(whole.substr(1234));
  second[second.size() / 2] ^= 0x55;  // damaged compressed data in the second member
  write_bytes(d + "/bad_body.gz", gzip_member(whole.substr(0, 1234)) + second);
  CHECK(error_of([&] { read_idx(d + "/bad_body.gz", 1); }).find(d + "/bad_body.gz") == 0);
  const std::string one = gzip_member(whole);
  write_bytes(d + "/truncated.gz", one.substr(0, one.size() - 3));
  CHECK(error_of([&] { read_idx(d + "/truncated.gz", 1); }).find("truncated") != std::string::npos);
}

TEST_CASE("readers refuse what is not a regular file, at once, and say why") {
  const std::string d = fresh_dir("not_regular");
  REQUIRE(::mkfifo((d + "/fifo").c_str(), 0644) == 0);  // opening it for reading as a file would block
  CHECK(error_of([&] { read_file(d + "/fifo"); }) == d + "/fifo: not a regular file (a pipe)");
  CHECK(error_of([&] { read_idx(d + "/fifo", 1); }) == d + "/fifo: not a regular file (a pipe)");
  CHECK(error_of([&] { read_file(d); }) == d + ": not a regular file (a folder)");
  REQUIRE(::symlink((d + "/loop_b").c_str(), (d + "/loop_a").c_str()) == 0);
  REQUIRE(::symlink((d + "/loop_a").c_str(), (d + "/loop_b").c_str()) == 0);
  CHECK(error_of([&] { read_idx(d + "/loop_a", 1); }).find("symlink loop") != std::string::npos);
  // load_mnist: a file that exists but can't be opened is not "cannot find"
  REQUIRE(::symlink((d + "/loop_b").c_str(), (d + "/train-images-idx3-ubyte.gz").c_str()) == 0);
  write_bytes(d + "/train-labels-idx1-ubyte", labels_idx(10));
  const std::string err = error_of([&] { load_mnist(d, "train"); });
  CHECK(err.find("symlink loop") != std::string::npos);
  CHECK(err.find("cannot find") == std::string::npos);
  // the library's advice names no program's flag; a program says how it is pointed elsewhere
  CHECK(err.find("(point the data folder at an MNIST folder;") != std::string::npos);
  CHECK(error_of([&] { load_mnist(d + "/none", "train", 28, 28, "--images"); }).find("(point --images at an MNIST folder;") != std::string::npos);
}
