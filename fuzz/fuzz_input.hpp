// fuzz/fuzz_input.hpp — shared by the fuzz targets: the readers take file paths, so each input
// is written to a per-process scratch file. If the first byte is odd, the rest gets a correct
// CRC32 trailer appended, so mutations also reach the parsing behind the checksum.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <ganlite/io/binary_file.hpp>
#include <string>

inline std::string fuzz_file(const std::uint8_t* data, std::size_t size, const char* suffix = "") {
  static const std::string path = "/tmp/ganlite_fuzz_" + std::to_string(getpid()) + suffix;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (size > 0 && (data[0] & 1)) {
    bytes = bytes.substr(1);
    const std::uint32_t crc = ganlite::crc32_of(bytes.data(), bytes.size());
    bytes.append(reinterpret_cast<const char*>(&crc), 4);
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}
