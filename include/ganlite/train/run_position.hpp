// ganlite/train/run_position.hpp — where a run stands, beside the trainer's own state.
//
// A trainer (gan_trainer.hpp) is networks, optimizers, random generators and the moving average:
// what a step changes. Two things a resumed run needs are not the trainer's:
//   LoopCursor    the training loop's place (training_loop.hpp): epochs completed, steps done of
//                 the epoch in progress, and the data Rng's state when that epoch began (its
//                 shuffle is redrawn from it, so a resume at step S goes on with batch S);
//   DataIdentity  what the run folder's run trains on (run_folder.hpp): how many images and a
//                 fingerprint of their bytes, so a resume on other data is refused.
// A checkpoint records both (RunPosition) with the trainer's state.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "../io/binary_file.hpp"
#include "../rng.hpp"

namespace ganlite {

struct LoopCursor {
  int epoch = 0;          // epochs completed
  int step_in_epoch = 0;  // steps completed of the epoch in progress
  Rng::State epoch_start{};  // the data Rng's state when the epoch in progress began
};

struct DataIdentity {
  std::uint32_t images = 0;      // training images used (0: not recorded)
  std::uint64_t fingerprint = 0;  // of the training files' bytes (0: not recorded)
  bool operator==(const DataIdentity& o) const { return images == o.images && fingerprint == o.fingerprint; }
  bool operator!=(const DataIdentity& o) const { return !(*this == o); }
};

// The identity of training data: the images used, and the CRC32s of the pixel bytes and of the
// label bytes given (those the run reads: the whole files, or the part it uses).
inline DataIdentity identify_data(std::uint32_t images, const void* pixels, std::size_t pixel_bytes, const void* labels, std::size_t label_bytes) {
  return {images, (static_cast<std::uint64_t>(crc32_of(pixels, pixel_bytes)) << 32) | crc32_of(labels, label_bytes)};
}

struct RunPosition {
  LoopCursor cursor;
  DataIdentity data;
};

// A fingerprint as 16 hex digits, as messages show it.
inline std::string hex64(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace ganlite
