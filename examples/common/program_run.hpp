// examples/common/program_run.hpp — a training program's run folder (ganlite's TrainingRun), set
// up alike in every program: the folder start its flags ask for, and the library's messages told
// in the program's flags.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <ganlite/train/training_run.hpp>

#include "usage_error.hpp"

namespace examples {

struct ProgramRun {
  std::string program, model_name, dir;
  bool resume = false, restart = false;
  int epochs = 1, checkpoint_every = 1;
  std::function<std::string(const std::string&)> flag_of;  // a setting as the program's flag
  int shards = 1;  // of each batch (a GAN's, data-parallel)
};

inline ganlite::RunSettings run_settings_of(const ProgramRun& p) {
  ganlite::RunSettings rs;
  rs.dir = p.dir;
  rs.start = p.resume ? ganlite::FolderStart::Resume : p.restart ? ganlite::FolderStart::Restart : ganlite::FolderStart::Fresh;
  rs.epochs = p.epochs, rs.checkpoint_every = p.checkpoint_every, rs.shards = p.shards;
  rs.program = p.program, rs.model_name = p.model_name;
  rs.setting_name = p.flag_of;
  rs.how_to_resume = "continue with --resume";
  rs.data_advice = "--limit and --data must be the checkpoint's";
  rs.how_to_raise_epochs = "raise --epochs to go on";
  return rs;
}

// The run, its folder made ready (or refused: another run's files, said with what to do).
template <class Run, class... Comm>
std::unique_ptr<Run> open_run(const ProgramRun& p, Comm... comm) {
  std::unique_ptr<Run> run;
  try {
    run = std::make_unique<Run>(run_settings_of(p), comm...);
  } catch (const ganlite::RunFolderHoldsAnotherRun& e) {
    throw UsageError(std::string(e.what()) + ": continue that run with --resume, choose another --out, or start over with --restart (deletes them)");
  }
  if (!run->removed().empty()) std::printf("--restart: removed %zu files of the earlier run in %s\n", run->removed().size(), p.dir.c_str());
  return run;
}

}  // namespace examples
