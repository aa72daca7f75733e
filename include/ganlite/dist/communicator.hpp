// ganlite/dist/communicator.hpp — what data-parallel training needs from its processes, and the
// one-process default.
//
// The trainer talks to a Communicator and never to MPI: the core headers stay MPI-free, and a
// program built without MPI trains exactly as it always did. ganlite/dist/mpi_communicator.hpp
// (the ganlite::mpi CMake target) is the MPI one.
//   allgather   every process's n floats, in rank order, to every process: the building block of
//               the deterministic sums (shard_sum.hpp), which need each part's exact bits
//   alltoall    part r of every process's values to process r: with allgather, the large
//               deterministic sums at the bytes of a ring all-reduce
//   broadcast   rank `root`'s values to all (parameters at start and after a resume)
//   any         whether `flag` is true on any process (a stop request), on every process, so
//               that all of them take the same branch and none waits forever
//   abort_all   a failure on one process ends them all
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ganlite {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // recv: size() * bytes, process r's send at recv + r * bytes.
  virtual void allgather_bytes(const void* send, std::size_t bytes, void* recv) = 0;
  // send and recv: size() * bytes; send + r * bytes goes to process r, and recv + q * bytes
  // comes from process q.
  virtual void alltoall_bytes(const void* send, std::size_t bytes, void* recv) = 0;
  virtual void broadcast_bytes(void* data, std::size_t bytes, int root) = 0;
  virtual bool any(bool flag) = 0;
  // Ends every process of the job with `code`: after a failure on one process, which the others,
  // waiting in a collective, would never hear of.
  [[noreturn]] virtual void abort_all(int code) = 0;

  // The same on arrays of floats, doubles, ...: n values from each process, recv size() * n.
  template <class V>
  void allgather(const V* send, std::size_t n, V* recv) {
    allgather_bytes(send, n * sizeof(V), recv);
  }
  template <class V>
  void alltoall(const V* send, std::size_t n, V* recv) {
    alltoall_bytes(send, n * sizeof(V), recv);
  }
  template <class V>
  void broadcast(V* data, std::size_t n, int root) {
    broadcast_bytes(data, n * sizeof(V), root);
  }
  // A name for messages: "process 1 of 4".
  std::string who() const { return "process " + std::to_string(rank()) + " of " + std::to_string(size()); }
};

// One process: every collective is a copy, or nothing.
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allgather_bytes(const void* send, std::size_t bytes, void* recv) override {
    if (bytes) std::memcpy(recv, send, bytes);
  }
  void alltoall_bytes(const void* send, std::size_t bytes, void* recv) override {
    if (bytes) std::memcpy(recv, send, bytes);
  }
  void broadcast_bytes(void*, std::size_t, int) override {}
  bool any(bool flag) override { return flag; }
  [[noreturn]] void abort_all(int code) override { std::exit(code); }
};

}  // namespace ganlite
