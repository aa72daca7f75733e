// ganlite/io/base64.hpp — Base64 (RFC 4648, with padding): binary files carried inside text, e.g.
// an ONNX model and ONNX Runtime's WebAssembly inside the scripts of a page that opens from file://
// (where a browser refuses to fetch files beside the page but runs the scripts it names).
#pragma once
#include <cstddef>
#include <string>

namespace ganlite {

inline std::string base64_encode(const std::string& bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {  // three bytes become four digits of six bits
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kDigits[v >> 18], kDigits[v >> 12 & 63], kDigits[v >> 6 & 63], kDigits[v & 63]};
  }
  if (const std::size_t left = bytes.size() - i; left > 0) {  // one or two bytes: '=' pads to four
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | (left == 2 ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0u);
    out += {kDigits[v >> 18], kDigits[v >> 12 & 63], left == 2 ? kDigits[v >> 6 & 63] : '=', '='};
  }
  return out;
}

}  // namespace ganlite
