// Every input a fuzzer ever crashed on (fuzz/regressions/<target>/) goes back through its reader,
// which must now refuse it with IoError (or accept it) and never crash or exhaust memory.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <dirent.h>

#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <string>
#include <vector>

using namespace ganlite;

static std::vector<std::string> inputs(const std::string& target) {
  std::vector<std::string> files;
  const std::string dir = std::string(GANLITE_FUZZ_REGRESSIONS) + "/" + target;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') files.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  return files;
}

TEST_CASE("image inputs that crashed the fuzzer are refused cleanly") {
  const auto files = inputs("image");
  CHECK(!files.empty());
  for (const auto& f : files) {
    CAPTURE(f);
    CHECK_THROWS_AS(read_image_gray(f), IoError);
  }
}

TEST_CASE("IDX and checkpoint regression inputs, if any, are refused cleanly") {
  for (const auto& f : inputs("idx")) {
    CAPTURE(f);
    CHECK_THROWS_AS(read_idx(f, 3), IoError);
  }
  DcganTrainer t(DcganConfig{});
  for (const auto& f : inputs("checkpoint")) {
    CAPTURE(f);
    CHECK_THROWS_AS(load_checkpoint(t, f), IoError);
  }
}

TEST_CASE("an IDX header that claims far more data than the file holds is refused without allocating it") {
  const std::string path = "/tmp/ganlite_lying_header.idx";
  const unsigned char head[] = {0, 0, 8, 3, 0x00, 0x10, 0x00, 0x00, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3};  // 1M images: 784 MB
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(head, 1, sizeof head, f);
  std::fclose(f);
  CHECK_THROWS_WITH_AS(read_idx(path, 3), doctest::Contains("truncated"), IoError);
  std::remove(path.c_str());
}

TEST_CASE("float32 IDX files: written and read back exactly; a wrong type, a NaN, a short or long file named") {
  const std::string path = "/tmp/ganlite_floats.idx";
  const float v[6] = {0.5f, -1.25f, 3e-8f, 1e30f, -0.0f, 7.0f};
  std::string bytes = idx_float_bytes({2, 3}, v);
  write_file_atomic(path, bytes);
  const IdxFloats d = read_idx_floats(path, 2);
  CHECK(d.dims == std::vector<std::uint32_t>{2, 3});
  REQUIRE(d.values.size() == 6);
  CHECK(std::memcmp(d.values.data(), v, sizeof v) == 0);
  CHECK_THROWS_WITH_AS(read_idx_floats(path, 3), doctest::Contains("has 2 dimensions, expected 3"), IoError);
  write_file_atomic(path, idx_bytes({2}, {1, 2}));
  CHECK_THROWS_WITH_AS(read_idx_floats(path, 1), doctest::Contains("not a float32 IDX file"), IoError);
  const float nan[1] = {std::nanf("")};
  write_file_atomic(path, idx_float_bytes({1}, nan));
  CHECK_THROWS_WITH_AS(read_idx_floats(path, 1), doctest::Contains("value 0 is not a finite number"), IoError);
  write_file_atomic(path, bytes.substr(0, bytes.size() - 1));
  CHECK_THROWS_WITH_AS(read_idx_floats(path, 2), doctest::Contains("truncated"), IoError);
  write_file_atomic(path, bytes + "x");
  CHECK_THROWS_WITH_AS(read_idx_floats(path, 2), doctest::Contains("has bytes after the 6 values"), IoError);
  std::remove(path.c_str());
}

// fuzz_image found a heap overflow in stb's 16-bit colour PNM path (read as 8-bit, then narrowed
// as 16-bit). Such files are valid: they must decode, to the same gray as the 8-bit PNM and the
// PNG of the same colours (which stb converts itself).
TEST_CASE("16-bit PNM images decode to the same gray as their 8-bit PNM and PNG twins") {
  const int w = 5, h = 3;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(i * 37 + 11);
  auto write_pnm = [&](const std::string& path, char kind, int bytes_per_value) {
    const int channels = kind == '6' ? 3 : 1;
    std::string out = std::string("P") + kind + "\n" + std::to_string(w) + " " + std::to_string(h) + "\n" +
                      (bytes_per_value == 2 ? "65535" : "255") + "\n";
    for (int i = 0; i < w * h; ++i)
      for (int c = 0; c < channels; ++c) {
        const std::uint8_t v = rgb[static_cast<std::size_t>(i) * 3 + c];
        out += static_cast<char>(v);
        if (bytes_per_value == 2) out += static_cast<char>(v);  // big-endian v * 257: narrows back to v
      }
    write_file_atomic(path, out);
  };
  const std::string dir = "/tmp/ganlite_pnm16_test";
  std::system(("mkdir -p " + dir).c_str());
  write_pnm(dir + "/rgb8.ppm", '6', 1);
  write_pnm(dir + "/rgb16.ppm", '6', 2);
  write_pnm(dir + "/gray8.pgm", '5', 1);
  write_pnm(dir + "/gray16.pgm", '5', 2);
  REQUIRE(stbi_write_png((dir + "/rgb.png").c_str(), w, h, 3, rgb.data(), w * 3));

  const GrayImage png = read_image_gray(dir + "/rgb.png");
  REQUIRE(png.width == w);
  REQUIRE(png.height == h);
  for (const char* name : {"rgb8.ppm", "rgb16.ppm"}) {
    CAPTURE(name);
    const GrayImage img = read_image_gray(dir + "/" + name);
    CHECK(img.width == w);
    CHECK(img.height == h);
    CHECK(img.pixels == png.pixels);
  }
  // Pixel 0 by hand: (11, 48, 85) -> (11*77 + 48*150 + 85*29) >> 8 = 41.
  CHECK(png.pixels[0] == 41);
  const GrayImage gray16 = read_image_gray(dir + "/gray16.pgm");
  CHECK(gray16.pixels == read_image_gray(dir + "/gray8.pgm").pixels);
  for (int i = 0; i < w * h; ++i) CHECK(gray16.pixels[i] == rgb[static_cast<std::size_t>(i) * 3]);
  std::system(("rm -rf " + dir).c_str());
}
