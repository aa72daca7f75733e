// ganlite/models/shard_copies.hpp — what a data-parallel step does with the copies of one network
// that run the shards of a batch (sharded_pass.hpp runs their passes): the rows a shard holds,
// the gradients of every shard summed into the first copy, the first copy's state given to the
// others.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include "../dist/shards.hpp"
#include "sequential.hpp"

namespace ganlite {

// out = rows [r0, r1) of t (rows along its first dimension).
template <class T>
void batch_rows(const Tensor<T>& t, long r0, long r1, Tensor<T>& out) {
  Shape s = t.shape();
  s[0] = static_cast<int>(r1 - r0);
  out.resize(s);
  const std::size_t row = t.size() / static_cast<std::size_t>(t.dim(0));
  std::copy(t.data() + row * static_cast<std::size_t>(r0), t.data() + row * static_cast<std::size_t>(r1), out.data());
}

// Every parameter and BatchNorm statistic of `from` into `to` (a copy made by the same factory).
template <class T>
void copy_state(Sequential<T>& from, Sequential<T>& to) {
  auto a = from.state_tensors(), b = to.state_tensors();
  for (std::size_t k = 0; k < a.size(); ++k) *b[k] = *a[k];
}

// The gradients of this process's copies, each as one flat buffer, summed over all shards
// (Shards::sum, the same bits on every process) into the first copy's. Keeps its buffers between
// steps.
template <class T>
class GradientSum {
 public:
  void operator()(Shards& shards, const std::vector<Sequential<T>*>& copies) {
    auto start = std::chrono::steady_clock::now();  // the copying counts as summing too (Shards::sum times itself)
    std::size_t n = 0;
    for (auto* t : copies[0]->grads()) n += t->size();
    flat_.resize(n * copies.size());
    for (std::size_t j = 0; j < copies.size(); ++j) {
      T* at = flat_.data() + n * j;
      for (auto* t : copies[j]->grads()) at = std::copy(t->data(), t->data() + t->size(), at);
    }
    total_.resize(n);
    shards.timing().sum_seconds += seconds_since(start);
    shards.sum(flat_.data(), n, total_.data());
    start = std::chrono::steady_clock::now();
    const T* at = total_.data();
    for (auto* t : copies[0]->grads()) {
      std::copy(at, at + t->size(), t->data());
      at += t->size();
    }
    shards.timing().sum_seconds += seconds_since(start);
  }

 private:
  static double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::vector<T> flat_, total_;
};

}  // namespace ganlite
