// The run report (ganlite/report/run_report.hpp): its data as JSON, escaping that keeps the page
// whole, the ETA, and a page that needs nothing from outside itself. What a browser shows is
// checked by tests/browser/check_report.py (CTest: report_in_browser).
#include <doctest/doctest.h>

#include <cmath>
#include <ganlite/report/run_report.hpp>
#include <string>

using namespace ganlite;

namespace {
int count_of(const std::string& s, const std::string& what) {
  int n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}
RunReport sample_report() {
  RunReport r;
  r.title = "run </script><b>\"quoted\" \\ & more";
  r.settings = {{"seed", "7"}, {"command", "mnist_dcgan --out 'x</script>'"}};
  r.epochs_done = 2, r.epochs_total = 4, r.steps_per_epoch = 3;
  r.epoch_seconds = {10, 12};
  r.grids = {{1, "image_at_epoch_0001.png"}, {2, "image_at_epoch_0002.png"}};
  r.links = {{"losses.csv", "losses.csv"}};
  r.steps = {{1, 1, {0.5f, 0.7f, 0.6f, 0.4f}}, {1, 2, {std::nanf(""), 0.7f, 0.6f, 0.4f}}};
  r.charts = {{"loss", "Losses", {{"D loss", "#d62728", 0}, {"G </script>", "#1f77b4", 1}}}};
  return r;
}
}  // namespace

TEST_CASE("report JSON: a column per figure, the charts of them, NaN as null, strings that can't close the script") {
  const std::string j = run_report_json(sample_report());
  CHECK(j.find("\"epoch\":[1,1]") != std::string::npos);
  CHECK(j.find("\"step\":[1,2]") != std::string::npos);
  CHECK(j.find("\"values\":[[0.5,null],[0.7,0.7],[0.6,0.6],[0.4,0.4]]") != std::string::npos);  // a column per figure
  CHECK(j.find("\"charts\":[{\"id\":\"loss\",\"title\":\"Losses\",\"curves\":[[\"D loss\",\"#d62728\",0],") != std::string::npos);
  CHECK(j.find("\"grids\":[[1,\"image_at_epoch_0001.png\"],[2,\"image_at_epoch_0002.png\"]]") != std::string::npos);
  CHECK(j.find('<') == std::string::npos);  // "<" is \u003c: no "</script>" can end the page's script
  CHECK(j.find("\\u003c/script\\u003e") != std::string::npos);
  CHECK(j.find("\\\"quoted\\\" \\\\ \\u0026") != std::string::npos);
  CHECK(j.find("\"state\":\"running\"") != std::string::npos);
}

TEST_CASE("report ETA: the epochs left at the median epoch time, none once the run has ended") {
  RunReport r = sample_report();
  r.epoch_seconds = {10, 100, 12};  // one slow epoch does not move the median
  r.epochs_done = 3, r.epochs_total = 5, r.steps_per_epoch = 10, r.steps_into_epoch = 5;
  CHECK(run_report_eta(r) == doctest::Approx(1.5 * 12));
  r.state = RunState::Finished;
  CHECK(run_report_eta(r) < 0);
  r.state = RunState::Running;
  r.epoch_seconds.clear();  // nothing to go by before the first epoch ends
  CHECK(run_report_eta(r) < 0);
}

TEST_CASE("report page: self-contained, one script, the data and title put in") {
  const std::string page = run_report_html(sample_report());
  CHECK(page.find("@RUN_JSON@") == std::string::npos);
  CHECK(page.find("@TITLE@") == std::string::npos);
  CHECK(page.find("<title>run &lt;/script&gt;&lt;b&gt;\"quoted\" \\ &amp; more</title>") != std::string::npos);
  CHECK(count_of(page, "<script") == 1);
  CHECK(count_of(page, "</script>") == 1);
  // Nothing from outside: no link, import, fetch or address but the SVG namespace name.
  CHECK(count_of(page, "http") == count_of(page, "http://www.w3.org/2000/svg"));
  for (const char* outside : {"<link", "@import", "fetch(", "XMLHttpRequest", "src=\"//", "url("}) {
    CAPTURE(outside);
    CHECK(page.find(outside) == std::string::npos);
  }
  CHECK(page.find("setTimeout(() => location.reload(), 30000)") != std::string::npos);
}
