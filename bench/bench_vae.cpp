// BM_VaeStep/<batch>/<classes>: one full training step of ganlite's convolutional VAE
// (VaeTrainer::train_step on models/vae.hpp's networks, latent 16: encoder forward, the
// reparameterized sample, decoder forward, the Bernoulli and KL terms, both backward passes, one
// Adam update), unconditional (classes 0) and conditional on 10 classes. Beside BM_TrainStep/256
// (a GAN step) in one run, e.g.
//   ganlite_bench --benchmark_filter='BM_VaeStep|BM_TrainStep/256' --benchmark_repetitions=5
// and beside PyTorch's step of the same model: bench/pytorch_vae.py --model conv --steps 40.
#include <benchmark/benchmark.h>

#include <ganlite/train/conv_vae.hpp>
#include <vector>

using namespace ganlite;

namespace {

void BM_VaeStep(benchmark::State& st) {
  const int b = static_cast<int>(st.range(0)), classes = static_cast<int>(st.range(1));
  VaeConfig c;
  c.batch = b, c.classes = classes;
  std::vector<std::string> names;
  for (int k = 0; k < classes; ++k) names.push_back(std::to_string(k));
  const auto vae = make_conv_vae(c, names);
  Rng rng(5);
  Tensor<float> images({b, 28, 28, 1});
  for (auto& v : images) v = static_cast<float>(rng.uniform(-1, 1));
  std::vector<int> labels;
  for (int i = 0; classes > 0 && i < b; ++i) labels.push_back(i % classes);
  vae->train_step(images, labels);  // the first step sizes every buffer
  for (auto _ : st) benchmark::DoNotOptimize(vae->train_step(images, labels));
  st.counters["img/s"] = benchmark::Counter(b, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_VaeStep)->Args({128, 0})->Args({128, 10})->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace
