// ganlite/models/model_average.hpp — one model from several snapshots of the same architecture,
// weight by weight: every parameter and buffer (BatchNorm statistics) becomes the mean of that
// tensor over the snapshots.
//
// Why: a GAN's generator does not settle on one point; with Adam it circles about it from step to
// step, and any single snapshot is one draw from that circle. The mean of the last few epochs'
// generators (Polyak averaging, as Yazıcı et al. 2019 apply it to GANs) sits nearer the middle.
// On the conditional DCGAN it lifts requested-class accuracy by 1.5 points (docs/results.md).
// The mean is taken in double and in the order given, so it does not depend on threads.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "sequential.hpp"

namespace ganlite {

// into := mean(into, others...). Every model must have the same tensors (count and shapes) as
// into, or std::invalid_argument names the first that differs; into is unchanged then.
template <typename T>
void average_models(Sequential<T>& into, const std::vector<Sequential<T>*>& others) {
  auto tensors_of = [](Sequential<T>& m) {
    std::vector<Tensor<T>*> all = m.params();
    for (Tensor<T>* b : m.buffers()) all.push_back(b);
    return all;
  };
  const std::vector<Tensor<T>*> out = tensors_of(into);
  std::vector<std::vector<Tensor<T>*>> ins;
  for (std::size_t m = 0; m < others.size(); ++m) {
    ins.push_back(tensors_of(*others[m]));
    const std::string which = "average_models: model " + std::to_string(m + 1) + " of the others";
    if (ins.back().size() != out.size())
      throw std::invalid_argument(which + " has " + std::to_string(ins.back().size()) + " tensors, the first " + std::to_string(out.size()));
    for (std::size_t i = 0; i < out.size(); ++i)
      if (ins.back()[i]->shape() != out[i]->shape())
        throw std::invalid_argument(which + ": tensor " + std::to_string(i) + " has another shape than the first's");
  }
  const double n = static_cast<double>(others.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t e = 0; e < out[i]->size(); ++e) {
      double sum = (*out[i])[e];
      for (const auto& in : ins) sum += (*in[i])[e];
      (*out[i])[e] = static_cast<T>(sum / n);
    }
}

}  // namespace ganlite
