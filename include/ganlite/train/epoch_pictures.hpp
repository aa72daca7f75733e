// ganlite/train/epoch_pictures.hpp — the pictures of a run's progress: after every epoch a grid
// of the generator's samples of the fixed noise (image_at_epoch_EEEE.png, as the seed's
// generate_and_save_images), and training.gif, every epoch's grid in order.
// Needs stb and giflib (io/image.hpp, io/gif.hpp).
#pragma once
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "../io/gif.hpp"
#include "../io/image.hpp"
#include "gan_trainer.hpp"
#include "run_page.hpp"

namespace ganlite {

// The samples of the fixed noise as one grid: for K classes K rows (row r: class r) of the
// fixed noise vectors (one column each); else the seed's 4 x 4 (or as square as the count
// allows). Only for (H, W, 1) samples: anything else has no grid (an empty image).
inline GrayImage fixed_sample_grid(GanTrainer<float>& t) {
  const Shape& s = t.image_shape();
  if (s.size() != 3 || s[2] != 1) return {};
  const int K = t.gan_config().classes, n = t.fixed_noise().dim(0);
  const int scale = s[0] <= 16 ? 3 : 2;
  if (K) return make_grid(t.sample_fixed(), K, n, scale);
  int cols = 1;
  while ((cols + 1) * (cols + 1) <= n) ++cols;
  return make_grid(t.sample_fixed(), (n + cols - 1) / cols, cols, 3);
}

// training.gif in dir from image_at_epoch_0001.png .. last_epoch's; a grid that can't be read,
// or whose size differs from the first one's, is left out and said to `warn`.
inline void write_gif_of_epochs(const std::string& dir, int last_epoch, const std::function<void(const std::string&)>& warn) {
  std::vector<GrayImage> frames;
  for (int e = 1; e <= last_epoch; ++e) {
    const std::string p = dir + "/" + epoch_grid_name(e);
    if (::access(p.c_str(), F_OK) != 0) continue;
    try {
      GrayImage img = read_image_gray(p);
      if (!frames.empty() && (img.width != frames[0].width || img.height != frames[0].height))
        throw IoError(std::to_string(img.width) + "x" + std::to_string(img.height) + " where the first frame is " +
                      std::to_string(frames[0].width) + "x" + std::to_string(frames[0].height));
      frames.push_back(std::move(img));
    } catch (const std::exception& ex) {
      warn("training.gif leaves out " + p + ": " + ex.what());
    }
  }
  if (!frames.empty()) write_gif(dir + "/training.gif", frames, 40);
}

}  // namespace ganlite
