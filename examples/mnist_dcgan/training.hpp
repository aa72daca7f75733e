// examples/mnist_dcgan/training.hpp — the training run: mnist_dcgan's flags and data handed to
// the library's GanRun (ganlite/train/gan_run.hpp), which writes every output file.
#pragma once
#include <algorithm>
#include <cstdio>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/gan_run.hpp>
#include <string>
#include <vector>

#include "../common/mnist_location.hpp"
#include "../common/program_run.hpp"
#include "../common/classes.hpp"
#include "options.hpp"
#include "processes.hpp"
#include "report.hpp"

namespace mnist_dcgan {

using namespace ganlite;
using examples::class_names_for;

// What a training run needs in memory (address space, as `ulimit -v` counts it), said when an
// allocation fails; set once the run's data is known. The figure is fitted to the peak VmPeak of
// one-epoch runs of 512 images on 2 threads (docs/reliability.md: 445 MB at --batch 64, 905 MB at 256): the
// program and both networks, the training images as bytes, and 2.4 MB per image of the batch
// (activations, their gradients, the convolutions' work buffers).
inline std::string memory_need;
inline std::string memory_note(const TrainOptions& o, int images) {
  const double need_mb = 245 + images * 785.0 / 1e6 + 2.4 * o.batch;
  char b[200];
  std::snprintf(b, sizeof b, "training with --batch %d on %d images needs about %.0f MB", o.batch, images, need_mb);
  return b;
}

// Shards the processes can share, and that every batch can be cut into (the last one of an
// epoch too): refused at the start, naming the flags.
inline void check_shards(const TrainOptions& o, int images, int processes) {
  if (o.shards % processes != 0)
    throw UsageError("--shards " + std::to_string(o.shards) + " is not a multiple of the " + std::to_string(processes) +
                     " processes (mpirun -np): each process takes an equal number of shards");
  const int last = images % o.batch ? images % o.batch : o.batch;
  if (std::min(last, o.batch) < o.shards)
    throw UsageError("--shards " + std::to_string(o.shards) + " is more than the " + std::to_string(std::min(last, o.batch)) +
                     " images of " + (last < o.batch ? "an epoch's last batch (--limit and --batch decide it)" : "a batch (--batch)"));
}

// The files a training run writes into --out are the library's (gan_run_outputs).
inline bool is_run_output(const std::string& name) { return gan_run_outputs().is_output(name); }

// Trains in one process, or as one of the processes of an MPI job (comm): then the first one
// (rank 0) alone writes files and prints, every process reads the data itself, and a stop
// request on any of them stops all after the same step.
// `extra`: hooks of the caller's; its step, if any, takes the place of the trainer's (a test's
// build injects faults with it).
inline int run_training(TrainOptions o, Communicator& comm, const LoopHooks<float>& extra = {}) {
  set_num_threads(o.threads);
  o.processes = comm.size();
  require_agreement(comm, settings_to_agree(o));  // before anything that all processes must do alike
  auto run = examples::open_run<GanRun>({"mnist_dcgan", "DCGAN", o.out_dir, o.resume, o.restart, o.epochs, o.checkpoint_every, flag_of, o.shards}, &comm);
  const IdxDataset ds = examples::load_mnist_from(o.data_dir, "train");
  const int count = o.limit > 0 ? std::min(o.limit, ds.count) : ds.count;
  // The fingerprint is of the whole training files, whatever --limit uses of them.
  const DataIdentity identity = identify_data(static_cast<std::uint32_t>(count), ds.pixels.data(), ds.pixels.size(), ds.labels.data(), ds.labels.size());
  require_agreement(comm, {{"training images", std::to_string(count)}, {"fingerprint of the training files (--data)", hex64(identity.fingerprint)}});
  memory_need = memory_note(o, count);
  check_shards(o, count, comm.size());

  DcganConfig config = dcgan_config_of(o);
  if (o.conditional) config.class_names = class_names_for(ds), config.classes = static_cast<int>(config.class_names.size());
  DcganTrainer trainer(config);
  run->describe_data(std::to_string(count) + " images from " + o.data_dir, run_settings(o, count, num_threads(), gemm_kernel_name(active_gemm_kernel())));
  const GanRunOutcome end =
      run->train(trainer, byte_images<float>(ds.pixels.data(), ds.labels.data(), count, ds.rows, ds.cols), identity, dcgan_run_checkpoints(config), extra);
  if (end.end == RunEnd::AlreadyDone) {
    if (comm.rank() == 0)
      std::printf("%s has done %d epochs already; --epochs %d asks for no more, so there is nothing to train (raise --epochs to go on)\n",
                  end.checkpoint.c_str(), end.cursor.epoch, o.epochs);
    return 0;
  }
  return end.end == RunEnd::Stopped ? 128 + end.signal : 0;
}

}  // namespace mnist_dcgan
