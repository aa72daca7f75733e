// cnn_walkthrough — prints every stage of seed 1's X/O convolution example (docs/cnn_walkthrough.md).
#include <cstdio>
#include <cstring>
#include <string>

#include "../common/exit_status.hpp"

#include "walkthrough.hpp"

static void print_map(const char* title, const ganlite::Tensor<float>& t, int channel, const char* fmt) {
  const int h = t.dim(1), w = t.dim(2), c = t.dim(3);
  std::printf("%s\n", title);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) std::printf(fmt, t[(y * w + x) * c + channel] + 0.0f);
    std::printf("\n");
  }
  std::printf("\n");
}

int main(int argc, char** argv) {
  if (argc > 1) {
    const bool help = std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0;
    std::fprintf(help ? stdout : stderr, "%scnn_walkthrough takes no arguments: it prints every stage of seed 1's X/O convolution example\n",
                 help ? "" : ("cnn_walkthrough: unexpected argument '" + std::string(argv[1]) + "'; ").c_str());
    return help ? examples::exit_status(0) : 2;
  }
  const ganlite::Tensor<float> x = walkthrough::x_image();
  print_map("Input: the 9x9 X (1 on the diagonals, -1 elsewhere)", x, 0, "%3.0f");
  const walkthrough::Stages s = walkthrough::run();
  const char* names[3] = {"\\ diagonal filter", "X filter", "/ diagonal filter"};
  char title[128];
  for (int f = 0; f < 3; ++f) {
    std::printf("== Filter %d (%s) ==\n", f + 1, names[f]);
    for (int r = 0; r < 3; ++r) std::printf("%3.0f %3.0f %3.0f\n", walkthrough::kFilters[f][r * 3], walkthrough::kFilters[f][r * 3 + 1],
                                            walkthrough::kFilters[f][r * 3 + 2]);
    std::printf("\n");
    std::snprintf(title, sizeof title, "Convolution map (sum of products / 9), 7x7:");
    print_map(title, s.conv, f, "%6.2f");
    print_map("After ReLU:", s.relu, f, "%6.2f");
    print_map("After 2x2 max pooling, stride 2 (partial edge window kept), 4x4:", s.pool, f, "%6.2f");
  }
  return examples::exit_status(0);
}
