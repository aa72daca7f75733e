// The fixed-order sums over shards (ganlite/dist/shard_sum.hpp) in one process: the tree is
// the one documented, its order shows in the bits (so the MPI tests that compare bits can fail),
// and shard counts that can't be shared are refused. tests/mpi/shard_sum_mpi.cpp runs the same
// sums on 2 and 4 processes.
#include <doctest/doctest.h>

#include <cstring>
#include <ganlite/dist/shard_sum.hpp>
#include <ganlite/rng.hpp>
#include <vector>

using namespace ganlite;

namespace {
std::vector<std::vector<float>> parts(int count, std::size_t n) {
  std::vector<std::vector<float>> p;
  for (int s = 0; s < count; ++s) {
    Rng r(1000 + static_cast<std::uint64_t>(s));
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>((r.uniform() - 0.5) * (r.below(2) ? 1e4 : 1e-3));
    p.push_back(v);
  }
  return p;
}
}  // namespace

TEST_CASE("tree_sum adds by halving: ((p0 + p1) + (p2 + p3)), ((p0 + (p1 + p2))... as written") {
  const std::size_t n = 1000;
  const auto p = parts(5, n);
  std::vector<const float*> ptr;
  for (auto& v : p) ptr.push_back(v.data());
  std::vector<float> four(n), five(n);
  tree_sum(ptr.data(), 4, n, four.data());
  tree_sum(ptr.data(), 5, n, five.data());
  int order_shows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(four[i] == (p[0][i] + p[1][i]) + (p[2][i] + p[3][i]));
    CHECK(five[i] == (p[0][i] + p[1][i]) + (p[2][i] + (p[3][i] + p[4][i])));
    order_shows += four[i] != ((p[0][i] + p[1][i]) + p[2][i]) + p[3][i];
  }
  CHECK(order_shows > 0);  // a left-to-right sum gives other bits for some elements
}

TEST_CASE("one process: sum_over_shards is the tree sum; shards that can't be shared are refused") {
  const std::size_t n = 64;
  const auto p = parts(4, n);
  std::vector<const float*> ptr;
  for (auto& v : p) ptr.push_back(v.data());
  SingleProcess one;
  std::vector<float> want(n), got(n);
  tree_sum(ptr.data(), 4, n, want.data());
  sum_over_shards(one, ptr, n, 4, got.data());
  CHECK(std::memcmp(want.data(), got.data(), n * sizeof(float)) == 0);
  CHECK_THROWS_AS(sum_over_shards(one, {ptr[0], ptr[1]}, n, 4, got.data()), std::invalid_argument);
  CHECK_THROWS_AS(sum_over_shards(one, {}, n, 0, got.data()), std::invalid_argument);
  CHECK(one.any(true));
  CHECK_FALSE(one.any(false));
  CHECK(one.who() == "process 0 of 1");
}
