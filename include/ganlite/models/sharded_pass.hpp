// ganlite/models/sharded_pass.hpp — one pass of several copies of a network, each on its shard
// of one batch, in lockstep.
//
// Copy j holds its rows of the batch (set_shard, layer.hpp). The copies run layer by layer; a
// layer that needs whole-batch sums runs in rounds: every copy writes its part, `sum` adds the
// parts over every shard (this process's copies and other processes', dist/shards.hpp), every
// copy reads the totals. Other layers run as they would alone. `before_layer` runs before each
// layer's forward on the copies, e.g. to start every copy's Rng where the first copy's stands,
// so that a layer that draws (Dropout) draws the whole batch's numbers in each copy.
//   forward_shards(copies, x, mode):  x[j]: copy j's input (rows_j, ...) -> each copy's output
//   backward_shards(copies, dy):      dy[j] like its output -> each copy's dL/dx (as backward)
#pragma once
#include <functional>
#include <vector>

#include "sequential.hpp"

namespace ganlite {

// parts: n values of each local copy, one block after another; totals: n values.
using SumOverShards = std::function<void(const double* parts, std::size_t n, double* totals)>;

template <class T>
class ShardedPass {
 public:
  ShardedPass(SumOverShards sum, std::function<void()> before_layer) : sum_(std::move(sum)), before_layer_(std::move(before_layer)) {}

  std::vector<const Tensor<T>*> forward(const std::vector<Sequential<T>*>& copies, std::vector<const Tensor<T>*> h, Mode mode) {
    Sequential<T>& first = *copies[0];
    for (std::size_t i = 0; i < first.size(); ++i) {
      if (before_layer_) before_layer_();
      const int rounds = first.layer(i).forward_sum_rounds(mode);
      if (rounds == 0) {
        for (std::size_t j = 0; j < copies.size(); ++j) h[j] = &copies[j]->layer(i).forward(*h[j], mode);
        continue;
      }
      const double* totals = sum_rounds(copies, i, Pass::Forward, rounds, h);
      for (std::size_t j = 0; j < copies.size(); ++j) h[j] = &copies[j]->layer(i).finish_forward(*h[j], totals);
    }
    return h;
  }

  std::vector<const Tensor<T>*> backward(const std::vector<Sequential<T>*>& copies, std::vector<const Tensor<T>*> g) {
    Sequential<T>& first = *copies[0];
    for (std::size_t i = first.size(); i-- > 0;) {
      const int rounds = first.layer(i).backward_sum_rounds();
      if (rounds == 0) {
        for (std::size_t j = 0; j < copies.size(); ++j) g[j] = &copies[j]->layer(i).backward(*g[j]);
        continue;
      }
      const double* totals = sum_rounds(copies, i, Pass::Backward, rounds, g);
      for (std::size_t j = 0; j < copies.size(); ++j) g[j] = &copies[j]->layer(i).finish_backward(*g[j], totals);
    }
    return g;
  }

 private:
  // Every round's totals of layer i, one round after another.
  const double* sum_rounds(const std::vector<Sequential<T>*>& copies, std::size_t i, Pass pass, int rounds, const std::vector<const Tensor<T>*>& in) {
    const std::size_t n = copies[0]->layer(i).sums_per_round(pass);
    totals_.resize(n * static_cast<std::size_t>(rounds));  // kept from pass to pass: no allocation per layer
    parts_.resize(n * copies.size());
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t j = 0; j < copies.size(); ++j) copies[j]->layer(i).partial_sums(pass, r, *in[j], totals_.data(), parts_.data() + n * j);
      sum_(parts_.data(), n, totals_.data() + n * static_cast<std::size_t>(r));
    }
    return totals_.data();
  }

  SumOverShards sum_;
  std::function<void()> before_layer_;
  std::vector<double> parts_, totals_;
};

}  // namespace ganlite
