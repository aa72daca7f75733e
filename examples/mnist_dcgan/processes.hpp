// examples/mnist_dcgan/processes.hpp — one process, or the processes of `mpirun -np N`.
//
// Built with MPI (the ganlite::mpi target was found), mnist_dcgan joins an MPI job when mpirun
// started it, and trains data-parallel (dist/data_parallel.hpp); started alone it never
// initialises MPI and runs exactly as the build without MPI does.
#pragma once
#include <cstdlib>
#include <memory>
#include <string>

#include <ganlite/dist/communicator.hpp>
#ifdef GANLITE_MNIST_DCGAN_MPI
#include <ganlite/dist/mpi_communicator.hpp>
#endif

#include "options.hpp"

namespace mnist_dcgan {

// The job size mpirun gave this process (Open MPI's variable, else PMIx's or PMI's), or 0.
inline int mpirun_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

inline std::unique_ptr<ganlite::Communicator> join_processes(int* argc, char*** argv) {
#ifdef GANLITE_MNIST_DCGAN_MPI
  if (mpirun_size() > 0) return std::make_unique<ganlite::MpiCommunicator>(argc, argv);
#else
  (void)argc, (void)argv;
  if (mpirun_size() > 1)
    throw UsageError("mpirun started " + std::to_string(mpirun_size()) +
                     " processes, but this mnist_dcgan was built without MPI (install libopenmpi-dev and rebuild)");
#endif
  return std::make_unique<ganlite::SingleProcess>();
}

}  // namespace mnist_dcgan
