// ganlite/train/run_folder.hpp — a training run's output folder: held by one run at a time,
// its checkpoints found by name, and only its own leftovers ever deleted.
//
//   RunFolderLock        an flock() on DIR/.ganlite.lock for the life of the run: the OS drops it
//                        when the process ends, however it ends, so nobody removes it by hand;
//                        a second run on the same folder is refused, naming the first.
//   find_checkpoints     checkpoint_epoch_E.ckpt (after epoch E) and checkpoint_epoch_E_step_S.ckpt
//                        (S steps into epoch E + 1), any number of digits, newest first.
//   remove_stale_temporaries
//                        the NAME.tmp.PID.XXXXXX files that write_file_atomic() of a process
//                        that no longer exists left behind, for NAMEs the run itself writes.
#pragma once
#include <dirent.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../io/binary_file.hpp"

namespace ganlite {

class RunFolderLock {
 public:
  explicit RunFolderLock(const std::string& dir) : path_(dir + "/.ganlite.lock") {
    // Never blocks and never follows a link: a FIFO or a symlink in its place is refused.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw IoError("cannot create the lock file " + path_ + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw IoError("the lock file " + path_ + " is not a regular file; remove it");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      std::string holder = read_holder();
      ::close(fd_);
      if (e == EWOULDBLOCK)
        throw IoError("output folder " + dir + " is in use by another training run (" + holder +
                      "); wait for it to end, stop it, or choose another folder");
      throw IoError("cannot lock " + path_ + ": " + std::strerror(e));
    }
    const std::string me = "process " + std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, me.data(), me.size(), 0);
  }
  ~RunFolderLock() { ::close(fd_); }  // closing drops the lock; the file stays, harmless
  RunFolderLock(const RunFolderLock&) = delete;
  RunFolderLock& operator=(const RunFolderLock&) = delete;

 private:
  // "process PID: its command line", as the holder wrote it and /proc shows it.
  std::string read_holder() const {
    char buf[64] = {};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string who = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "process unknown";
    while (!who.empty() && who.back() == '\n') who.pop_back();
    const std::string pid = who.substr(who.find(' ') + 1);
    std::string cmd;  // /proc files report size 0: read to the end instead of by size
    std::ifstream f("/proc/" + pid + "/cmdline", std::ios::binary);
    std::getline(f, cmd, '\n');
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
    return cmd.empty() ? who : who + ": " + cmd;
  }
  std::string path_;
  int fd_ = -1;
};

struct CheckpointFile {
  std::string path;
  long epoch = 0, step = 0;  // step 0: the end of epoch `epoch`
};

// Reads a decimal number of 1 to 9 digits at name[at], moving `at` past it.
inline bool parse_decimal(const std::string& name, std::size_t& at, long* out) {
  std::size_t end = at;
  while (end < name.size() && end - at < 10 && name[end] >= '0' && name[end] <= '9') ++end;
  if (end == at || end - at > 9) return false;
  *out = std::stol(name.substr(at, end - at));
  at = end;
  return true;
}

// Reads HEAD + number + TAIL (e.g. "image_at_epoch_" 12 ".png"), exactly.
inline bool parse_numbered_name(const std::string& name, const std::string& head, const std::string& tail, long* n) {
  std::size_t at = head.size();
  return name.compare(0, head.size(), head) == 0 && parse_decimal(name, at, n) && name.compare(at, std::string::npos, tail) == 0;
}

// Reads "checkpoint_epoch_E.ckpt" or "checkpoint_epoch_E_step_S.ckpt" (E, S decimal, 1 to 9
// digits each).
inline bool parse_checkpoint_name(const std::string& name, long* epoch, long* step) {
  const std::string head = "checkpoint_epoch_", mid = "_step_", tail = ".ckpt";
  if (name.compare(0, head.size(), head) != 0) return false;
  std::size_t at = head.size();
  *step = 0;
  if (!parse_decimal(name, at, epoch)) return false;
  if (name.compare(at, mid.size(), mid) == 0) {
    at += mid.size();
    if (!parse_decimal(name, at, step)) return false;
  }
  return name.compare(at, std::string::npos, tail) == 0;
}

// DIR/checkpoint_epoch_EEEE.ckpt, or with step > 0 DIR/checkpoint_epoch_EEEE_step_SSSS.ckpt
// (S steps into epoch E + 1): the names parse_checkpoint_name reads.
inline std::string checkpoint_path(const std::string& dir, long epoch, long step = 0) {
  char buf[80];
  if (step > 0)
    std::snprintf(buf, sizeof buf, "/checkpoint_epoch_%04ld_step_%04ld.ckpt", epoch, step);
  else
    std::snprintf(buf, sizeof buf, "/checkpoint_epoch_%04ld.ckpt", epoch);
  return dir + buf;
}

// Every checkpoint name in dir, newest (largest epoch, then step) first.
inline std::vector<CheckpointFile> find_checkpoints(const std::string& dir) {
  std::vector<CheckpointFile> found;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      CheckpointFile c;
      if (parse_checkpoint_name(e->d_name, &c.epoch, &c.step)) {
        c.path = dir + "/" + e->d_name;
        found.push_back(c);
      }
    }
    closedir(d);
  }
  std::sort(found.begin(), found.end(), [](const CheckpointFile& a, const CheckpointFile& b) {
    return a.epoch != b.epoch ? a.epoch > b.epoch : a.step > b.step;
  });
  return found;
}

// The newest checkpoint in dir that read(path) accepts, with what read returned (its settings,
// say). Each newer one that read refuses with an IoError is passed to on_skip with why, and
// skipped. None to read: an IoError naming the folder and every reason.
template <class Read>
auto newest_readable_checkpoint(const std::string& dir, Read read, const std::function<void(const std::string& why)>& on_skip)
    -> std::pair<std::string, decltype(read(std::string()))> {
  const std::vector<CheckpointFile> all = find_checkpoints(dir);
  if (all.empty()) throw IoError("no checkpoint_epoch_N.ckpt in " + dir + " to resume from");
  std::string reasons;
  for (const auto& c : all) {
    try {
      return {c.path, read(c.path)};
    } catch (const IoError& e) {
      if (on_skip) on_skip(e.what());
      reasons += std::string("\n  ") + e.what();
    }
  }
  throw IoError("no usable checkpoint in " + dir + ":" + reasons);
}

// Splits a write_file_atomic() temporary name "NAME.tmp.PID.XXXXXX" into NAME and PID.
inline bool parse_temporary_name(const std::string& name, std::string* target, long* pid) {
  const std::size_t at = name.rfind(".tmp.");
  if (at == std::string::npos || name.size() < at + 5 + 1 + 7) return false;
  const std::string rest = name.substr(at + 5);  // PID.XXXXXX
  const std::size_t dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 9 || rest.size() != dot + 7) return false;
  for (std::size_t i = 0; i < dot; ++i)
    if (rest[i] < '0' || rest[i] > '9') return false;
  *target = name.substr(0, at);
  *pid = std::stol(rest.substr(0, dot));
  return true;
}

inline bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// Deletes the temporaries of files `is_own(NAME)` says the run writes, left by processes that no
// longer exist (a run killed in mid-write). Never anything else: not a user's "x.tmp.abc", not
// the temporary of a live process. Returns how many it removed.
inline int remove_stale_temporaries(const std::string& dir, const std::function<bool(const std::string&)>& is_own) {
  int removed = 0;
  if (DIR* d = opendir(dir.c_str())) {
    std::vector<std::string> doomed;
    while (dirent* e = readdir(d)) {
      std::string target;
      long pid = 0;
      if (parse_temporary_name(e->d_name, &target, &pid) && is_own(target) && !process_alive(pid)) doomed.push_back(e->d_name);
    }
    closedir(d);
    for (const auto& name : doomed) removed += ::unlink((dir + "/" + name).c_str()) == 0;
  }
  return removed;
}

}  // namespace ganlite
