// ganlite/dist/shard_sum.hpp — sums over the shards of a batch whose bits don't depend on how
// many processes hold them.
//
// Floating-point addition is not associative, and MPI does not fix the order in which a
// reduction adds; so the order is ours. The global batch is cut into S shards; each shard's
// partial sum (of a gradient, of BatchNorm statistics) is formed alone, and the S partials are
// added by one fixed tree over shard index, halving: sum[lo, hi) = sum[lo, mid) + sum[mid, hi),
// mid = lo + (hi - lo) / 2. Whatever process holds a shard, the expression is the same, so one
// process with S shards and P processes with S shards give the same bits.
//
// Process r holds shards [r * S/P, (r + 1) * S/P). When P is a power of two those blocks are
// subtrees of the tree: each process adds its own shards, the P block sums are exchanged
// (allgather, n floats from each) and the top of the tree is added everywhere. Otherwise every
// shard's partial is exchanged (S/P * n floats from each) and the whole tree is added everywhere.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "communicator.hpp"

namespace ganlite {

// out (n values) = the halving-tree sum of parts[0..count), each n values. out may not alias a part.
template <class V>
void tree_sum(const V* const* parts, int count, std::size_t n, V* out) {
  if (count <= 0) throw std::invalid_argument("tree_sum: no parts");
  if (count == 1) {
    std::copy(parts[0], parts[0] + n, out);
    return;
  }
  const int half = count / 2;
  std::vector<V> right(n);
  tree_sum(parts, half, n, out);
  tree_sum(parts + half, count - half, n, right.data());
  for (std::size_t i = 0; i < n; ++i) out[i] += right[i];
}

inline bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

// out (n values, the same bits on every process) = the tree sum over all `shards` shards, from
// this process's local_parts (shards / comm.size() of them, its shards in order).
template <class V>
void sum_over_shards(Communicator& comm, const std::vector<const V*>& local_parts, std::size_t n, int shards, V* out) {
  const int P = comm.size();
  if (shards < P || shards % P != 0)
    throw std::invalid_argument("sum_over_shards: " + std::to_string(shards) + " shards can't be shared equally by " + std::to_string(P) + " processes");
  const int local = shards / P;
  if (static_cast<int>(local_parts.size()) != local)
    throw std::invalid_argument("sum_over_shards: " + comm.who() + " holds " + std::to_string(local_parts.size()) + " shards, not " + std::to_string(local));
  if (P == 1) return tree_sum(local_parts.data(), local, n, out);
  std::vector<const V*> parts;
  std::vector<V> gathered;
  if (is_power_of_two(P)) {  // blocks are subtrees: add ours, exchange the block sums
    std::vector<V> mine(n);
    tree_sum(local_parts.data(), local, n, mine.data());
    gathered.resize(n * static_cast<std::size_t>(P));
    comm.allgather(mine.data(), n, gathered.data());
    for (int r = 0; r < P; ++r) parts.push_back(gathered.data() + n * static_cast<std::size_t>(r));
  } else {  // exchange every shard's partial
    std::vector<V> mine(n * static_cast<std::size_t>(local));
    for (int s = 0; s < local; ++s) std::copy(local_parts[static_cast<std::size_t>(s)], local_parts[static_cast<std::size_t>(s)] + n, mine.begin() + static_cast<std::ptrdiff_t>(n * s));
    gathered.resize(mine.size() * static_cast<std::size_t>(P));
    comm.allgather(mine.data(), mine.size(), gathered.data());
    for (int s = 0; s < shards; ++s) parts.push_back(gathered.data() + n * static_cast<std::size_t>(s));
  }
  tree_sum(parts.data(), static_cast<int>(parts.size()), n, out);
}

}  // namespace ganlite
