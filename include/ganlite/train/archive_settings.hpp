// ganlite/train/archive_settings.hpp — reading a checkpoint archive's settings (io/archive.hpp):
// typed, each error naming the file and the key; and a random generator's state as text. Shared
// by every model's checkpoint (gan_checkpoint.hpp, vae_checkpoint.hpp).
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../io/archive.hpp"
#include "../io/binary_file.hpp"
#include "../rng.hpp"

namespace ganlite {

namespace detail {

inline std::string rng_text(const Rng::State& s) {
  char b[80];
  std::snprintf(b, sizeof b, "%016llx:%016llx:%016llx:%016llx", static_cast<unsigned long long>(s[0]), static_cast<unsigned long long>(s[1]),
                static_cast<unsigned long long>(s[2]), static_cast<unsigned long long>(s[3]));
  return b;
}

// A reader of no bytes that names `path` in what it refuses: errors about a file already read.
inline ByteReader reader_naming(const std::string& path) {
  static const std::string no_bytes;
  return ByteReader(no_bytes, path);
}

// Typed access to an archive's settings; every error names the file and the key.
struct Settings {
  const Archive& c;
  const ByteReader& r;
  const std::string& text(const std::string& key) const {
    const auto it = c.settings.find(key);
    if (it == c.settings.end()) r.fail("setting " + key + " is missing");
    return it->second;
  }
  std::uint64_t whole(const std::string& key, std::uint64_t max) const {
    const std::string& v = text(key);
    char* end = nullptr;
    errno = 0;
    const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || v[0] == '-' || x > max) r.fail("setting " + key + " = \"" + v + "\" is not a whole number up to " + std::to_string(max));
    return x;
  }
  double real(const std::string& key) const {
    const std::string& v = text(key);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(x)) r.fail("setting " + key + " = \"" + v + "\" is not a finite number");
    return x;
  }
  // A network's Adam setting; files written before Adam was per network have one for both.
  double adam(const std::string& net, const std::string& key) const { return real(c.settings.count(net + "_" + key) ? net + "_" + key : key); }
  Rng::State rng(const std::string& key) const {
    const std::string& v = text(key);
    unsigned long long a, b, c2, d;
    int used = 0;
    if (std::sscanf(v.c_str(), "%16llx:%16llx:%16llx:%16llx%n", &a, &b, &c2, &d, &used) != 4 || used != static_cast<int>(v.size()))
      r.fail("setting " + key + " is not a random generator state");
    return {a, b, c2, d};
  }
};

}  // namespace detail

}  // namespace ganlite
