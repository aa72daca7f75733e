// examples/mnist_dcgan/run_setup.hpp — before the first step: the output folder made ready for
// this run alone, and on --resume the checkpoint that continues exactly this run.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_folder.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "options.hpp"

namespace mnist_dcgan {

using namespace ganlite;

// The files a training run writes into --out, by their exact names.
inline bool is_run_output(const std::string& name) {
  long e = 0, s = 0;
  if (parse_checkpoint_name(name, &e, &s)) return true;
  if (parse_numbered_name(name, "image_at_epoch_", ".png", &e)) return true;
  for (const char* f : {"losses.csv", "losses.svg", "training.gif", "index.html"})
    if (name == f) return true;
  return false;
}

inline void make_dirs(const std::string& path) {
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

// The run outputs already in dir (names only, sorted), the lock file aside.
inline std::vector<std::string> run_outputs_in(const std::string& dir) {
  std::vector<std::string> found;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (is_run_output(e->d_name)) found.push_back(e->d_name);
    closedir(d);
  }
  std::sort(found.begin(), found.end());
  return found;
}

// A fresh run (no --resume) needs a folder without another run's files, or --restart, which
// deletes those files (by their exact names; nothing else in the folder is touched).
inline void prepare_fresh_folder(const TrainOptions& o) {
  const std::vector<std::string> old = run_outputs_in(o.out_dir);
  const bool only_page = old.size() == 1 && old[0] == "index.html";  // a run stopped before its first epoch
  if (old.empty() || only_page) return;
  if (o.restart) {
    for (const auto& f : old) ::unlink((o.out_dir + "/" + f).c_str());
    std::printf("--restart: removed %zu files of the earlier run in %s\n", old.size(), o.out_dir.c_str());
    return;
  }
  const std::vector<CheckpointFile> ckpts = find_checkpoints(o.out_dir);
  std::string example = ckpts.empty() ? old.front() : ckpts.front().path.substr(o.out_dir.size() + 1);
  throw UsageError("output folder " + o.out_dir + " already holds another run's files (" + std::to_string(old.size()) + ", e.g. " + example +
                   "): continue that run with --resume, choose another --out, or start over with --restart (deletes them)");
}

// The fingerprint of the training files: CRC32 of the images' bytes and of the labels'.
inline std::uint64_t data_fingerprint(const IdxDataset& ds) {
  return (static_cast<std::uint64_t>(crc32_of(ds.pixels.data(), ds.pixels.size())) << 32) | crc32_of(ds.labels.data(), ds.labels.size());
}

// Refuses to resume a checkpoint of other settings or other data (both values said in full), or
// one whose position this data can't have.
inline void check_resume_matches(const std::string& ckpt, const detail::CheckpointHeader& h, const DcganConfig& now, int images,
                                 std::uint64_t fingerprint, int steps) {
  const std::string differs = settings_difference(h.config, now);
  if (!differs.empty()) throw UsageError(ckpt + ": was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");
  if (h.data_images != 0 && h.data_images != static_cast<std::uint32_t>(images))
    throw UsageError(ckpt + ": was trained on " + std::to_string(h.data_images) + " images, this run has " + std::to_string(images) +
                     " (--limit and --data must be the checkpoint's)");
  if (h.data_fingerprint != 0 && h.data_fingerprint != fingerprint) {
    char a[24], b[24];
    std::snprintf(a, sizeof a, "%016llx", static_cast<unsigned long long>(h.data_fingerprint));
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(fingerprint));
    throw UsageError(ckpt + ": was trained on other training files (fingerprint " + a + ", this --data has " + b +
                     "); resume with the checkpoint's --data");
  }
  if (h.step_in_epoch >= static_cast<std::uint32_t>(steps))
    throw IoError(ckpt + ": its position, step " + std::to_string(h.step_in_epoch) + " of epoch " + std::to_string(h.epoch + 1) +
                  ", is past the " + std::to_string(steps) + " steps an epoch has with this data and batch");
}

}  // namespace mnist_dcgan
