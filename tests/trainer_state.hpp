// Every tensor of a trainer's state, copied, in checkpoint order (networks with their BatchNorm
// statistics, then the Adam moments, then G's moving average if kept): what the tests compare
// bit for bit between two trainers.
#pragma once
#include <ganlite/train/gan_trainer.hpp>
#include <vector>

namespace test_state {

inline std::vector<ganlite::Tensor<float>> of(ganlite::GanTrainer<float>& t) {
  std::vector<ganlite::Tensor<float>> all;
  for (auto* net : {&t.generator(), &t.discriminator()})
    for (auto* x : net->state_tensors()) all.push_back(*x);
  for (auto* opt : {&t.generator_optimizer(), &t.discriminator_optimizer()}) {
    const ganlite::AdamState<float> s = opt->state();
    all.insert(all.end(), s.m.begin(), s.m.end());
    all.insert(all.end(), s.v.begin(), s.v.end());
  }
  if (auto* avg = t.generator_average())
    for (auto* x : avg->state_tensors()) all.push_back(*x);
  return all;
}

}  // namespace test_state
