// dcgan_step_dump DIR — runs DcganTrainer::train_step three times on a small batch and writes
// everything PyTorch needs to repeat the same steps (compare_dcgan_step.py reads it):
//   init.*    both networks' weights and BatchNorm statistics before the first step
//   inputs.*  each step's real batch and the noise z the trainer drew
//   step1.*   the losses and every parameter gradient of step 1, the BatchNorm statistics after it
//   step3.*   the losses of all three steps and the weights after step 3
// Each stage is NAME.txt (one line per tensor: name and shape) and NAME.f32 (the tensors' float32
// values in that order, little-endian, ganlite's layouts). Dropout is set to 0 so the two
// frameworks see the same network without sharing random masks.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <ganlite/ganlite.hpp>
#include <ganlite/train/dcgan_trainer.hpp>

using namespace ganlite;

namespace {

using Named = std::vector<std::pair<std::string, const Tensor<float>*>>;

void write_stage(const std::string& dir, const std::string& stage, const Named& tensors) {
  std::ofstream txt(dir + "/" + stage + ".txt"), bin(dir + "/" + stage + ".f32", std::ios::binary);
  for (const auto& [name, t] : tensors) {
    txt << name;
    for (int d : t->shape()) txt << ' ' << d;
    txt << '\n';
    bin.write(reinterpret_cast<const char*>(t->data()), static_cast<std::streamsize>(t->size() * sizeof(float)));
  }
  if (!txt || !bin) throw std::runtime_error("cannot write " + dir + "/" + stage + ".{txt,f32}");
}

// "G.3.0": network, layer index, tensor index within that layer's params() (or "G.3.mean/var").
void add_net(Named& out, Sequential<float>& net, const std::string& tag, bool values, bool stats) {
  for (std::size_t i = 0; i < net.size(); ++i) {
    Layer<float>& l = net.layer(i);
    const std::string base = tag + "." + std::to_string(i) + ".";
    auto ps = values ? l.params() : l.grads();
    for (std::size_t k = 0; k < ps.size(); ++k) out.emplace_back(base + std::to_string(k), ps[k]);
    if (stats) {
      auto bs = l.buffers();
      if (bs.size() == 2) {
        out.emplace_back(base + "mean", bs[0]);
        out.emplace_back(base + "var", bs[1]);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: dcgan_step_dump DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  const int batch = 16, steps = 3;
  DcganConfig cfg;
  cfg.seed = 7;
  cfg.batch = batch;
  cfg.dropout = 0.0;
  DcganTrainer t(cfg);
  Sequential<float>& G = t.generator();
  Sequential<float>& D = t.discriminator();

  Named init;
  add_net(init, G, "G", true, true);
  add_net(init, D, "D", true, false);
  write_stage(dir, "init", init);

  Rng data(99);
  std::vector<Tensor<float>> reals, noises;
  Tensor<float> losses({steps, 4});
  Named step1;
  for (int s = 0; s < steps; ++s) {
    Tensor<float> real({batch, 28, 28, 1});
    for (auto& v : real) v = static_cast<float>(std::tanh(data.normal()));  // image-like values in (-1, 1)
    const StepStats st = t.train_step(real);
    reals.push_back(real);
    noises.push_back(t.last_noise());
    const float row[4] = {st.d_loss, st.g_loss, st.d_real, st.d_fake};
    for (int j = 0; j < 4; ++j) losses.data()[s * 4 + j] = row[j];
    if (s == 0) {  // gradients are left in place by train_step until the next one zeroes them
      add_net(step1, G, "G", false, true);  // gradients, and the BatchNorm statistics after step 1
      add_net(step1, D, "D", false, false);
      // The gradients are zeroed by step 2: write them now.
      write_stage(dir, "step1", step1);
    }
  }
  Named inputs;
  for (int s = 0; s < steps; ++s) {
    inputs.emplace_back("real." + std::to_string(s), &reals[s]);
    inputs.emplace_back("noise." + std::to_string(s), &noises[s]);
  }
  write_stage(dir, "inputs", inputs);
  Named step3{{"losses", &losses}};
  add_net(step3, G, "G", true, true);
  add_net(step3, D, "D", true, false);
  write_stage(dir, "step3", step3);
  std::cout << "wrote " << dir << "/{init,inputs,step1,step3}.{txt,f32}\n";
  return 0;
}
