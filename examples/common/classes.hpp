// examples/common/classes.hpp — the names of the classes a conditional model draws.
//
// MNIST's are its digits. Fashion-MNIST's files look like MNIST's, so it is told by its training
// labels (their CRC32, computed from Debian's dataset-fashion-mnist); its ten class names are
// the dataset's own. Any other data set gets its label numbers as names.
#pragma once
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ganlite/io/binary_file.hpp>
#include <ganlite/io/idx.hpp>
#include <string>
#include <vector>

namespace examples {

inline constexpr std::uint32_t kFashionTrainLabelsCrc = 0x2ed6e46a;

inline std::vector<std::string> class_names_for(const ganlite::IdxDataset& train) {
  if (ganlite::crc32_of(train.labels.data(), train.labels.size()) == kFashionTrainLabelsCrc)
    return {"t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"};
  std::vector<std::string> names;
  for (int k = 0; k < 10; ++k) names.push_back(std::to_string(k));
  return names;
}

// The class a user's word names: its number (0..K-1), or its name in any case, with '-', '_'
// or ' ' alike ("ankle-boot", "Ankle Boot"). -1 if none.
inline int class_index(const std::vector<std::string>& names, const std::string& word) {
  auto fold = [](std::string s) {
    for (auto& c : s) c = c == '-' || c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (std::size_t k = 0; k < names.size(); ++k)
    if (fold(names[k]) == fold(word) || std::to_string(k) == word) return static_cast<int>(k);
  return -1;
}

}  // namespace examples
