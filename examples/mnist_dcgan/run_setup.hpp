// examples/mnist_dcgan/run_setup.hpp — before the first step: the output folder made ready for
// this run alone, and on --resume the checkpoint that continues exactly this run.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/run_folder.hpp>
#include <ganlite/train/run_outputs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "options.hpp"

namespace mnist_dcgan {

using namespace ganlite;

// The files a training run writes into --out (checkpoints, grids, losses, GIF, page), and what
// proves an older version of this program wrote one that carries no mark (authorship.hpp).
inline const char* kLossCsvHeader = "epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n";
inline const RunOutputs& run_outputs() {
  static const RunOutputs r = [] {
    RunOutputs o;
    o.names = {"losses.csv", "losses.svg", "training.gif", "index.html"};
    o.numbered = {{"image_at_epoch_", ".png"}};
    o.fresh_may_replace = {"index.html"};  // the page of a run stopped before its first epoch
    o.signatures = {kLossCsvHeader, "DCGAN losses (thin: per step", "id=\"lossChart\""};
    return o;
  }();
  return r;
}
inline bool is_run_output(const std::string& name) { return run_outputs().is_output(name); }

// The folder ready for this run (run_outputs.hpp): a fresh run refuses another run's files
// unless --restart, which deletes them; no run overwrites or deletes a file it can't prove it
// wrote; the longest name the run writes fits.
inline void prepare_folder(const TrainOptions& o) {
  try {
    const auto start = o.resume ? FolderStart::Resume : o.restart ? FolderStart::Restart : FolderStart::Fresh;
    const std::vector<std::string> removed = prepare_run_folder(o.out_dir, run_outputs(), start);
    if (!removed.empty()) std::printf("--restart: removed %zu files of the earlier run in %s\n", removed.size(), o.out_dir.c_str());
  } catch (const RunFolderHoldsAnotherRun& e) {
    throw UsageError(std::string(e.what()) + ": continue that run with --resume, choose another --out, or start over with --restart (deletes them)");
  } catch (const RunFolderRefused& e) {
    throw UsageError(e.what());
  }
}

// The fingerprint of the training files: CRC32 of the images' bytes and of the labels'.
inline std::uint64_t data_fingerprint(const IdxDataset& ds) {
  return (static_cast<std::uint64_t>(crc32_of(ds.pixels.data(), ds.pixels.size())) << 32) | crc32_of(ds.labels.data(), ds.labels.size());
}

// Refuses to resume a checkpoint of other settings or other data (both values said in full), or
// one whose position this data can't have.
inline void check_resume_matches(const std::string& ckpt, const detail::CheckpointHeader& h, const DcganConfig& now, int images,
                                 std::uint64_t fingerprint, int steps) {
  const std::string differs = describe(dcgan_settings_differences(h.config, now), flag_of);
  if (!differs.empty()) throw UsageError(ckpt + ": was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");
  if (h.data_images != 0 && h.data_images != static_cast<std::uint32_t>(images))
    throw UsageError(ckpt + ": was trained on " + std::to_string(h.data_images) + " images, this run has " + std::to_string(images) +
                     " (--limit and --data must be the checkpoint's)");
  if (h.data_fingerprint != 0 && h.data_fingerprint != fingerprint) {
    char a[24], b[24];
    std::snprintf(a, sizeof a, "%016llx", static_cast<unsigned long long>(h.data_fingerprint));
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(fingerprint));
    throw UsageError(ckpt + ": was trained on other training files (fingerprint " + a + ", this --data has " + b +
                     "); resume with the checkpoint's --data");
  }
  if (h.step_in_epoch >= static_cast<std::uint32_t>(steps))
    throw IoError(ckpt + ": its position, step " + std::to_string(h.step_in_epoch) + " of epoch " + std::to_string(h.epoch + 1) +
                  ", is past the " + std::to_string(steps) + " steps an epoch has with this data and batch");
}

}  // namespace mnist_dcgan
