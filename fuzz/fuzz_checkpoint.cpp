// libFuzzer target: the training-checkpoint reader must refuse bad bytes with IoError.
#include <ganlite/train/checkpoint.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ganlite::DcganTrainer trainer(ganlite::DcganConfig{});
  const std::string path = fuzz_file(data, size);
  try {
    ganlite::read_checkpoint_config(path);
    ganlite::load_checkpoint(trainer, path);
  } catch (const ganlite::IoError&) {
  } catch (const std::invalid_argument&) {  // Adam::set_state refusing a mismatched state
  }
  return 0;
}
