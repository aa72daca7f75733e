// ganlite/dist/mpi_communicator.hpp — the Communicator over MPI (Open MPI from Debian:
// libopenmpi-dev, openmpi-bin). Only programs that link the ganlite::mpi CMake target include
// this header; the core never does.
//
// MpiCommunicator initialises MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI, the
// OpenMP threads never do) unless the program already has, and finalises it at the end if it
// initialised it. Everything goes as bytes (the values' exact bits); more than an MPI int can
// count is sent in pieces. MPI's default error
// handler (errors are fatal, every process ends) is kept: a failed collective never leaves one
// process waiting for another.
#pragma once
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "communicator.hpp"

namespace ganlite {

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator(int* argc, char*** argv) {
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) {
      int provided = 0;
      if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) throw std::runtime_error("MPI_Init_thread failed");
      owns_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override {
    int done = 0;
    MPI_Finalized(&done);
    if (owns_ && !done) MPI_Finalize();
  }
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allgather_bytes(const void* send, std::size_t bytes, void* recv) override {
    const char* in = static_cast<const char*>(send);
    char* out = static_cast<char*>(recv);
    if (bytes <= kPiece) {
      MPI_Allgather(in, static_cast<int>(bytes), MPI_BYTE, out, static_cast<int>(bytes), MPI_BYTE, MPI_COMM_WORLD);
      return;
    }
    std::vector<char> piece(kPiece * static_cast<std::size_t>(size_));
    for (std::size_t at = 0; at < bytes; at += kPiece) {
      const std::size_t c = std::min(kPiece, bytes - at);
      MPI_Allgather(in + at, static_cast<int>(c), MPI_BYTE, piece.data(), static_cast<int>(c), MPI_BYTE, MPI_COMM_WORLD);
      for (int r = 0; r < size_; ++r) std::copy(piece.data() + c * r, piece.data() + c * (r + 1), out + bytes * r + at);
    }
  }
  void alltoall_bytes(const void* send, std::size_t bytes, void* recv) override {
    const char* in = static_cast<const char*>(send);
    char* out = static_cast<char*>(recv);
    if (bytes <= kPiece) {
      MPI_Alltoall(in, static_cast<int>(bytes), MPI_BYTE, out, static_cast<int>(bytes), MPI_BYTE, MPI_COMM_WORLD);
      return;
    }
    const std::size_t P = static_cast<std::size_t>(size_);
    std::vector<char> piece_in(kPiece * P), piece_out(kPiece * P);
    for (std::size_t at = 0; at < bytes; at += kPiece) {
      const std::size_t c = std::min(kPiece, bytes - at);
      for (std::size_t r = 0; r < P; ++r) std::copy(in + bytes * r + at, in + bytes * r + at + c, piece_in.data() + c * r);
      MPI_Alltoall(piece_in.data(), static_cast<int>(c), MPI_BYTE, piece_out.data(), static_cast<int>(c), MPI_BYTE, MPI_COMM_WORLD);
      for (std::size_t r = 0; r < P; ++r) std::copy(piece_out.data() + c * r, piece_out.data() + c * (r + 1), out + bytes * r + at);
    }
  }
  void broadcast_bytes(void* data, std::size_t bytes, int root) override {
    char* p = static_cast<char*>(data);
    for (std::size_t at = 0; at < bytes; at += kPiece) MPI_Bcast(p + at, static_cast<int>(std::min(kPiece, bytes - at)), MPI_BYTE, root, MPI_COMM_WORLD);
  }
  bool any(bool flag) override {
    int mine = flag ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    return all != 0;
  }
  [[noreturn]] void abort_all(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::abort();  // MPI_Abort does not return
  }

 private:
  static constexpr std::size_t kPiece = std::size_t{1} << 30;  // bytes per MPI call (an int counts them)
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
};

}  // namespace ganlite
