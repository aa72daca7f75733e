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
// subtrees of the tree, so each process first adds its own shards and offers one "leaf" (its
// block sum); otherwise it offers every shard's partial (S/P leaves). The leaves of all
// processes are then added by the tree, in one of two ways with the same bits:
//   - small sums (BatchNorm statistics, losses): every leaf to every process (one allgather),
//     and each adds the whole tree: one message's latency;
//   - large sums (the gradients, n values): process r adds the tree for its own 1/P of the n
//     values (an all-to-all brings it every process's leaves of that part), then the P parts are
//     gathered. Each process sends and receives about 2 (P - 1) / P of its leaves' bytes, what a
//     ring all-reduce moves, instead of the allgather's (P - 1) times (docs/distributed.md).
#pragma once
#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "communicator.hpp"

namespace ganlite {

namespace detail {
// out[0..m) = the tree sum of parts[0..count) at [at, at + m). The left subtree is formed in out,
// the right one in scratch's first stride values, and the right one's own subtrees further on:
// scratch holds (levels of right turns) * stride values.
template <class V>
void tree_sum_block(const V* const* parts, int count, std::size_t at, std::size_t m, V* out, V* scratch, std::size_t stride) {
  if (count == 1) {
    std::copy(parts[0] + at, parts[0] + at + m, out);
    return;
  }
  const int half = count / 2;
  tree_sum_block(parts, half, at, m, out, scratch, stride);
  tree_sum_block(parts + half, count - half, at, m, scratch, scratch + stride, stride);
  for (std::size_t i = 0; i < m; ++i) out[i] += scratch[i];
}
}  // namespace detail

// out (n values) = the halving-tree sum of parts[0..count), each n values. out may not alias a
// part. Formed block by block (kBlock values), the right subtrees' partials in one small buffer
// per tree level: no allocation per node, and each block's values stay in cache.
template <class V>
void tree_sum(const V* const* parts, int count, std::size_t n, V* out) {
  if (count <= 0) throw std::invalid_argument("tree_sum: no parts");
  constexpr std::size_t kBlock = 1024;
  int depth = 0;
  for (int c = count; c > 1; c -= c / 2) ++depth;  // the right subtree is the deeper one
  std::vector<V> scratch(static_cast<std::size_t>(depth) * std::min(n, kBlock));
  for (std::size_t at = 0; at < n; at += kBlock)
    detail::tree_sum_block(parts, count, at, std::min(kBlock, n - at), out + at, scratch.data(), std::min(n, kBlock));
}

inline bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

// The largest sum, in bytes of leaves per process, still sent whole to every process.
inline constexpr std::size_t kWholeTreeBytes = 64 * 1024;

// The working memory of sum_over_shards, kept between calls: a step sums the same sizes every
// time, and fresh buffers of the gradients' size cost page faults that can take longer than the
// sum itself (measured: 150 ms against 6 ms per sum of 2.3 M floats on 2 processes).
template <class V>
struct ShardSumBuffers {
  std::vector<V> block, send, recv, part, gathered;
  std::vector<const V*> leaves, parts;
};

// out (n values, the same bits on every process) = the tree sum over all `shards` shards, from
// this process's local_parts (shards / comm.size() of them, its shards in order). Returns the
// bytes this process must send to the others (and receive from them), whatever route MPI takes.
template <class V>
std::size_t sum_over_shards(Communicator& comm, const std::vector<const V*>& local_parts, std::size_t n, int shards, V* out,
                            ShardSumBuffers<V>& buf) {
  const int P = comm.size();
  if (shards < P || shards % P != 0)
    throw std::invalid_argument("sum_over_shards: " + std::to_string(shards) + " shards can't be shared equally by " + std::to_string(P) + " processes");
  const int local = shards / P;
  if (static_cast<int>(local_parts.size()) != local)
    throw std::invalid_argument("sum_over_shards: " + comm.who() + " holds " + std::to_string(local_parts.size()) + " shards, not " + std::to_string(local));
  if (P == 1) {
    tree_sum(local_parts.data(), local, n, out);
    return 0;
  }
  const std::size_t others = static_cast<std::size_t>(P - 1), procs = static_cast<std::size_t>(P);
  buf.leaves = local_parts;
  if (is_power_of_two(P) && local > 1) {  // blocks are subtrees: our one leaf is our block's sum
    buf.block.resize(n);
    tree_sum(local_parts.data(), local, n, buf.block.data());
    buf.leaves = {buf.block.data()};
  }
  const std::size_t L = buf.leaves.size();
  buf.parts.clear();
  if (L * n * sizeof(V) <= kWholeTreeBytes || n < procs) {  // every leaf to every process
    buf.send.resize(L * n);
    buf.gathered.resize(L * n * procs);
    for (std::size_t l = 0; l < L; ++l) std::copy(buf.leaves[l], buf.leaves[l] + n, buf.send.data() + n * l);
    comm.allgather(buf.send.data(), L * n, buf.gathered.data());
    for (std::size_t i = 0; i < L * procs; ++i) buf.parts.push_back(buf.gathered.data() + n * i);
    tree_sum(buf.parts.data(), static_cast<int>(buf.parts.size()), n, out);
    return others * L * n * sizeof(V);
  }
  // Process r owns values [r * c, (r + 1) * c) (the last part shorter; padding after it).
  const std::size_t c = (n + procs - 1) / procs;
  buf.send.resize(procs * L * c);
  buf.recv.resize(procs * L * c);
  buf.part.resize(c);
  buf.gathered.resize(procs * c);
  for (std::size_t r = 0; r < procs; ++r) {
    const std::size_t lo = std::min(n, r * c), hi = std::min(n, lo + c);
    for (std::size_t l = 0; l < L; ++l) std::copy(buf.leaves[l] + lo, buf.leaves[l] + hi, buf.send.data() + (r * L + l) * c);
  }
  comm.alltoall(buf.send.data(), L * c, buf.recv.data());  // process q's L leaves of our part, q = 0, 1, ...
  for (std::size_t i = 0; i < L * procs; ++i) buf.parts.push_back(buf.recv.data() + c * i);
  tree_sum(buf.parts.data(), static_cast<int>(buf.parts.size()), c, buf.part.data());
  comm.allgather(buf.part.data(), c, buf.gathered.data());
  std::copy(buf.gathered.data(), buf.gathered.data() + n, out);
  return others * (L + 1) * c * sizeof(V);
}

// The same with buffers of its own, for a sum made once.
template <class V>
std::size_t sum_over_shards(Communicator& comm, const std::vector<const V*>& local_parts, std::size_t n, int shards, V* out) {
  ShardSumBuffers<V> buf;
  return sum_over_shards(comm, local_parts, n, shards, out, buf);
}

}  // namespace ganlite
