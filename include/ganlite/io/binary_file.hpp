// ganlite/io/binary_file.hpp — bytes in and out of files, safely.
//
// ByteWriter builds a little-endian record in memory; write_file_atomic() puts it on disk through
// a temporary file in the same folder, flushed and fsync'd, then renamed over the target, so a
// crash or a full disk never leaves a half-written file where a good one was. ByteReader parses
// with bounds checks and names the file in every error.
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ganlite {

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline std::uint32_t crc32_of(const void* data, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

class ByteWriter {
 public:
  void bytes(const void* p, std::size_t n) {
    if (n > 0) buf_.append(static_cast<const char*>(p), n);  // p may be null when n is 0 (an empty tensor)
  }
  template <class V> void pod(const V& v) { bytes(&v, sizeof v); }
  void u32(std::uint32_t v) { pod(v); }
  void u64(std::uint64_t v) { pod(v); }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void crc_trailer() { u32(crc32_of(buf_.data(), buf_.size())); }
  const std::string& data() const { return buf_; }

 private:
  std::string buf_;
};

namespace detail {
inline std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}
inline void sync_folder(const std::string& dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {  // make a rename itself durable
    ::fsync(dfd);
    ::close(dfd);
  }
}
// Writes bytes to a new temporary beside path, NAME.tmp.PID.XXXXXX (the PID lets a later run tell
// a dead writer's leftover from a live one's file), fsync'd; returns its name.
inline std::string stage_file(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw IoError("cannot write " + path + ": " + std::strerror(errno));
  auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw IoError("cannot write " + path + " (" + what + "): " + std::strerror(e));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fchmod(fd, 0644) != 0) fail("chmod");
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw IoError("cannot write " + path + " (close): " + std::strerror(e));
  }
  return tmp;
}
}  // namespace detail

inline void write_file_atomic(const std::string& path, const std::string& bytes) {
  const std::string tmp = detail::stage_file(path, bytes);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw IoError("cannot write " + path + " (rename): " + std::strerror(e));
  }
  detail::sync_folder(detail::folder_of(path));
}

// Files that belong together (images and their labels): all are written, or none is. Each is
// staged whole first; only then are they renamed into place, and if a rename fails the ones
// already in place are removed again.
inline void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> staged;
  try {
    for (const auto& [path, bytes] : files) staged.push_back(detail::stage_file(path, bytes));
  } catch (...) {
    for (const auto& t : staged) ::unlink(t.c_str());
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(staged[i].c_str(), files[i].first.c_str()) == 0) continue;
    const int e = errno;
    for (std::size_t j = 0; j < i; ++j) ::unlink(files[j].first.c_str());
    for (std::size_t j = i; j < files.size(); ++j) ::unlink(staged[j].c_str());
    throw IoError("cannot write " + files[i].first + " (rename): " + std::strerror(e));
  }
  for (const auto& f : files) detail::sync_folder(detail::folder_of(f.first));
}

// Says now, before any work, whether a file could be written at path later: its folder exists
// and is writable and the name is not too long, checked by making (and removing) the temporary
// that write_file_atomic() would make. The file itself is not created or changed.
inline void check_can_write(const std::string& path) {
  if (path.empty()) throw IoError("cannot write a file with an empty name");
  if (path.back() == '/') throw IoError("cannot write " + path + ": names a folder, not a file");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError("cannot write " + path + ": it is a folder");
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw IoError("cannot write " + path + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(tmp.c_str());
}

// Opens path for reading if it is a regular file; otherwise says what it is, or why it can't be
// opened. Never blocks: a FIFO is refused, not waited on.
inline int open_regular_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    throw IoError("cannot open " + path + ": " + (e == ELOOP ? "too many levels of symbolic links (a symlink loop)" : std::strerror(e)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw IoError(path + ": not a regular file" + (S_ISDIR(st.st_mode) ? " (a folder)" : S_ISFIFO(st.st_mode) ? " (a pipe)" : ""));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// The whole of a regular file, refusing one larger than max_bytes.
inline std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t(1) << 32) {
  const int fd = open_regular_file(path);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  ::fstat(fd, &st);
  if (static_cast<std::size_t>(st.st_size) > max_bytes) throw IoError(path + ": file too large (" + std::to_string(st.st_size) + " bytes)");
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t r = ::read(fd, data.data() + done, data.size() - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw IoError("cannot read " + path + ": " + std::strerror(errno));
    if (r == 0) break;  // the file shrank while we read it
    done += static_cast<std::size_t>(r);
  }
  data.resize(done);
  return data;
}

class ByteReader {
 public:
  ByteReader(const std::string& data, std::string source) : d_(data), src_(std::move(source)) {}
  void bytes(void* p, std::size_t n) {
    need(n);
    if (n == 0) return;  // an empty tensor's data() may be null, and memcpy must not see a null pointer
    std::memcpy(p, d_.data() + pos_, n);
    pos_ += n;
  }
  template <class V> V pod() {
    V v;
    bytes(&v, sizeof v);
    return v;
  }
  std::uint32_t u32() { return pod<std::uint32_t>(); }
  std::uint64_t u64() { return pod<std::uint64_t>(); }
  std::string str(std::size_t max_len = 4096) {
    const std::uint32_t n = u32();
    if (n > max_len) fail("string length " + std::to_string(n) + " is implausible");
    std::string s(n, '\0');
    bytes(s.data(), n);
    return s;
  }
  // Checks the CRC32 trailer over everything before it; afterwards the trailer is not readable.
  void verify_crc_trailer() {
    if (d_.size() < 4) fail("too short for a checksum");
    std::uint32_t stored;
    std::memcpy(&stored, d_.data() + d_.size() - 4, 4);
    if (stored != crc32_of(d_.data(), d_.size() - 4)) fail("checksum mismatch (file is corrupt or truncated)");
    end_ = d_.size() - 4;
  }
  std::size_t remaining() const { return end_ - pos_; }
  [[noreturn]] void fail(const std::string& what) const { throw IoError(src_ + ": " + what); }

 private:
  void need(std::size_t n) {
    if (n > end_ - pos_) fail("unexpected end of file (truncated?)");
  }
  const std::string& d_;
  std::string src_;
  std::size_t pos_ = 0, end_ = d_.size();
};

}  // namespace ganlite
