// ganlite/train/run_outputs.hpp — the files a training run writes into its folder, and the rules
// every program that writes a run folder follows before its first step:
//
//   - a file is the run's to overwrite or delete only if it can be proven ganlite wrote it
//     (written_by_ganlite, io/authorship.hpp: the mark inside it); a user's own index.html, or
//     a FIFO named losses.csv, is never overwritten, deleted or opened for reading — the run is
//     refused, naming the file;
//   - a fresh run refuses a folder that holds another run's files (start_fresh), unless asked to
//     restart, which deletes exactly those files;
//   - a resumed run may rewrite the files every epoch rewrites (its `names`), so those must be
//     the run's too; its checkpoints are judged by the resume itself (a damaged one is skipped);
//   - the longest name the run will write fits the folder (checked by making and removing a
//     temporary of that length), so "File name too long" never comes after an epoch of training.
// Call with the folder's RunFolderLock held (run_folder.hpp).
#pragma once
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../io/authorship.hpp"
#include "run_folder.hpp"

namespace ganlite {

// A request about a run folder that is refused as given (a usage error, not a failure).
struct RunFolderRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A fresh run in a folder that holds another run's files: `files` of them, e.g. `example`. The
// program says how its user continues that run, or starts over.
struct RunFolderHoldsAnotherRun : RunFolderRefused {
  RunFolderHoldsAnotherRun(const std::string& dir, std::size_t files, const std::string& example)
      : RunFolderRefused("output folder " + dir + " already holds another run's files (" + std::to_string(files) + ", e.g. " + example + ")"),
        files(files), example(example) {}
  std::size_t files;
  std::string example;
};

struct RunOutputs {
  std::vector<std::string> names;  // exact names, rewritten as the run goes (losses.csv, index.html)
  std::vector<std::pair<std::string, std::string>> numbered;  // head and tail around a number: {"image_at_epoch_", ".png"}
  bool checkpoints = true;          // checkpoint_epoch_E[_step_S].ckpt
  std::vector<std::string> fresh_may_replace;  // outputs a fresh run may overwrite without --restart (a page of a run stopped at once)
  std::vector<std::string> signatures;         // more proof of authorship: text only this run's files hold (a CSV header)

  bool is_output(const std::string& name) const {
    long a = 0, b = 0;
    if (checkpoints && parse_checkpoint_name(name, &a, &b)) return true;
    for (const auto& [head, tail] : numbered)
      if (parse_numbered_name(name, head, tail, &a)) return true;
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  // The longest file name the run writes, with write_file_atomic's temporary suffix.
  std::size_t longest_name() const {
    std::size_t n = checkpoints ? std::strlen("checkpoint_epoch_000000000_step_000000000.ckpt") : 0;
    for (const auto& f : names) n = std::max(n, f.size());
    for (const auto& [head, tail] : numbered) n = std::max(n, head.size() + 9 + tail.size());
    return n + std::strlen(".tmp.") + 10 + std::strlen(".XXXXXX");
  }
};

// Makes the folder and its parents as needed; then it must be a writable folder. Said at once,
// not after an epoch.
inline void make_run_folder(const std::string& path) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/') cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    cur += part + "/";
    if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) throw IoError("cannot create folder " + cur + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw IoError("output folder " + path + " is not a folder");
  if (::access(path.c_str(), W_OK) != 0) throw IoError("output folder " + path + " is not writable: " + std::strerror(errno));
}

// The outputs already in dir (names, sorted).
inline std::vector<std::string> run_outputs_in(const std::string& dir, const RunOutputs& outputs) {
  std::vector<std::string> found;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (outputs.is_output(e->d_name)) found.push_back(e->d_name);
    closedir(d);
  }
  std::sort(found.begin(), found.end());
  return found;
}

enum class FolderStart { Fresh, Restart, Resume };

namespace detail {
// Refuses the first of `names` in dir that ganlite can't be shown to have written.
inline void require_own_files(const std::string& dir, const RunOutputs& outputs, const std::vector<std::string>& names, const char* verb) {
  for (const auto& n : names) {
    std::string why;
    if (!written_by_ganlite(dir + "/" + n, outputs.signatures, &why))
      throw RunFolderRefused(dir + "/" + n + " is not a file a ganlite run wrote (" + why + "), and this run would " + verb +
                             " it: move it away, or choose another folder");
  }
}
// A file of exactly `length` characters' name in dir can be made (and is removed again).
inline void check_name_length(const std::string& dir, std::size_t length) {
  std::string probe = dir + "/.ganlite-probe-" + std::to_string(::getpid()) + "-";
  const std::size_t want = dir.size() + 1 + length;
  if (probe.size() + 6 < want) probe.append(want - probe.size() - 6, 'x');
  probe += "XXXXXX";
  const int fd = mkstemp(probe.data());
  if (fd < 0)
    throw IoError("cannot write the run's files into " + dir + " (a name of " + std::to_string(length) + " characters there: " +
                  std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(probe.c_str());
}
}  // namespace detail

// Makes dir ready for a run that starts as `start`; returns the files a restart deleted.
// RunFolderRefused names what stands in the way; IoError what could not be done.
inline std::vector<std::string> prepare_run_folder(const std::string& dir, const RunOutputs& outputs, FolderStart start) {
  detail::check_name_length(dir, outputs.longest_name());
  const std::vector<std::string> found = run_outputs_in(dir, outputs);
  if (start == FolderStart::Resume) {
    std::vector<std::string> rewritten;
    for (const auto& n : found)
      if (std::find(outputs.names.begin(), outputs.names.end(), n) != outputs.names.end()) rewritten.push_back(n);
    detail::require_own_files(dir, outputs, rewritten, "overwrite");
    return {};
  }
  detail::require_own_files(dir, outputs, found, start == FolderStart::Restart ? "delete" : "overwrite");
  const bool replaceable = std::all_of(found.begin(), found.end(), [&](const std::string& n) {
    return std::find(outputs.fresh_may_replace.begin(), outputs.fresh_may_replace.end(), n) != outputs.fresh_may_replace.end();
  });
  if (replaceable) return {};
  if (start == FolderStart::Restart) {
    for (const auto& f : found) ::unlink((dir + "/" + f).c_str());
    return found;
  }
  const std::vector<CheckpointFile> ckpts = find_checkpoints(dir);
  const std::string example = ckpts.empty() ? found.front() : ckpts.front().path.substr(dir.size() + 1);
  throw RunFolderHoldsAnotherRun(dir, found.size(), example);
}

}  // namespace ganlite
