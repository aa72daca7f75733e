// Run under mpirun with 1, 2, 3 or 4 processes (CTest does, where MPI was found): the sum over 4,
// 6, 8 or 12 shards (dist/shard_sum.hpp) has the same bits on every process and for every process count
// as the one-process tree sum of all the shards, which each process also forms by itself here;
// broadcast and any() reach every process. Exit 0 when all holds, 1 (naming what failed) if not.
#include <cstdio>
#include <cstring>
#include <ganlite/dist/mpi_communicator.hpp>
#include <ganlite/dist/shard_sum.hpp>
#include <ganlite/rng.hpp>
#include <vector>

using namespace ganlite;

namespace {

// Shard s's partial: n values of mixed magnitude, so that the order of addition shows in the bits.
std::vector<float> shard_part(int s, std::size_t n) {
  Rng r(1000 + static_cast<std::uint64_t>(s));
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>((r.uniform() - 0.5) * (r.below(2) ? 1e4 : 1e-3));
  return v;
}

int failures = 0;
void expect(bool ok, const std::string& what, const Communicator& c) {
  if (!ok) {
    std::fprintf(stderr, "%s: FAILED: %s\n", c.who().c_str(), what.c_str());
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  MpiCommunicator comm(&argc, &argv);
  // 1000 values go whole to every process; 100003 (odd, so the last process's part is short) are
  // added part by part (all-to-all, then allgather). 6 and 12 shards on 3 processes exchange
  // every shard's partial; on 2 and 4, the blocks' sums.
  for (const std::size_t n : {std::size_t{1000}, std::size_t{100003}})
  for (int shards : {4, 8, 6, 12}) {
    if (shards % comm.size() != 0) continue;
    std::vector<std::vector<float>> all;
    std::vector<const float*> all_ptrs;
    for (int s = 0; s < shards; ++s) all.push_back(shard_part(s, n));
    for (auto& v : all) all_ptrs.push_back(v.data());
    std::vector<float> expected(n), got(n);
    tree_sum(all_ptrs.data(), shards, n, expected.data());

    const int local = shards / comm.size();
    std::vector<const float*> mine;
    for (int s = comm.rank() * local; s < (comm.rank() + 1) * local; ++s) mine.push_back(all_ptrs[static_cast<std::size_t>(s)]);
    sum_over_shards(comm, mine, n, shards, got.data());
    expect(std::memcmp(got.data(), expected.data(), n * sizeof(float)) == 0,
           "the sum of " + std::to_string(n) + " values over " + std::to_string(shards) + " shards differs from the one-process tree sum", comm);
  }
  std::vector<float> b(5, static_cast<float>(comm.rank()));
  comm.broadcast(b.data(), b.size(), comm.size() - 1);
  expect(b[0] == comm.size() - 1 && b[4] == comm.size() - 1, "broadcast from the last process", comm);
  expect(comm.any(comm.rank() == comm.size() - 1), "any(true on the last process only)", comm);
  expect(!comm.any(false), "any(false everywhere)", comm);
  if (failures == 0 && comm.rank() == 0) std::printf("shard sums, broadcast and any agree on %d processes\n", comm.size());
  return failures ? 1 : 0;
}
