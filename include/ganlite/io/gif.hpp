// ganlite/io/gif.hpp — an animated grayscale GIF from equally sized frames (giflib).
#pragma once
#include <gif_lib.h>

#include <string>
#include <vector>

#include "binary_file.hpp"
#include "image.hpp"

namespace ganlite {

// Writes frames (all the size of the first) as a looping animation, delay in 1/100 s per frame.
// Written to a temporary file and renamed, like every other output.
inline void write_gif(const std::string& path, const std::vector<GrayImage>& frames, int delay_cs = 50) {
  if (frames.empty()) throw IoError("cannot write " + path + ": no frames");
  const int w = frames[0].width, h = frames[0].height;
  std::string bytes;
  int err = 0;
  auto sink = [](GifFileType* gif, const GifByteType* data, int n) {
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), n);
    return n;
  };
  GifFileType* gif = EGifOpen(&bytes, sink, &err);
  if (!gif) throw IoError("cannot write " + path + ": " + GifErrorString(err));
  auto fail = [&](const char* what) {
    EGifCloseFile(gif, &err);
    throw IoError("cannot write " + path + " (" + what + ")");
  };
  GifColorType colors[256];
  for (int i = 0; i < 256; ++i) colors[i] = {static_cast<GifByteType>(i), static_cast<GifByteType>(i), static_cast<GifByteType>(i)};
  ColorMapObject* map = GifMakeMapObject(256, colors);
  EGifSetGifVersion(gif, true);
  if (EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_ERROR) {
    GifFreeMapObject(map);
    fail("screen");
  }
  GifFreeMapObject(map);
  // NETSCAPE2.0 application extension: loop forever.
  const GifByteType loop[3] = {1, 0, 0};
  if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR || EGifPutExtensionBlock(gif, 3, loop) == GIF_ERROR ||
      EGifPutExtensionTrailer(gif) == GIF_ERROR)
    fail("loop extension");
  if (EGifPutComment(gif, "ganlite") == GIF_ERROR) fail("comment");  // the author's mark (authorship.hpp)
  for (const GrayImage& f : frames) {
    if (f.width != w || f.height != h) fail("frames differ in size");
    GraphicsControlBlock gcb{};
    gcb.DelayTime = delay_cs;
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    const size_t len = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(len), ext) == GIF_ERROR) fail("frame delay");
    if (EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) fail("frame");
    for (int y = 0; y < h; ++y)
      if (EGifPutLine(gif, const_cast<GifPixelType*>(f.pixels.data() + static_cast<std::size_t>(y) * w), w) == GIF_ERROR)
        fail("pixels");
  }
  if (EGifCloseFile(gif, &err) == GIF_ERROR) throw IoError("cannot write " + path + ": " + GifErrorString(err));
  write_file_atomic(path, bytes);
}

}  // namespace ganlite
