// ganlite/io/idx.hpp — IDX files (the MNIST format), gzip-compressed or plain.
//
// Format: big-endian magic 0x0000TTNN (TT = 0x08 unsigned byte, NN = number of dimensions),
// NN big-endian u32 dimensions, then the bytes row-major. Images are 0x00000803 (count, rows,
// cols), labels 0x00000801 (count). Files are read plain or gzip-compressed, strictly
// (gzip_reader.hpp); everything is validated and every error names the file.
// Float files (TT = 0x0D, big-endian IEEE float32) carry noise and pixels exactly, for tools
// that feed ganlite and another runtime the same numbers: read_idx_floats, idx_float_bytes.
#pragma once
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "binary_file.hpp"
#include "gzip_reader.hpp"

namespace ganlite {

struct IdxData {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> bytes;
};

namespace detail {
inline std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

// read_exact(dst, n, what): n bytes or an error saying the file ends inside `what`.
inline auto exact_reader(GzipOrPlainReader& in, const std::string& path) {
  return [&in, &path](void* dst, std::size_t n, const char* what) {
    if (in.read(dst, n) != n) throw IoError(path + ": file ends inside the " + std::string(what) + " (truncated?)");
  };
}

// The header: magic of `type` and `rank` dimensions, none zero, at most max_values values in all.
// Fills dims; returns the number of values.
template <class ReadExact>
std::size_t read_idx_header(const ReadExact& read_exact, const std::string& path, std::uint32_t type, const char* kind, int rank,
                            const char* rank_hint, std::size_t max_values, std::vector<std::uint32_t>& dims) {
  std::uint8_t head[4];
  read_exact(head, 4, "header");
  const std::uint32_t magic = read_be32(head);
  if ((magic >> 8) != type) {
    char b[64];
    std::snprintf(b, sizeof b, "magic number 0x%08x; such files start 0x0000%02x%02x", magic, type, rank);
    throw IoError(path + ": not " + kind + " (" + b + ")");
  }
  if (static_cast<int>(magic & 0xff) != rank)
    throw IoError(path + ": has " + std::to_string(magic & 0xff) + " dimensions, expected " + std::to_string(rank) + rank_hint);
  std::size_t total = 1;
  for (int i = 0; i < rank; ++i) {
    std::uint8_t b[4];
    read_exact(b, 4, "header");
    const std::uint32_t n = read_be32(b);
    if (n == 0) throw IoError(path + ": dimension " + std::to_string(i) + " is zero");
    if (total > max_values / n) throw IoError(path + ": dimensions are implausibly large");
    total *= n;
    dims.push_back(n);
  }
  return total;
}
}  // namespace detail

// Reads a whole IDX file of unsigned bytes with `expected_rank` dimensions. Refuses a payload
// larger than max_bytes (a corrupt header must not make us allocate gigabytes).
inline IdxData read_idx(const std::string& path, int expected_rank, std::size_t max_bytes = std::size_t(1) << 31) {
  GzipOrPlainReader in(path);
  const auto read_exact = detail::exact_reader(in, path);
  IdxData d;
  const std::size_t total = detail::read_idx_header(read_exact, path, 0x08, "an unsigned-byte IDX file", expected_rank,
                                                    expected_rank == 3 ? " (an images file)" : " (a labels file)", max_bytes, d.dims);
  // Grow as data actually arrives, so a header that lies about its size costs nothing.
  constexpr std::size_t kChunk = std::size_t(16) << 20;
  for (std::size_t done = 0; done < total;) {
    const std::size_t n = std::min(kChunk, total - done);
    d.bytes.resize(done + n);
    read_exact(d.bytes.data() + done, n, "data");
    done += n;
  }
  std::uint8_t extra;
  if (in.read(&extra, 1) != 0)
    throw IoError(path + ": has bytes after the " + std::to_string(total) + " the header announces");
  return d;
}

// A float32 IDX file (type 0x0D) of `expected_rank` dimensions: its dimensions and values. Every
// value must be finite (a NaN in a noise file is an error, not a picture of NaN). The values
// are read whole first, then checked: a header that lies about its size costs nothing.
struct IdxFloats {
  std::vector<std::uint32_t> dims;
  std::vector<float> values;
};
inline IdxFloats read_idx_floats(const std::string& path, int expected_rank, std::size_t max_values = std::size_t(1) << 28) {
  GzipOrPlainReader in(path);
  const auto read_exact = detail::exact_reader(in, path);
  IdxFloats d;
  const std::size_t total = detail::read_idx_header(read_exact, path, 0x0D, "a float32 IDX file", expected_rank, "", max_values, d.dims);
  constexpr std::size_t kChunk = std::size_t(4) << 20;  // values
  std::vector<std::uint8_t> raw;
  for (std::size_t done = 0; done < total;) {
    const std::size_t n = std::min(kChunk, total - done);
    raw.resize(4 * n);
    read_exact(raw.data(), raw.size(), "data");
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t bits = detail::read_be32(raw.data() + 4 * i);
      float v;
      std::memcpy(&v, &bits, 4);
      if (!std::isfinite(v)) throw IoError(path + ": value " + std::to_string(done + i) + " is not a finite number");
      d.values.push_back(v);
    }
    done += n;
  }
  std::uint8_t extra;
  if (in.read(&extra, 1) != 0) throw IoError(path + ": has bytes after the " + std::to_string(total) + " values the header announces");
  return d;
}

// A float32 IDX file's bytes.
inline std::string idx_float_bytes(const std::vector<std::uint32_t>& dims, const float* values) {
  std::string out;
  auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
  };
  be32(0x00000D00u | static_cast<std::uint32_t>(dims.size()));
  std::size_t n = 1;
  for (auto d : dims) be32(d), n *= d;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, values + i, 4);
    be32(bits);
  }
  return out;
}

// An unsigned-byte IDX file's bytes: magic, dimensions, values.
inline std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& bytes) {
  std::string out;
  auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
  };
  be32(0x00000800u | static_cast<std::uint32_t>(dims.size()));
  for (auto d : dims) be32(d);
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return out;
}

// Writes an unsigned-byte IDX file (plain, uncompressed) atomically.
inline void write_idx(const std::string& path, const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& bytes) {
  write_file_atomic(path, idx_bytes(dims, bytes));
}

// A labelled image set: images (N, rows, cols) bytes and N labels.
struct IdxDataset {
  int count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major
  std::vector<std::uint8_t> labels;
};

// Loads `<dir>/<prefix>-images-idx3-ubyte[.gz]` and the matching labels (prefix "train" or "t10k"),
// checking the image size and that both files hold the same number of items. `where` says how
// the caller chose the folder (a program: its flag), for the advice every error ends with.
inline IdxDataset load_mnist(const std::string& dir, const std::string& prefix, int expect_rows = 28, int expect_cols = 28,
                             const std::string& where = "the data folder") {
  // What to do about a missing or damaged file, said with every error.
  const std::string fix = " (point " + where +
                          " at an MNIST folder; a ganlite clone carries MNIST in data/mnist, and"
                          " `bash scripts/get_mnist.sh` checks it and restores a missing or damaged file)";
  // A name that exists in any form is returned (opening it then says what is wrong with it); only
  // a name that does not exist at all is "cannot find".
  auto find = [&](const std::string& stem) {
    for (const char* ext : {".gz", ""}) {
      const std::string p = dir + "/" + stem + ext;
      struct stat st {};
      if (::lstat(p.c_str(), &st) == 0) return p;
    }
    throw IoError("cannot find " + dir + "/" + stem + "[.gz]" + fix);
  };
  const std::string ipath = find(prefix + "-images-idx3-ubyte"), lpath = find(prefix + "-labels-idx1-ubyte");
  IdxData im, lb;
  try {
    im = read_idx(ipath, 3);
    lb = read_idx(lpath, 1);
  } catch (const IoError& e) {
    throw IoError(e.what() + fix);
  }
  if (static_cast<int>(im.dims[1]) != expect_rows || static_cast<int>(im.dims[2]) != expect_cols)
    throw IoError(ipath + ": images are " + std::to_string(im.dims[1]) + "x" + std::to_string(im.dims[2]) + ", expected " +
                  std::to_string(expect_rows) + "x" + std::to_string(expect_cols));
  if (im.dims[0] != lb.dims[0])
    throw IoError(lpath + ": holds " + std::to_string(lb.dims[0]) + " labels but " + ipath + " holds " +
                  std::to_string(im.dims[0]) + " images");
  for (std::size_t i = 0; i < lb.bytes.size(); ++i)
    if (lb.bytes[i] > 9) throw IoError(lpath + ": label " + std::to_string(lb.bytes[i]) + " at item " + std::to_string(i) + " is not a digit");
  IdxDataset ds;
  ds.count = static_cast<int>(im.dims[0]);
  ds.rows = expect_rows;
  ds.cols = expect_cols;
  ds.pixels = std::move(im.bytes);
  ds.labels = std::move(lb.bytes);
  return ds;
}

}  // namespace ganlite
