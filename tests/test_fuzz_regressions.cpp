// Every input a fuzzer ever crashed on (fuzz/regressions/<target>/) goes back through its reader,
// which must now refuse it with IoError (or accept it) and never crash or exhaust memory.
#include <doctest/doctest.h>
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
