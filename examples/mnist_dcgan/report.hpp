// examples/mnist_dcgan/report.hpp — the settings table of the run's index.html (the page itself
// is the library's GanRun's: ganlite/train/gan_run.hpp).
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include <ganlite/train/run_folder.hpp>

#include "options.hpp"

namespace mnist_dcgan {

using namespace ganlite;

#ifndef GANLITE_PROGRAM_VERSION
#define GANLITE_PROGRAM_VERSION "unknown"
#endif

inline std::string format_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// What a person can do with the finished run's generator: the commands, its last checkpoint
// named (docs/onnx_export.md for the ONNX model and the page).
inline std::string use_commands(const std::string& last, bool conditional) {
  const std::string c = "mnist_dcgan ";
  return "draw: " + c + (conditional ? "write --checkpoint " + last + " --text \"2026 12 06\" --out line.png; " : std::string()) +
         c + "generate --checkpoint " + last + " --count 16 --out grid.png; as ONNX: " + c + "export --checkpoint " + last +
         " --out generator.onnx; in a browser: " + c + "export --checkpoint " + last + " --html page, then open page/index.html";
}

// What the run is: one line per setting, in the order a person reads them.
inline std::vector<std::pair<std::string, std::string>> run_settings(const TrainOptions& o, int images, int threads, const char* kernel) {
  return {{"command", o.command_line},
          {"data", o.data_dir + " (" + std::to_string(images) + " training images)"},
          {"output folder", o.out_dir},
          {"epochs", std::to_string(o.epochs)},
          {"batch", std::to_string(o.batch)},
          {"recipe", o.recipe + " (--recipe; each flag given beside it overrides it)"},
          {"Adam learning rate", o.d_lr > 0 && o.d_lr != o.lr ? format_number(o.lr) + " for G, " + format_number(o.d_lr) + " for D (--d-lr)" : format_number(o.lr)},
          {"Adam beta1", format_number(o.beta1)},
          {"seed", std::to_string(o.seed)},
          {"conditional", o.conditional ? "yes: G and D see the class (grid row r = class r)" : "no (the seed's model)"},
          {"objective", o.loss == "bce" ? "bce: BCE with logits (the seed's)" : o.loss + " (--loss)"},
          {"discriminator", std::string(o.spectral_norm ? "spectrally normalized (--spectral-norm)" : "as the seed's") +
                                (o.augment == "none" ? "" : "; sees images augmented by " + o.augment + " (--augment)")},
          {"generator drawn", o.ema > 0 ? "its moving average, decay " + format_number(o.ema) + " (--ema)" + (o.ema_warmup ? ", warmed up (--ema-warmup)" : "")
                                        : "as trained"},
          {"checkpoint every", std::to_string(o.checkpoint_every) + " epochs"},
          {"threads", std::to_string(threads) + (o.processes > 1 ? " per process" : "")},
          {"processes and shards", std::to_string(o.processes) + " process" + (o.processes > 1 ? "es" : "") + ", " + std::to_string(o.shards) +
                                       " shard" + (o.shards > 1 ? "s" : "") + " per batch"},
          {"GEMM kernel", kernel},
          {"when it is done", use_commands(checkpoint_path(o.out_dir, o.epochs), o.conditional)},
          {"program", std::string("mnist_dcgan, ganlite ") + GANLITE_PROGRAM_VERSION}};
}

}  // namespace mnist_dcgan
