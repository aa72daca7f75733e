// ganlite/train/augment.hpp — differentiable augmentation of everything D sees (Zhao et al. 2020,
// "DiffAugment"): real and fake images alike are moved and cut each step, so D can't learn the
// training images by heart, while G — seen by D only through the augmentation, its gradient
// flowing back through it — is not taught to draw the augmentation.
//
// On (n, H, W, C) images (NHWC), per image:
//   translation: moved by (dy, dx), each drawn uniformly from [-s, s], s = round(H / 8) resp.
//                round(W / 8); what moves in from outside is 0.
//   cutout:      a rectangle of round(H / 2) x round(W / 2) set to 0, centred at (cy, cx)
//                drawn uniformly from [0, H] x [0, W] (one row and column fewer for an odd
//                side) and cut off at the border.
// Both are linear in the image, y = A x with A a 0/1 matrix, so augment_backward is dx = Aᵀ dy.
// The draws (draw_augmentations) are taken per image in batch order — dy, dx, then cy, cx —
// from the Rng given: the trainer passes its data Rng, so a resumed run draws the same, and
// every process draws the whole batch's and uses its own rows.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "../rng.hpp"
#include "../tensor.hpp"

namespace ganlite {

struct Augmentation {
  bool translation = false, cutout = false;
  bool any() const { return translation || cutout; }
  // "none", "translation", "cutout" or "translation,cutout": how checkpoints record it.
  std::string name() const {
    if (!any()) return "none";
    return translation && cutout ? "translation,cutout" : translation ? "translation" : "cutout";
  }
  bool operator==(const Augmentation& o) const { return translation == o.translation && cutout == o.cutout; }
};

inline std::string known_augmentations() { return "translation, cutout, or none"; }

// "translation,cutout" (either order, each once), "translation", "cutout", or "none".
inline Augmentation augmentation_named(const std::string& list) {
  Augmentation a;
  if (list == "none") return a;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = list.find(',', at);
    const std::string part = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    bool* flag = part == "translation" ? &a.translation : part == "cutout" ? &a.cutout : nullptr;
    if (!flag) throw std::invalid_argument("no augmentation is named \"" + part + "\" in \"" + list + "\" (known: " + known_augmentations() + ")");
    if (*flag) throw std::invalid_argument("the augmentation " + part + " is named twice in \"" + list + "\"");
    *flag = true;
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return a;
}

// One image's draws; (cy, cx) is unused without cutout.
struct AugmentDraw {
  int dy = 0, dx = 0, cy = 0, cx = 0;
};

inline int rounded_part(int side, double part) { return static_cast<int>(side * part + 0.5); }

// `count` images' draws of H x W images, into `out`.
inline void draw_augmentations(const Augmentation& a, int count, int height, int width, Rng& rng, std::vector<AugmentDraw>& out) {
  out.assign(static_cast<std::size_t>(count), AugmentDraw{});
  const int sy = rounded_part(height, 0.125), sx = rounded_part(width, 0.125);
  const int ch = rounded_part(height, 0.5), cw = rounded_part(width, 0.5);
  for (AugmentDraw& d : out) {
    if (a.translation) {
      d.dy = static_cast<int>(rng.below(static_cast<std::uint64_t>(2 * sy + 1))) - sy;
      d.dx = static_cast<int>(rng.below(static_cast<std::uint64_t>(2 * sx + 1))) - sx;
    }
    if (a.cutout) {
      d.cy = static_cast<int>(rng.below(static_cast<std::uint64_t>(height + 1 - ch % 2)));
      d.cx = static_cast<int>(rng.below(static_cast<std::uint64_t>(width + 1 - cw % 2)));
    }
  }
}

namespace detail {

// For each image b and output pixel (i, j): the input pixel it takes (i - dy, j - dx), or -1 if
// it is 0 (moved in from outside, or cut out). visit(output offset, input offset) for the rest.
template <class Visit>
void augmented_pixels(const Augmentation& a, const AugmentDraw* draws, const Shape& s, Visit visit) {
  const int n = s[0], H = s[1], W = s[2], C = s[3];
  const int ch = rounded_part(H, 0.5), cw = rounded_part(W, 0.5);
  for (int b = 0; b < n; ++b) {
    const AugmentDraw& d = draws[b];
    const long image = static_cast<long>(b) * H * W * C;
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const int si = i - d.dy, sj = j - d.dx;
        if (si < 0 || si >= H || sj < 0 || sj >= W) continue;
        if (a.cutout && i >= d.cy - ch / 2 && i < d.cy - ch / 2 + ch && j >= d.cx - cw / 2 && j < d.cx - cw / 2 + cw) continue;
        const long out = image + (static_cast<long>(i) * W + j) * C, in = image + (static_cast<long>(si) * W + sj) * C;
        for (int c = 0; c < C; ++c) visit(out + c, in + c);
      }
  }
}

inline void check_images(const Shape& s, const char* what) {
  if (s.size() != 4) throw std::invalid_argument(std::string("augmentation: ") + what + " must be (n, H, W, C) images, got " + shape_str(s));
}

}  // namespace detail

// y = the augmented x; draws[b] for image b of x.
template <class T>
void augment(const Augmentation& a, const AugmentDraw* draws, const Tensor<T>& x, Tensor<T>& y) {
  detail::check_images(x.shape(), "the input");
  y.resize(x.shape());
  y.zero();
  detail::augmented_pixels(a, draws, x.shape(), [&](long out, long in) { y[out] = x[in]; });
}

// dx = Aᵀ dy: the gradient of what augment made, back to its input.
template <class T>
void augment_backward(const Augmentation& a, const AugmentDraw* draws, const Tensor<T>& dy, Tensor<T>& dx) {
  detail::check_images(dy.shape(), "the gradient");
  dx.resize(dy.shape());
  dx.zero();
  detail::augmented_pixels(a, draws, dy.shape(), [&](long out, long in) { dx[in] = dy[out]; });
}

}  // namespace ganlite
