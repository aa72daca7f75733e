// BM_TrainStep/<batch>: one full training step of the seed DCGAN (DcganTrainer::train_step:
// G forward, D on real and fake, all backward passes, both Adam updates). Counter GFLOPS counts
// the GEMM arithmetic of the step in the im2col formulation (kDcganGemms, scaled by batch), the
// bulk of all work: a nominal rate, since the by-position convolutions
// (kernels/conv_by_position.hpp) skip the products with padding zeros that im2col counts.
// BM_Layer/<net>/<index>_<name>/<fwd|bwd>: each layer of both networks at batch 256, with the
// input it sees in training.
// BM_StepWith/<ingredient>: the step of BM_TrainStep/256 with one of the ingredients of
// docs/results.md's ablation on (hinge, least-squares, spectral-norm, augment, ema, d-lr), all of
// them, the recipe best (the paper's Adam, hinge, ema), or none (the seed's step); compare them within one run, e.g.
//   ganlite_bench --benchmark_filter=BM_StepWith --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include <ganlite/ganlite.hpp>
#include <ganlite/train/dcgan_recipe.hpp>
#include <ganlite/train/dcgan_trainer.hpp>
#include <string>

#include "dcgan_shapes.hpp"

using namespace ganlite;

namespace {

// GEMM flops of one step at batch b: G forward + backward, D forward twice, D weight gradients
// twice (real, fake), D input gradient once (the generator's pass).
double step_gemm_flops(int b) {
  double f = 0;
  for (const auto& s : bench::kDcganGemms) {
    const std::string w = s.where;
    double n = 2.0 * s.M * s.N * s.K * b / 256.0;
    if (w == "G.dense.dW" || w == "G.dense.fwd" || w.rfind("G.", 0) == 0) f += n;
    else if (w.find(".fwd") != std::string::npos || w.find(".dW") != std::string::npos) f += 2 * n;
    else f += n;  // D dx
  }
  return f;
}

Tensor<float> random_batch(int b, Rng& rng) {
  Tensor<float> x({b, 28, 28, 1});
  for (auto& v : x) v = static_cast<float>(std::tanh(rng.normal()));
  return x;
}

void BM_TrainStep(benchmark::State& st) {
  const int b = static_cast<int>(st.range(0));
  DcganTrainer t(DcganConfig{1, 1e-4, 0.9, b, 0.3, 0, {}, 1});
  Rng rng(3);
  const Tensor<float> real = random_batch(b, rng);
  t.train_step(real);  // first step sizes every buffer
  for (auto _ : st) benchmark::DoNotOptimize(t.train_step(real));
  st.counters["GFLOPS"] = benchmark::Counter(step_gemm_flops(b), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  st.counters["img/s"] = benchmark::Counter(b, benchmark::Counter::kIsIterationInvariantRate);
}
// The ablation's ingredients, one at a time (scripts/step_costs.sh runs them side by side).
void register_ingredient_benchmarks() {
  const std::pair<const char*, void (*)(DcganConfig&)> ingredients[] = {
      {"none", [](DcganConfig&) {}},
      {"hinge", [](DcganConfig& c) { c.objective = "hinge"; }},
      {"least-squares", [](DcganConfig& c) { c.objective = "least-squares"; }},
      {"spectral-norm", [](DcganConfig& c) { c.spectral_norm = true; }},
      {"augment", [](DcganConfig& c) { c.augment = "translation,cutout"; }},
      {"ema", [](DcganConfig& c) { c.generator_ema = 0.999; }},
      {"d-lr", [](DcganConfig& c) { c.discriminator_learning_rate = 4e-4; }},
      {"all", [](DcganConfig& c) {
         c = dcgan_recipe("paper", c);
         c.objective = "hinge", c.spectral_norm = true, c.augment = "translation,cutout", c.generator_ema = 0.999, c.discriminator_learning_rate = 4e-4;
       }},
      {"best", [](DcganConfig& c) { c = dcgan_recipe("best", c); }},
  };
  for (const auto& [name, set] : ingredients)
    benchmark::RegisterBenchmark((std::string("BM_StepWith/") + name).c_str(), [set = set](benchmark::State& st) {
      DcganConfig c{1, 1e-4, 0.9, 256, 0.3, 0, {}, 1};
      set(c);
      DcganTrainer t(c);
      Rng rng(3);
      const Tensor<float> real = random_batch(256, rng);
      t.train_step(real);
      for (auto _ : st) benchmark::DoNotOptimize(t.train_step(real));
    })->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
}
const bool ingredients_registered = (register_ingredient_benchmarks(), true);

BENCHMARK(BM_TrainStep)->Arg(32)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// Per-layer timings: run the network forward once to get each layer's real input, then time
// that layer alone.
void register_layer_benchmarks() {
  struct Net {
    const char* name;
    bool generator;
  };
  for (Net net : {Net{"G", true}, Net{"D", false}}) {
    Rng probe_init(1), probe_drop(2);
    auto probe = net.generator ? make_generator<float>(probe_init) : make_discriminator<float>(probe_init, probe_drop);
    for (std::size_t i = 0; i < probe.size(); ++i) {
      const std::string base = std::string("BM_Layer/") + net.name + "/" + std::to_string(i) + "_" + probe.layer(i).name();
      for (bool backward : {false, true}) {
        benchmark::RegisterBenchmark((base + (backward ? "/bwd" : "/fwd")).c_str(), [net, i, backward](benchmark::State& st) {
          Rng init(1), drop(2), data(3);
          auto model = net.generator ? make_generator<float>(init) : make_discriminator<float>(init, drop);
          Tensor<float> x;
          if (net.generator) {
            x.resize({256, kNoiseDim});
            for (auto& v : x) v = static_cast<float>(data.normal());
          } else {
            x = random_batch(256, data);
          }
          const Tensor<float>* h = &x;
          for (std::size_t k = 0; k < i; ++k) h = &model.layer(k).forward(*h, Mode::Train);
          Layer<float>& layer = model.layer(i);
          layer.set_needs_input_grad(i > 0 || !net.generator);
          const Tensor<float> y = layer.forward(*h, Mode::Train);
          Tensor<float> dy(y.shape());
          for (auto& v : dy) v = static_cast<float>(data.normal() * 1e-3);
          for (auto _ : st) {
            if (backward)
              benchmark::DoNotOptimize(layer.backward(dy).data());
            else
              benchmark::DoNotOptimize(layer.forward(*h, Mode::Train).data());
          }
        })->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.2);
      }
    }
  }
}
const bool registered = (register_layer_benchmarks(), true);

}  // namespace
