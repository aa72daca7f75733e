// Writes small valid inputs for each fuzz target's seed corpus: IDX files (plain and gzip),
// a weights file of the fuzz model, the header of a real checkpoint, a PNG and 16-bit PNMs.
#include <zlib.h>

#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <string>

using namespace ganlite;

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "seeds";
  for (const char* sub : {"", "/idx", "/checkpoint", "/weights", "/image"}) std::system(("mkdir -p " + dir + sub).c_str());
  std::vector<std::uint8_t> px(2 * 4 * 4);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 7);
  write_idx(dir + "/idx/images.idx", {2, 4, 4}, px);
  write_idx(dir + "/idx/labels.idx", {2}, {3, 7});
  const std::string plain = read_file(dir + "/idx/images.idx");
  gzFile g = gzopen((dir + "/idx/images.idx.gz").c_str(), "wb");
  gzwrite(g, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(g);
  Rng rng(1);
  Sequential<float> m("fuzz", {3});
  m.add(Dense<float>(DenseOptions(3, 2), rng));
  m.add(BatchNorm<float>(2));
  save_weights(m, dir + "/weights/model.weights");
  // A checkpoint is ~30 MB; its first 4 KiB (magic, version, settings, first tensor headers)
  // give the fuzzer the structure to mutate.
  DcganTrainer t(DcganConfig{});
  save_checkpoint(t, dir + "/checkpoint/full.ckpt");
  const std::string ck = read_file(dir + "/checkpoint/full.ckpt");
  std::FILE* f = std::fopen((dir + "/checkpoint/head.ckpt").c_str(), "wb");
  std::fwrite(ck.data(), 1, 4000, f);
  std::fclose(f);
  std::remove((dir + "/checkpoint/full.ckpt").c_str());
  GrayImage img{8, 8, std::vector<std::uint8_t>(64, 200)};
  write_png(dir + "/image/digit.png", img);
  // 16-bit PNM, gray and colour: stb's colour one overflowed a heap buffer once.
  write_file_atomic(dir + "/image/gray16.pgm", std::string("P5\n2 2\n65535\n") + std::string(8, '\x40'));
  write_file_atomic(dir + "/image/rgb16.ppm", std::string("P6\n2 2\n65535\n") + std::string(24, '\x40'));
  return 0;
}
