// examples/mnist_dcgan/web_page.hpp — `export --html DIR`: a page that draws with the exported
// generator in a browser (the page itself: web_page_html.hpp). Everything it needs is written into
// DIR, so it opens from file:// with no server and loads nothing from the network:
//   DIR/index.html, DIR/generator.js (the model), DIR/ort/ort.wasm.min.js, DIR/ort/runtime.js
// ONNX Runtime Web's files come from its npm package (web/package.json; scripts/install_deps.sh
// installs it): --ort-web, else $GANLITE_ORT_WEB_DIR, else the copy in the source tree.
#pragma once
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <ganlite/io/base64.hpp>
#include <ganlite/io/binary_file.hpp>
#include <ganlite/report/run_report.hpp>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "options.hpp"
#include "web_page_html.hpp"

namespace mnist_dcgan {

// What the page says about the generator it draws with.
struct WebPageModel {
  std::string onnx;        // the serialized ONNX model
  std::string checkpoint;  // as given to export
  std::string options;     // the options that chose the generator, e.g. " --raw-generator"
  std::string generator;   // "its moving average", "as trained", ...
  int epoch = 0, classes = 0;
  std::vector<std::string> class_names;
};

// The npm package's folder: the one given, else $GANLITE_ORT_WEB_DIR, else the build's default.
inline std::string ort_web_dir(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("GANLITE_ORT_WEB_DIR"); env && *env) return env;
#ifdef GANLITE_ORT_WEB_DEFAULT
  return GANLITE_ORT_WEB_DEFAULT;
#else
  return "web/node_modules/onnxruntime-web";
#endif
}

inline const std::vector<std::string> kOrtWebFiles = {"package.json", "dist/ort.wasm.min.js", "dist/ort-wasm-simd-threaded.mjs",
                                                      "dist/ort-wasm-simd-threaded.wasm"};

// One of the package's files (kOrtWebFiles): its path, after checking it is there.
inline std::string ort_web_path(const std::string& package, const std::string& name) {
  const std::string path = package + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw std::runtime_error("export --html: ONNX Runtime Web's " + name + " is not in " + package +
                             " (install it with scripts/install_deps.sh, or `npm ci --ignore-scripts` in web/; or name its folder with "
                             "--ort-web DIR or GANLITE_ORT_WEB_DIR)");
  return path;
}

// Says before any work whether the page can be written: ONNX Runtime Web's files are there, and
// dir is a folder that takes files (or one that can be made).
inline void check_can_write_page(const std::string& dir, const std::string& ort_web) {
  for (const auto& name : kOrtWebFiles) ort_web_path(ort_web_dir(ort_web), name);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    ganlite::check_can_write(dir);  // its parent takes a new entry of that name
  } else {
    if (!S_ISDIR(st.st_mode)) throw ganlite::IoError("cannot write the page into " + dir + ": it is not a folder");
    ganlite::check_can_write(dir + "/index.html");
  }
}

inline void make_folder(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw ganlite::IoError("cannot make the folder " + dir + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw ganlite::IoError("cannot write the page into " + dir + ": it is not a folder");
}

// Writes the page's four files into dir (made if missing), all of them or none.
inline void write_web_page(const std::string& dir, const WebPageModel& m, const std::string& ort_package) {
  const std::string version = [&] {  // the package's own version, for the page to say
    std::smatch v;
    const std::string json = ganlite::read_file(ort_web_path(ort_package, "package.json"));
    return std::regex_search(json, v, std::regex("\"version\"\\s*:\\s*\"([^\"]+)\"")) ? v[1].str() : std::string("(version unknown)");
  }();
  const std::string library = ganlite::read_file(ort_web_path(ort_package, kOrtWebFiles[1]));
  const std::string loader = ganlite::read_file(ort_web_path(ort_package, kOrtWebFiles[2]));
  const std::string wasm = ganlite::read_file(ort_web_path(ort_package, kOrtWebFiles[3]));
  using ganlite::detail::json_string;
  std::string names;
  for (const auto& n : m.class_names) names += (names.empty() ? "" : ",") + json_string(n);
  const std::string model = "// The generator drawn by index.html: written by mnist_dcgan export --html.\nwindow.GANLITE_MODEL = {\n  checkpoint: " +
                            json_string(m.checkpoint) + ",\n  options: " + json_string(m.options) + ",\n  generator: " + json_string(m.generator) +
                            ",\n  epoch: " + std::to_string(m.epoch) + ",\n  noiseDim: " + std::to_string(kNoiseDim) + ",\n  classes: " +
                            std::to_string(m.classes) + ",\n  classNames: [" + names + "],\n  onnx: \"" + ganlite::base64_encode(m.onnx) + "\"\n};\n";
  const std::string runtime = "// ONNX Runtime Web " + version + "'s WebAssembly binary and its loader, as a script (which a page opened from "
                              "file:// may run, where it may not fetch a file).\nwindow.ORT_RUNTIME = {\n  version: " + json_string(version) +
                              ",\n  loader: \"" + ganlite::base64_encode(loader) + "\",\n  wasm: \"" + ganlite::base64_encode(wasm) + "\"\n};\n";
  make_folder(dir);
  make_folder(dir + "/ort");
  ganlite::write_files_atomic({{dir + "/generator.js", model},
                               {dir + "/ort/ort.wasm.min.js", library},
                               {dir + "/ort/runtime.js", runtime},
                               {dir + "/index.html", kWebPageHtml}});
}

}  // namespace mnist_dcgan
