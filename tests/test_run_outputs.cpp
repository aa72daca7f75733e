// The library's parts behind the run-folder rules, without running a program: authorship marks,
// prepare_run_folder, check_can_write, pairs written whole, the stop signals and their last
// words, the processes' agreement, and an allocation that fails saying its size.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ganlite/dist/agreement.hpp>
#include <ganlite/io/authorship.hpp>
#include <ganlite/io/base64.hpp>
#include <ganlite/io/gif.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/io/svg_plot.hpp>
#include <ganlite/report/run_report.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_outputs.hpp>
#include <ganlite/train/stop_signal.hpp>
#include <string>

#include "error_of.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {
const std::string kWork = GANLITE_TEST_WORK_DIR;

std::string fresh_dir(const std::string& name) { return fresh_work_dir(kWork, name); }
bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
int files_in(const std::string& dir) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

RunOutputs test_outputs() {
  RunOutputs o;
  o.names = {"index.html", "log.csv"};
  o.numbered = {{"grid_", ".png"}};
  o.fresh_may_replace = {"index.html"};
  o.signatures = {"step,loss\n"};
  return o;
}
}  // namespace

TEST_CASE("every kind of file ganlite writes carries its mark; nothing else is taken for one") {
  const std::string d = fresh_dir("marks");
  GrayImage img{4, 3, std::vector<std::uint8_t>(12, 200)};
  write_png(d + "/a.png", img);
  write_gif(d + "/a.gif", {img, img});
  write_file_atomic(d + "/a.svg", svg_line_chart({{"s", "#000", {1, 2, 3}}}, "t", "x", 1));
  write_run_report(d + "/index.html", RunReport{});
  DcganTrainer t(DcganConfig{});
  save_checkpoint(t, d + "/c.ckpt");
  for (const char* f : {"a.png", "a.gif", "a.svg", "index.html", "c.ckpt"}) {
    CAPTURE(f);
    CHECK(written_by_ganlite(d + "/" + f));
  }
  // The PNG is still a PNG that reads back the same.
  const GrayImage back = read_image_gray(d + "/a.png");
  CHECK(back.pixels == img.pixels);
  std::string why;
  write_file_atomic(d + "/user.html", "<html>mine</html>");
  CHECK_FALSE(written_by_ganlite(d + "/user.html", {}, &why));
  CHECK(why == "it carries no mark of ganlite");
  CHECK(written_by_ganlite(d + "/user.html", {"<html>mine"}));  // a signature the caller adds
  REQUIRE(::mkfifo((d + "/pipe").c_str(), 0644) == 0);
  CHECK_FALSE(written_by_ganlite(d + "/pipe", {}, &why));  // refused without waiting on it
  CHECK(why == d + "/pipe: not a regular file (a pipe)");
  CHECK_FALSE(written_by_ganlite(d, {}, &why));
  CHECK(why == d + ": not a regular file (a folder)");
}

TEST_CASE("prepare_run_folder: a fresh run, a restart and a resume touch only what the run can prove it wrote") {
  const RunOutputs o = test_outputs();
  const std::string d = fresh_dir("prepare");
  CHECK(prepare_run_folder(d, o, FolderStart::Fresh).empty());  // empty: nothing to do
  write_file_atomic(d + "/notes.txt", "not an output");            // not a name the run writes: never looked at
  write_file_atomic(d + "/index.html", "<p>mine</p>");
  for (FolderStart s : {FolderStart::Fresh, FolderStart::Restart, FolderStart::Resume}) {
    CHECK(error_of([&] { prepare_run_folder(d, o, s); }) ==
          d + "/index.html is not a file a ganlite run wrote (it carries no mark of ganlite), and this run would " +
              (s == FolderStart::Restart ? "delete" : "overwrite") + " it: move it away, or choose another folder");
  }
  write_run_report(d + "/index.html", RunReport{});  // a page of ours alone: a fresh run replaces it
  CHECK(prepare_run_folder(d, o, FolderStart::Fresh).empty());
  write_file_atomic(d + "/log.csv", "step,loss\n1,0.5\n");
  GrayImage img{2, 2, std::vector<std::uint8_t>(4, 0)};
  write_png(d + "/grid_7.png", img);
  DcganTrainer t(DcganConfig{});
  save_checkpoint(t, checkpoint_path(d, 1));
  CHECK(error_of([&] { prepare_run_folder(d, o, FolderStart::Fresh); }) ==
        "output folder " + d + " already holds another run's files (4, e.g. checkpoint_epoch_0001.ckpt)");
  CHECK(prepare_run_folder(d, o, FolderStart::Resume).empty());
  write_png(d + "/grid_8.png", img);
  write_file_atomic(d + "/grid_9.png", "a user's picture");
  CHECK(prepare_run_folder(d, o, FolderStart::Resume).empty());  // a resume rewrites only `names`
  CHECK(error_of([&] { prepare_run_folder(d, o, FolderStart::Restart); }).find(d + "/grid_9.png is not a file") == 0);
  CHECK(files_in(d) == 7);  // nothing deleted while anything stands in the way
  ::unlink((d + "/grid_9.png").c_str());
  const std::vector<std::string> removed = prepare_run_folder(d, o, FolderStart::Restart);
  CHECK(removed == std::vector<std::string>{"checkpoint_epoch_0001.ckpt", "grid_7.png", "grid_8.png", "index.html", "log.csv"});
  CHECK(files_in(d) == 1);
  CHECK(exists(d + "/notes.txt"));
}

TEST_CASE("what will be written is checked before any work: check_can_write and the run's longest name") {
  const std::string d = fresh_dir("can_write");
  check_can_write(d + "/ok.png");
  CHECK(files_in(d) == 0);  // the probe leaves nothing
  CHECK(error_of([&] { check_can_write("/missing/folder/x.png"); }) == "cannot write /missing/folder/x.png: No such file or directory");
  CHECK(error_of([&] { check_can_write(d); }) == "cannot write " + d + ": it is a folder");
  CHECK(error_of([&] { check_can_write(d + "/sub/"); }) == "cannot write " + d + "/sub/: names a folder, not a file");
  CHECK(error_of([&] { check_can_write(d + "/" + std::string(250, 'n')); }).find("File name too long") != std::string::npos);
  RunOutputs o;
  o.names = {std::string(240, 'n')};  // a run whose own names can't be made here
  CHECK(error_of([&] { prepare_run_folder(d, o, FolderStart::Fresh); }).find("File name too long") != std::string::npos);
  CHECK(files_in(d) == 0);
}

TEST_CASE("files that belong together are written whole, or none of them") {
  const std::string d = fresh_dir("pair");
  write_files_atomic({{d + "/a.idx", "images"}, {d + "/a-labels.idx", "labels"}});
  CHECK(read_file(d + "/a.idx") == "images");
  CHECK(read_file(d + "/a-labels.idx") == "labels");
  REQUIRE(::mkdir((d + "/b-labels.idx").c_str(), 0755) == 0);  // the second can't be put in place
  CHECK(error_of([&] { write_files_atomic({{d + "/b.idx", "images"}, {d + "/b-labels.idx", "labels"}}); }).find("cannot write " + d + "/b-labels.idx") == 0);
  CHECK_FALSE(exists(d + "/b.idx"));
  CHECK(files_in(d) == 3);  // a.idx, a-labels.idx, the folder: no temporary left
  CHECK(error_of([&] { write_files_atomic({{d + "/c.idx", "x"}, {"/missing/c-labels.idx", "y"}}); }).find("cannot write /missing/c-labels.idx") == 0);
  CHECK_FALSE(exists(d + "/c.idx"));
}

TEST_CASE("base64: RFC 4648's test vectors, and every byte value survives") {
  const char* vectors[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& v : vectors) CHECK(base64_encode(v[0]) == v[1]);
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string e = base64_encode(all);
  CHECK(e.size() == 344);  // 256 bytes: 85 groups of three, one byte left, padded
  CHECK(e.substr(0, 8) == "AAECAwQF");
  CHECK(e.substr(e.size() - 8) == "/P3+/w==");
}

TEST_CASE("SIGHUP asks for a stop like SIGINT; a second signal writes the last words and ends the process") {
  const std::string d = fresh_dir("signals");
  pid_t pid = fork();
  if (pid == 0) {
    StopOnSignal stop;
    ::raise(SIGHUP);
    _exit(stop.requested() && stop.signal_number() == SIGHUP ? 0 : 3);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0));
  write_file_atomic(d + "/page.html", "running");
  pid = fork();
  if (pid == 0) {
    StopOnSignal stop;
    stop.on_forced_exit(d + "/page.html", "old words");
    stop.on_forced_exit(d + "/page.html", "ended by a second signal");  // the newest request wins
    ::raise(SIGTERM);
    ::raise(SIGTERM);
    _exit(0);  // not reached: the second signal ends the process
  }
  waitpid(pid, &st, 0);
  CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM));
  CHECK(read_file(d + "/page.html") == "ended by a second signal");
  CHECK(files_in(d) == 1);  // no temporary left
}

TEST_CASE("one process always agrees with itself") {
  SingleProcess one;
  CHECK(processes_disagree(one, {{"--epochs", "3"}, {"--batch", "64"}}).empty());
}

#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer ends the process on an impossible allocation instead of failing it
TEST_CASE("an allocation that fails says how large it was") {
  CHECK(error_of([] { Tensor<float> t({1 << 30, 1 << 30}); }) == "out of memory: could not allocate 4611686018427.4 MB for a tensor");
  try {
    Tensor<float> t({1 << 30, 1 << 30});
  } catch (const std::bad_alloc& e) {  // still a bad_alloc to those who catch one
    CHECK(std::string(e.what()).find("could not allocate") != std::string::npos);
  }
}
#endif
