// ganlite/io/gzip_reader.hpp — reads a file that is either plain or gzip-compressed, strictly.
//
// zlib's gzread() is lenient where a data loader must not be: it ignores bytes after the last
// gzip member and can take a damaged member's header for such bytes. This reader inflates
// member after member itself (each member's CRC32 and length are checked by inflate) and
// refuses anything after the last member that is not another member. It opens only regular
// files, without blocking (a FIFO or a folder is refused, never waited on), and every error
// names the file and why.
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "binary_file.hpp"

namespace ganlite {

class GzipOrPlainReader {
 public:
  explicit GzipOrPlainReader(const std::string& path) : path_(path), fd_(open_regular_file(path)) {
    try {
      fill(2);
    } catch (...) {
      ::close(fd_);
      throw;
    }
    gzip_ = avail_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
    if (gzip_ && inflateInit2(&zs_, 15 + 16) != Z_OK) {  // 15 + 16: a gzip wrapper, 32 KB window
      ::close(fd_);
      throw IoError(path_ + ": cannot start gzip decompression");
    }
  }
  ~GzipOrPlainReader() {
    if (gzip_) inflateEnd(&zs_);
    ::close(fd_);
  }
  GzipOrPlainReader(const GzipOrPlainReader&) = delete;
  GzipOrPlainReader& operator=(const GzipOrPlainReader&) = delete;

  bool compressed() const { return gzip_; }

  // Up to n bytes of the (decompressed) content; fewer only at its end, 0 once it has ended.
  std::size_t read(void* dst, std::size_t n) {
    auto* out = static_cast<unsigned char*>(dst);
    std::size_t done = 0;
    while (done < n) {
      if (!gzip_) {
        if (avail_ == 0 && !fill(1)) break;
        const std::size_t k = std::min(n - done, avail_);
        std::memcpy(out + done, in_ + pos_, k);
        pos_ += k, avail_ -= k, done += k;
        continue;
      }
      if (member_ended_) {  // what follows a member: nothing, or another member
        if (!fill(2)) break;
        if (avail_ < 2 || in_[pos_] != 0x1f || in_[pos_ + 1] != 0x8b)
          throw IoError(path_ + ": has bytes after its gzip data that are not another gzip member (trailing garbage)");
        inflateReset(&zs_);
        member_ended_ = false;
      }
      if (avail_ == 0 && !fill(1)) throw IoError(path_ + ": gzip data ends early (truncated?)");
      zs_.next_in = in_ + pos_;
      zs_.avail_in = static_cast<uInt>(avail_);
      zs_.next_out = out + done;
      zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - done, 1u << 30));
      const uInt out_before = zs_.avail_out;
      const int r = inflate(&zs_, Z_NO_FLUSH);
      pos_ += avail_ - zs_.avail_in;
      avail_ = zs_.avail_in;
      done += out_before - zs_.avail_out;
      if (r == Z_STREAM_END) {
        member_ended_ = true;
      } else if (r == Z_BUF_ERROR) {
        if (avail_ == 0 && !fill(1)) throw IoError(path_ + ": gzip data ends early (truncated?)");
      } else if (r != Z_OK) {
        throw IoError(path_ + ": damaged gzip data (" + (zs_.msg ? zs_.msg : "error " + std::to_string(r)) + ")");
      }
    }
    return done;
  }

 private:
  // Makes at least `want` unread input bytes available if the file has them; false when none are.
  bool fill(std::size_t want) {
    if (avail_ >= want) return true;
    if (pos_ > 0) {
      std::memmove(in_, in_ + pos_, avail_);
      pos_ = 0;
    }
    while (avail_ < want && !input_ended_) {
      const ssize_t r = ::read(fd_, in_ + avail_, sizeof in_ - avail_);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw IoError("cannot read " + path_ + ": " + std::strerror(errno));
      }
      if (r == 0) input_ended_ = true;
      avail_ += static_cast<std::size_t>(r);
    }
    return avail_ > 0;
  }

  std::string path_;
  int fd_;
  bool gzip_ = false, member_ended_ = false, input_ended_ = false;
  z_stream zs_{};
  unsigned char in_[1 << 16];
  std::size_t pos_ = 0, avail_ = 0;
};

}  // namespace ganlite
