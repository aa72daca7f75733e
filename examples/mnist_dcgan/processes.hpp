// examples/mnist_dcgan/processes.hpp — one process, or the processes of `mpirun -np N`.
//
// Built with MPI (the ganlite::mpi target was found), mnist_dcgan joins an MPI job when mpirun
// started it, and trains data-parallel (GanTrainer::shard, dist/shards.hpp); started alone it never
// initialises MPI and runs exactly as the build without MPI does.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <ganlite/dist/agreement.hpp>
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

// Every flag that shapes the run, as typed values: all processes of a job must have the same
// (--threads and --data's path may differ from machine to machine; the data's identity is
// agreed on after it is read).
inline ganlite::NamedSettings settings_to_agree(const TrainOptions& o) {
  auto num = [](double v) {  // every bit of it: 1e-07 and 2e-07 differ
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", v);
    return std::string(b);
  };
  return {{"--out", o.out_dir}, {"--epochs", std::to_string(o.epochs)}, {"--batch", std::to_string(o.batch)},
          {"--lr", num(o.lr)}, {"--beta1", num(o.beta1)}, {"--seed", std::to_string(o.seed)},
          {"--limit", std::to_string(o.limit)}, {"--checkpoint-every", std::to_string(o.checkpoint_every)},
          {"--shards", std::to_string(o.shards)}, {"--ema", num(o.ema)}, {"--loss", o.loss},
          {"--d-lr", num(o.d_lr)}, {"--spectral-norm", o.spectral_norm ? "yes" : "no"}, {"--augment", o.augment}, {"--ema-warmup", o.ema_warmup ? "yes" : "no"},
          {"--conditional", o.conditional ? "yes" : "no"}, {"--resume", o.resume ? "yes" : "no"}, {"--restart", o.restart ? "yes" : "no"}};
}

// All processes stop together, exit 2, when one of them was started differently (process 0
// says what differs and where); one process alone always agrees.
inline void require_agreement(ganlite::Communicator& comm, const ganlite::NamedSettings& mine) {
  if (comm.size() == 1) return;
  const std::string differs = ganlite::processes_disagree(comm, mine);
  if (differs.empty()) return;
  throw ProcessesDisagree(comm.rank() != 0 ? "" : "the processes of this job were started differently: " + differs +
                                                      "; start every process with the same flags and data");
}

}  // namespace mnist_dcgan
