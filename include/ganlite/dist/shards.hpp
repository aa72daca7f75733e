// ganlite/dist/shards.hpp — how a batch is cut into shards over processes, and the sums over
// them: what a trainer needs to run its step data-parallel.
//
// The batch of B rows is cut into S shards, shard s holding rows [s*B/S, (s+1)*B/S); process r
// of P holds shards [r*S/P, (r+1)*S/P), each run by its own copy of the networks. Sums over the
// shards (gradients, whole-batch sums of BatchNorm, losses) go through shard_sum.hpp's fixed
// tree, so the bits depend on S and not on P. The default is one shard in one process, where
// every sum is its one part.
#pragma once
#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "communicator.hpp"
#include "shard_sum.hpp"

namespace ganlite {

class Shards {
 public:
  Shards() = default;  // one shard, one process
  // S shards over comm's processes (comm must outlive this).
  Shards(Communicator& comm, int shards) : comm_(&comm), count_(shards) {
    if (shards < 1 || shards < comm.size() || shards % comm.size() != 0)
      throw std::invalid_argument(std::to_string(shards) + " shards can't be shared equally by " + std::to_string(comm.size()) + " process" +
                                  (comm.size() == 1 ? "" : "es") + " (the shard count must be a multiple of the process count)");
    local_ = shards / comm.size();
  }

  int count() const { return count_; }  // S
  int local() const { return local_; }  // this process's shards
  int first() const { return comm_ ? comm_->rank() * local_ : 0; }
  int processes() const { return comm_ ? comm_->size() : 1; }
  bool whole() const { return count_ == 1; }  // one shard: the batch is not cut
  Communicator* communicator() const { return comm_; }

  // Rows [first, second) of a batch of `batch` rows that this process's shard j holds.
  std::pair<long, long> rows(int j, long batch) const {
    const long s = first() + j;
    return {s * batch / count_, (s + 1) * batch / count_};
  }

  // out (n values, the same bits on every process) = the sum over all shards of the local
  // shards' parts, shard j's at parts + j*n.
  template <class V>
  void sum(const V* parts, std::size_t n, V* out) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<const V*> local;
    for (int j = 0; j < local_; ++j) local.push_back(parts + n * static_cast<std::size_t>(j));
    if (comm_) timing_.bytes_sent += sum_over_shards(*comm_, local, n, count_, out, buffers<V>());
    else tree_sum(local.data(), local_, n, out);
    timing_.sum_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Rank 0's values to every process (parameters at the start and after a resume).
  template <class V>
  void broadcast(V* data, std::size_t n) {
    if (comm_) comm_->broadcast(data, n, 0);
  }

  // Where the steps' time went, summed since the start: the whole steps, and the part spent
  // summing over shards (copies, exchange, tree); bytes this process sent to the others in
  // those exchanges (as many as it received).
  struct Timing {
    double step_seconds = 0, sum_seconds = 0;
    std::size_t bytes_sent = 0;
    long steps = 0;
  };
  const Timing& timing() const { return timing_; }
  Timing& timing() { return timing_; }

 private:
  template <class V>
  ShardSumBuffers<V>& buffers() {
    if constexpr (std::is_same_v<V, float>) return float_sums_;
    else return double_sums_;
  }

  Communicator* comm_ = nullptr;  // null: one process
  int count_ = 1, local_ = 1;
  Timing timing_;
  ShardSumBuffers<float> float_sums_;
  ShardSumBuffers<double> double_sums_;
};

}  // namespace ganlite
