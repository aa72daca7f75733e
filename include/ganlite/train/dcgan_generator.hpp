// ganlite/train/dcgan_generator.hpp — the seed DCGAN's generator out of a checkpoint, alone:
// what drawing samples needs, without the discriminator, the optimizers or the random generators.
//
//   DcganGenerator g = load_dcgan_generator("out/checkpoint_epoch_0030.ckpt");
//   const Tensor<float>& images = g.generate(z, labels);   // z: (B, 100); labels when conditional
//
// From a run that kept the generator's moving average (--ema) it is that average unless
// `trained` asks for the trained generator. Checkpoint versions 1 to 3 (a fixed layout, no
// names) are read whole and their generator kept.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "../io/weights.hpp"
#include "checkpoint.hpp"
#include "conditioning.hpp"

namespace ganlite {

struct DcganGenerator {
  DcganConfig config;    // the run's settings, as the checkpoint holds them
  RunPosition position;  // where the run stood when it was saved (epochs completed, its data)
  bool averaged = false;  // drawn from the generator's moving average
  Sequential<float> net{"generator", {kNoiseDim}};

  // G's images (B, 28, 28, 1) in Eval mode for noise z (B, 100) and, when conditional, the
  // class of each.
  const Tensor<float>& generate(const Tensor<float>& z, const std::vector<int>& labels = {}) {
    if (config.classes == 0) return net.forward(z, Mode::Eval);
    check_labels(labels, z.dim(0), config.classes);
    join_one_hot(z, labels, config.classes, input_);
    return net.forward(input_, Mode::Eval);
  }
  bool finite() {
    for (auto* t : net.state_tensors())
      for (float v : *t)
        if (!std::isfinite(v)) return false;
    return true;
  }

 private:
  Tensor<float> input_;
};

inline DcganGenerator load_dcgan_generator(const std::string& path, bool trained = false) {
  const std::string data = read_file(path);  // read once: the settings and the generator's tensors
  ByteReader r(data, path);
  const std::uint32_t version = read_archive_preamble(r, data.size());
  Archive a;
  const GanCheckpointInfo h = version >= 4 ? detail::dcgan_info_of(a = read_archive_body(r, version), r) : detail::read_legacy_info(r, version);
  DcganGenerator g;
  g.config = dcgan_config_of(h);
  g.position = h.position;
  g.averaged = g.config.generator_ema > 0 && !trained;
  if (version >= 4) {
    Rng unused(0);  // every weight is then read from the file
    g.net = make_generator<float>(unused, kNoiseDim + g.config.classes);
    const std::string network = g.averaged ? "generator_average" : "generator";
    detail::load_named_state(g.net, a, r, network + "/", detail::version4_prefix(network));
  } else {  // the fixed layout: read whole, its generator kept
    DcganTrainer t(g.config);
    load_checkpoint(t, path);
    g.net = std::move(t.generator());
  }
  if (!g.finite()) throw IoError(path + ": holds weights that are not finite (NaN or infinity); it can't be sampled or scored");
  return g;
}

}  // namespace ganlite
