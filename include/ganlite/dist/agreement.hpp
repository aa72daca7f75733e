// ganlite/dist/agreement.hpp — every process of a job starts with the same settings and data,
// or none starts.
//
// Processes that disagree on a setting either wait for each other forever (another batch size:
// another number of collectives) or, worse, finish with weights no single setting gives. So
// before the first collective of training, every process sends every other its settings as
// text ("name" = "value", in one order, the data's fingerprint among them), and each compares
// them with process 0's. All of them reach the same verdict from the same bytes, so all stop
// together, or all go on.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "communicator.hpp"

namespace ganlite {

using NamedSettings = std::vector<std::pair<std::string, std::string>>;

// "" when every process has the same settings; else what differs, e.g.
// "epochs is 3 on process 1 of 2, 2 on process 0" (the first difference, on the lowest rank).
inline std::string processes_disagree(Communicator& comm, const NamedSettings& mine) {
  std::string text;
  for (const auto& [k, v] : mine) text += k + '\0' + v + '\0';
  const int P = comm.size();
  const std::uint64_t n = text.size();
  std::vector<std::uint64_t> sizes(static_cast<std::size_t>(P));
  comm.allgather(&n, 1, sizes.data());
  std::uint64_t longest = 0;
  for (auto s : sizes) longest = std::max(longest, s);
  text.resize(longest, '\0');
  std::string all(longest * static_cast<std::size_t>(P), '\0');
  comm.allgather_bytes(text.data(), longest, all.data());
  auto settings_of = [&](int r) {
    NamedSettings s;
    const std::string t = all.substr(static_cast<std::size_t>(r) * longest, sizes[static_cast<std::size_t>(r)]);
    for (std::size_t at = 0; at < t.size();) {
      const std::size_t k = t.find('\0', at), v = t.find('\0', k + 1);
      if (k == std::string::npos || v == std::string::npos) break;
      s.emplace_back(t.substr(at, k - at), t.substr(k + 1, v - k - 1));
      at = v + 1;
    }
    return s;
  };
  const NamedSettings first = settings_of(0);
  for (int r = 1; r < P; ++r) {
    const NamedSettings other = settings_of(r);
    const std::string where = " on process " + std::to_string(r) + " of " + std::to_string(P);
    for (std::size_t i = 0; i < std::max(first.size(), other.size()); ++i) {
      if (i >= first.size() || i >= other.size() || first[i].first != other[i].first)
        return "process " + std::to_string(r) + " of " + std::to_string(P) + " names other settings than process 0 (another program version?)";
      if (first[i].second != other[i].second)
        return first[i].first + " is " + other[i].second + where + ", " + first[i].second + " on process 0";
    }
  }
  return "";
}

}  // namespace ganlite
