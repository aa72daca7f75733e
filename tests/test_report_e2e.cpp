// End to end: the index.html that mnist_dcgan writes into --out — after every epoch while it
// runs, at a signal stop, at the end and on failure — and that a resumed run continues.
// (What a browser shows of it: tests/browser/check_report.py.)
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "e2e_util.hpp"

using namespace e2e::dcgan;

namespace {

// 640 images in steps of 64: 10 steps an epoch.
const std::string kRun = " --limit 640 --batch 64 --threads 2 --seed 5 --checkpoint-every 1 ";

std::string page(const std::string& dir) { return e2e::slurp(dir + "/index.html"); }

// The text of the JSON value after "key": in the page (a number, a string or a [...] array).
std::string value_of(const std::string& html, const std::string& key) {
  const std::size_t at = html.find("\"" + key + "\":");
  if (at == std::string::npos) return "";
  std::size_t b = at + key.size() + 3, e = b;
  if (html[b] == '[') {
    for (int depth = 0; e < html.size(); ++e) {
      depth += html[e] == '[' ? 1 : html[e] == ']' ? -1 : 0;
      if (depth == 0) break;
    }
    return html.substr(b, e - b + 1);
  }
  if (html[b] == '"') return html.substr(b + 1, html.find('"', b + 1) - b - 1);
  while (e < html.size() && html[e] != ',' && html[e] != '}') ++e;
  return html.substr(b, e - b);
}

int items(const std::string& array) {  // entries of a flat JSON array
  if (array.size() <= 2) return 0;
  int n = 1;
  for (char c : array) n += c == ',';
  return n;
}




}  // namespace

TEST_CASE("while training, index.html shows the run going, with its epochs, timing and settings") {
  const std::string out = fresh_dir("running");
  const pid_t pid = spawn("--data " + e2e::mnist_dir() + " --out " + out + kRun + "--epochs 6", out + "/log");
  REQUIRE(wait_for_text(out + "/log", "Time for epoch 1 is", 120));
  kill(pid, SIGSTOP);  // hold it while the page is read
  const std::string html = page(out);
  kill(pid, SIGCONT);
  CHECK(value_of(html, "state") == "running");
  const int done = std::atoi(value_of(html, "epochsDone").c_str());
  CHECK(done >= 1);
  CHECK(done < 6);
  CHECK(value_of(html, "epochsTotal") == "6");
  CHECK(items(value_of(html, "epochSeconds")) == done);
  CHECK(std::atof(value_of(html, "eta").c_str()) > 0);
  CHECK(value_of(html, "stepsPerEpoch") == "10");
  CHECK(html.find("[\"seed\",\"5\"]") != std::string::npos);
  CHECK(html.find("[\"GEMM kernel\",") != std::string::npos);
  CHECK(html.find("[\"program\",\"mnist_dcgan, ganlite ") != std::string::npos);
  kill(pid, SIGTERM);
  CHECK(wait_status(pid) == 128 + SIGTERM);
  CHECK(value_of(page(out), "state") == "stopped");
}

TEST_CASE("a signal stop says so on the page; the resumed run continues the same page to the end") {
  const std::string ref = fresh_dir("report_ref"), out = fresh_dir("report_resumed");
  REQUIRE(run("--data " + e2e::mnist_dir() + " --out " + ref + kRun + "--epochs 3", ref + "/log") == 0);
  const std::string whole = page(ref);
  CHECK(value_of(whole, "state") == "finished");
  CHECK(value_of(whole, "epochsDone") == "3");
  CHECK(items(value_of(whole, "epoch")) == 30);  // one entry per step
  CHECK(items(value_of(whole, "grids")) == 2 * 3);  // [epoch, file] for each epoch
  for (const char* link : {"\"losses.csv\"", "\"training.gif\"", "\"checkpoint_epoch_0003.ckpt\""}) {
    CAPTURE(link);
    CHECK(value_of(whole, "links").find(link) != std::string::npos);
  }

  const pid_t pid = spawn("--data " + e2e::mnist_dir() + " --out " + out + kRun + "--epochs 3", out + "/log1");
  REQUIRE(wait_for_text(out + "/log1", "Time for epoch 1 is", 120));
  kill(pid, SIGINT);
  CHECK(wait_status(pid) == 130);
  const std::string stopped = page(out);
  CHECK(value_of(stopped, "state") == "stopped");
  CHECK(value_of(stopped, "stateDetail").find("by signal 2") != std::string::npos);
  CHECK(value_of(stopped, "stateDetail").find("--resume") != std::string::npos);

  REQUIRE(run("--data " + e2e::mnist_dir() + " --out " + out + kRun + "--epochs 3 --resume", out + "/log2") == 0);
  const std::string resumed = page(out);
  CHECK(value_of(resumed, "state") == "finished");
  CHECK(value_of(resumed, "epochsDone") == "3");
  // the curves join: every step once, with the uninterrupted run's numbers
  CHECK(value_of(resumed, "values").substr(0, 2) == "[[");  // a column per figure: d_loss, g_loss, d_real, d_fake
  for (const char* curve : {"epoch", "step", "values"}) {
    CAPTURE(curve);
    CHECK(value_of(resumed, curve) == value_of(whole, curve));
  }
  CHECK(value_of(resumed, "grids") == value_of(whole, "grids"));
}

TEST_CASE("a failed run's page says it failed, with the message") {
  const std::string out = fresh_dir("report_failed");
  const std::string cmd = "GANLITE_FAULT_NAN_AFTER_STEPS=13 " + std::string(GANLITE_FAULTY_MNIST_DCGAN_BINARY) + " --data " + e2e::mnist_dir() + " --out " + out + kRun +
                          "--epochs 3 > " + out + "/log 2>&1";
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 1);
  const std::string html = page(out);
  CHECK(value_of(html, "state") == "failed");
  CHECK(value_of(html, "stateDetail").find("diverged at epoch 2, step 3") != std::string::npos);
  CHECK(value_of(html, "epochsDone") == "1");
}
