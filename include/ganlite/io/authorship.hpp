// ganlite/io/authorship.hpp — every file ganlite writes says so inside it, so that a program
// can prove which files in a folder it wrote before it overwrites or deletes one.
//
//   checkpoints, weights   their magic numbers (GNLTCKP1, GNLTWGT1)
//   PNG                    a tEXt chunk Software = "ganlite", right after the header chunk
//   GIF                    a comment extension "ganlite" before the first frame
//   SVG                    the comment <!-- written by ganlite --> after the <svg> tag
//   HTML                   <meta name="generator" content="ganlite"> in the head
// written_by_ganlite() reads at most the first 4 KiB of a regular file (a FIFO or a folder is
// refused without being waited on) and looks for one of these, or for a signature the caller
// adds (a CSV header, say, or what an earlier version wrote).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "binary_file.hpp"

namespace ganlite {

inline constexpr const char* kSvgAuthorMark = "<!-- written by ganlite -->";
inline constexpr const char* kHtmlAuthorMark = "<meta name=\"generator\" content=\"ganlite\">";

// The first `max` bytes of a regular file (fewer if it is shorter); IoError if it is not one.
inline std::string read_file_head(const std::string& path, std::size_t max = 4096) {
  const int fd = open_regular_file(path);
  std::string head(max, '\0');
  std::size_t done = 0;
  while (done < max) {
    const ssize_t r = ::read(fd, head.data() + done, max - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
  head.resize(done);
  return head;
}

namespace detail {
inline std::string png_chunk(const char type[4], const std::string& data) {
  std::string c;
  const auto n = static_cast<std::uint32_t>(data.size());
  for (int s = 24; s >= 0; s -= 8) c += static_cast<char>((n >> s) & 0xff);  // big-endian length
  const std::string body = std::string(type, 4) + data;
  c += body;
  const std::uint32_t crc = crc32_of(body.data(), body.size());
  for (int s = 24; s >= 0; s -= 8) c += static_cast<char>((crc >> s) & 0xff);
  return c;
}
inline const std::string& png_author_chunk() {
  static const std::string c = png_chunk("tEXt", std::string("Software\0ganlite", 16));
  return c;
}
}  // namespace detail

// A PNG (signature, then IHDR of 25 bytes) with the Software = ganlite text chunk after its IHDR.
inline std::string png_with_author(const std::string& png) {
  constexpr std::size_t kAfterHeader = 8 + 25;
  if (png.size() < kAfterHeader || png.compare(12, 4, "IHDR") != 0) return png;
  return png.substr(0, kAfterHeader) + detail::png_author_chunk() + png.substr(kAfterHeader);
}

// Whether the file at path carries ganlite's mark or one of `also` (within its first 4 KiB).
// A file that can't be read, or is not a regular file, is not proven: false, with why.
inline bool written_by_ganlite(const std::string& path, const std::vector<std::string>& also = {}, std::string* why = nullptr) {
  std::string head;
  try {
    head = read_file_head(path);
  } catch (const IoError& e) {
    if (why) *why = e.what();
    return false;
  }
  auto has = [&](const std::string& s) { return !s.empty() && head.find(s) != std::string::npos; };
  const bool png = head.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0, gif = head.compare(0, 6, "GIF89a") == 0;
  if (head.compare(0, 8, "GNLTCKP1") == 0 || head.compare(0, 8, "GNLTWGT1") == 0 || (png && has(detail::png_author_chunk())) ||
      (gif && has(std::string("\x21\xfe\x07ganlite", 10))) || has(kSvgAuthorMark) || has(kHtmlAuthorMark))
    return true;
  for (const auto& s : also)
    if (has(s)) return true;
  if (why) *why = "it carries no mark of ganlite";
  return false;
}

}  // namespace ganlite
