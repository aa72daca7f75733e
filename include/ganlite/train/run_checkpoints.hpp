// ganlite/train/run_checkpoints.hpp — how a run folder's checkpoints are written and read, and
// the checks before a run resumes from one.
//
// CheckpointKind says how one kind of model is saved and loaded: any GanTrainer with its
// ModelSettings (gan_run_checkpoints), the seed DCGAN, whose checkpoints of every version load
// (dcgan_run_checkpoints), a VAE (vae_run.hpp), a classifier (classifier_run.hpp);
// checkpoint_kind() makes one from a model's four checkpoint calls. checkpoint_to_resume() picks the newest checkpoint that reads
// whole (each damaged one newer than it named and skipped) and refuses one of other settings,
// other data, or a position this data can't have — each difference said in full, with settings
// named by the caller's words (say, a program's flags).
#pragma once
#include <functional>
#include <string>
#include <utility>

#include "../io/binary_file.hpp"
#include "checkpoint.hpp"
#include "gan_checkpoint.hpp"
#include "run_folder.hpp"
#include "run_outputs.hpp"
#include "run_position.hpp"
#include "settings_difference.hpp"

namespace ganlite {

// How a model of one kind is saved and loaded. File: a checkpoint read whole and checked, with
// its path and its info (whose position says where the run stood).
template <class Model, class File>
struct CheckpointKind {
  using Info = decltype(File::info);
  std::function<void(Model&, const std::string& path, const RunPosition&)> save;
  // A checkpoint read and checked; an IoError if it can't be used (it is then skipped).
  std::function<File(const std::string& path)> read;
  // Where its settings differ from the model's (built for this run).
  std::function<SettingDifferences(const Info&)> differences;
  // Loads what was read: the file is read once.
  std::function<RunPosition(Model&, const File&)> load;
};
using RunCheckpoints = CheckpointKind<GanTrainer<float>, GanCheckpointFile>;  // a GAN's

// The kind of a model whose checkpoint has the usual four calls (save_M_checkpoint,
// read_M_checkpoint, M_settings_differences, load_M_checkpoint), bound to the model settings its
// networks are saved with and to the trainer's settings now (what a resume must agree with).
template <class Model, class File, class Info, class Config>
CheckpointKind<Model, File> checkpoint_kind(void (*save)(Model&, const std::string&, const ModelSettings&, const RunPosition&),
                                            File (*read)(const std::string&),
                                            SettingDifferences (*differences)(const Info&, const Config&, const ModelSettings&),
                                            RunPosition (*load)(Model&, const File&, const ModelSettings&), const ModelSettings& model,
                                            const Config& now) {
  CheckpointKind<Model, File> c;
  c.save = [save, model](Model& t, const std::string& path, const RunPosition& at) { save(t, path, model, at); };
  c.read = read;
  c.differences = [differences, model, now](const Info& saved) { return differences(saved, now, model); };
  c.load = [load, model](Model& t, const File& f) { return load(t, f, model); };
  return c;
}

// Any GanTrainer<float> whose networks `model` describes (gan_checkpoint.hpp).
inline RunCheckpoints gan_run_checkpoints(const GanTrainer<float>& trainer, const ModelSettings& model) {
  return checkpoint_kind(save_gan_checkpoint, read_gan_checkpoint, checkpoint_differences, load_gan_checkpoint, model, trainer.gan_config());
}

// The seed DCGAN (checkpoint.hpp): versions 1 to 3 too, which are loaded on trial when read, so
// that whatever is wrong with one skips it (a version 4 or later file is checked whole, finite
// values included, by reading it). Settings are named as dcgan_setting_name says them.
inline RunCheckpoints dcgan_run_checkpoints(const DcganConfig& now) {
  RunCheckpoints c;
  c.save = [](GanTrainer<float>& t, const std::string& path, const RunPosition& at) { save_checkpoint(static_cast<DcganTrainer&>(t), path, at); };
  c.read = [](const std::string& path) {
    GanCheckpointFile f = read_checkpoint(path);
    if (f.info.version < 4) {
      DcganTrainer t(dcgan_config_of(f.info));
      load_checkpoint(t, f);
    }
    return f;
  };
  c.differences = [now](const GanCheckpointInfo& saved) {
    SettingDifferences d;
    for (auto& x : dcgan_settings_differences(dcgan_config_of(saved), now)) d.push_back({dcgan_setting_name(x.setting), x.in_checkpoint, x.now});
    return d;
  };
  c.load = [](GanTrainer<float>& t, const GanCheckpointFile& f) { return load_checkpoint(static_cast<DcganTrainer&>(t), f); };
  return c;
}

// What a resume must agree with, and how to say it.
struct ResumeRequest {
  std::string dir;                // the run folder
  DataIdentity data;              // this run's data
  int steps_per_epoch = 0;        // with this data and batch
  std::function<std::string(const std::string& setting)> name;  // a setting in the caller's words ("" leaves it unsaid)
  std::string data_advice;        // what the caller's user does about other data, e.g. "--data must be the checkpoint's"
  std::function<void(const std::string& why)> on_skip;           // a damaged checkpoint skipped
};

// The checkpoint this run continues, read; RunFolderRefused when it is another run's (other
// settings or data), IoError when none can be read or its position is impossible.
template <class Model, class File>
File checkpoint_to_resume(const ResumeRequest& q, const CheckpointKind<Model, File>& kind) {
  File found = newest_readable_checkpoint(q.dir, kind.read, q.on_skip).second;
  const std::string& path = found.path;
  const auto& info = found.info;
  const std::string advice = q.data_advice.empty() ? "" : " (" + q.data_advice + ")";
  const std::string differs = describe(kind.differences(info), q.name);
  if (!differs.empty()) throw RunFolderRefused(path + ": was trained with other settings than this run's: " + differs + "; resume with the checkpoint's");
  const DataIdentity& was = info.position.data;
  if (was.images != 0 && was.images != q.data.images)
    throw RunFolderRefused(path + ": was trained on " + std::to_string(was.images) + " images, this run has " + std::to_string(q.data.images) + advice);
  if (was.fingerprint != 0 && was.fingerprint != q.data.fingerprint)
    throw RunFolderRefused(path + ": was trained on other training files (fingerprint " + hex64(was.fingerprint) + ", this run's are " +
                           hex64(q.data.fingerprint) + ")" + advice);
  const LoopCursor& at = info.position.cursor;
  if (at.step_in_epoch >= q.steps_per_epoch)
    throw IoError(path + ": its position, step " + std::to_string(at.step_in_epoch) + " of epoch " + std::to_string(at.epoch + 1) + ", is past the " +
                  std::to_string(q.steps_per_epoch) + " steps an epoch has with this data and batch");
  return found;
}

}  // namespace ganlite
