// The library's training loop and the checkpoint of any GanTrainer (ganlite/train/
// training_loop.hpp, gan_checkpoint.hpp), on a small user-built conditional GAN (small_gan.hpp,
// with Dropout so that every Rng matters):
//   - a run stopped in the middle of an epoch, or at its end, and resumed from the checkpoint it
//     wrote ends with a final checkpoint identical byte for byte to a run that was never stopped;
//   - checkpoint cadence, the records the hooks get, the NaN guard;
//   - a checkpoint is refused by a trainer of another model or other settings, naming each
//     difference; the batch sources copy and scale what they should.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ganlite/train/gan_checkpoint.hpp>
#include <ganlite/train/training_loop.hpp>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "small_gan.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {

const std::string kWork = GANLITE_TEST_WORK_DIR;
using small_gan::Data;
using small_gan::kModel;

std::string fresh_dir(const std::string& name) { return fresh_work_dir(kWork, name); }
GanTrainer<float> make_trainer(const GanConfig& c = small_gan::config()) { return small_gan::trainer(c); }

LoopHooks<float> saving_hooks() {
  LoopHooks<float> h;
  h.save_checkpoint = [](GanTrainer<float>& t, const LoopCursor& at, const std::string& path) { save_gan_checkpoint(t, path, kModel, {at, {}}); };
  return h;
}

LoopSettings settings(const std::string& dir, int epochs, int every = 1) {
  LoopSettings s;
  s.epochs = epochs, s.checkpoint_every = every, s.checkpoint_dir = dir;
  return s;
}

// {key: value} (a braced {{"a", "b"}} would pick map's iterator-range constructor).
ModelSettings setting(const std::string& key, const std::string& value) {
  ModelSettings m;
  m[key] = value;
  return m;
}

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// A run stopped after `stop_after` steps, then resumed from its checkpoint in a new trainer
// built from what the checkpoint says; returns the final checkpoint's bytes.
std::string stopped_and_resumed(const std::string& name, int stop_after, const std::string& expected_checkpoint) {
  const Data data;
  const std::string dir = fresh_dir(name);
  GanTrainer<float> first = make_trainer();
  LoopHooks<float> hooks = saving_hooks();
  int steps = 0;
  hooks.after_step = [&](const StepRecord&) { ++steps; };
  hooks.stop_requested = [&] { return steps >= stop_after; };
  LoopCursor first_at;
  const LoopOutcome stopped = train_gan(first, first_at, tensor_images(data.images, data.labels), settings(dir, 3), hooks);
  CHECK(stopped.end == LoopEnd::Stopped);
  CHECK(stopped.checkpoint == dir + "/" + expected_checkpoint);

  const GanCheckpointInfo info = read_gan_checkpoint_info(stopped.checkpoint);
  GanTrainer<float> resumed = make_trainer(info.config);
  LoopCursor at = load_gan_checkpoint(resumed, stopped.checkpoint, info.model).cursor;
  CHECK(at.epoch == first_at.epoch);
  CHECK(at.step_in_epoch == first_at.step_in_epoch);
  const LoopOutcome done = train_gan(resumed, at, tensor_images(data.images, data.labels), settings(dir, 3), saving_hooks());
  CHECK(done.end == LoopEnd::Finished);
  CHECK(done.checkpoint == dir + "/checkpoint_epoch_0003.ckpt");
  return read_file(done.checkpoint);
}

}  // namespace

TEST_CASE("a run stopped mid-epoch or at an epoch's end and resumed ends byte-identical to one never stopped") {
  const Data data;
  const std::string dir = fresh_dir("whole");
  GanTrainer<float> whole = make_trainer();
  LoopCursor at;
  const LoopOutcome out = train_gan(whole, at, tensor_images(data.images, data.labels), settings(dir, 3), saving_hooks());
  CHECK(out.end == LoopEnd::Finished);
  const std::string expected = read_file(dir + "/checkpoint_epoch_0003.ckpt");

  CHECK(stopped_and_resumed("mid_epoch", 7, "checkpoint_epoch_0001_step_0002.ckpt") == expected);  // epoch 2, step 2
  CHECK(stopped_and_resumed("epoch_end", 10, "checkpoint_epoch_0002.ckpt") == expected);           // the last step of epoch 2
}

TEST_CASE("checkpoint cadence, and what the hooks are told") {
  const Data data;
  const std::string dir = fresh_dir("cadence");
  GanTrainer<float> t = make_trainer();
  LoopHooks<float> hooks = saving_hooks();
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;
  hooks.after_step = [&](const StepRecord& r) { steps.push_back(r); };
  hooks.after_epoch = [&](const EpochRecord& e) { epochs.push_back(e); };
  LoopCursor at;
  train_gan(t, at, tensor_images(data.images, data.labels), settings(dir, 3, 2), hooks);
  REQUIRE(steps.size() == 15);
  CHECK(steps[4].epoch == 1);
  CHECK(steps[4].step == 5);
  CHECK(steps[4].steps == 5);
  CHECK(steps[4].images_done == 23);
  CHECK(steps[3].images_done == 20);
  REQUIRE(epochs.size() == 3);
  CHECK(epochs[0].checkpoint.empty());  // every 2 epochs, and the last
  CHECK(epochs[1].checkpoint == dir + "/checkpoint_epoch_0002.ckpt");
  CHECK(epochs[2].checkpoint == dir + "/checkpoint_epoch_0003.ckpt");
  CHECK(epochs[2].last);
  CHECK_FALSE(exists(dir + "/checkpoint_epoch_0001.ckpt"));
  CHECK(at.epoch == 3);
  CHECK(at.step_in_epoch == 0);
  // Nothing left to do: the loop returns at once.
  CHECK(train_gan(t, at, tensor_images(data.images, data.labels), settings(dir, 3), hooks).checkpoint.empty());
  CHECK(steps.size() == 15);
}

TEST_CASE("the NaN guard stops the run at the step that went bad, before it is reported or saved") {
  const Data data;
  const std::string dir = fresh_dir("nan");
  GanTrainer<float> t = make_trainer();
  LoopHooks<float> hooks = saving_hooks();
  int reported = 0;
  hooks.after_step = [&](const StepRecord&) { ++reported; };
  hooks.step = [steps_run = 0](GanTrainer<float>& trainer, const Tensor<float>& real, const std::vector<int>& labels) mutable {
    const StepStats st = trainer.train_step(real, labels);  // a fault, through the public hook
    if (++steps_run == 7) (*trainer.generator().params()[0])[0] = std::nanf("");
    return st;
  };
  const std::string err = error_of([&] {
    LoopCursor at;
    train_gan(t, at, tensor_images(data.images, data.labels), settings(dir, 2), hooks);
  });
  CHECK(err.find("training diverged at epoch 2, step 2") == 0);
  CHECK(err.find("the last good checkpoint in " + dir + " is kept") != std::string::npos);
  CHECK(reported == 6);
  CHECK(exists(dir + "/checkpoint_epoch_0001.ckpt"));
  CHECK_FALSE(exists(dir + "/checkpoint_epoch_0001_step_0002.ckpt"));
}

TEST_CASE("a checkpoint refuses a trainer of another model or other settings, naming each difference") {
  const std::string dir = fresh_dir("refuse");
  GanTrainer<float> t = make_trainer();
  const std::string path = dir + "/x.ckpt";
  save_gan_checkpoint(t, path, kModel);
  const GanCheckpointInfo info = read_gan_checkpoint_info(path);
  CHECK(info.model == kModel);
  CHECK(info.config.classes == small_gan::kClasses);
  CHECK(info.config.fixed_noise_count == 2);

  const std::string other_model = error_of([&] { load_gan_checkpoint(t, path, setting("model", "other")); });
  CHECK(other_model.find(path + ": holds another model or other settings than this trainer's: ") == 0);
  CHECK(other_model.find("dropout \"0.3\" in the checkpoint, (none) now") != std::string::npos);
  CHECK(other_model.find("model \"small\" in the checkpoint, \"other\" now") != std::string::npos);

  GanConfig c = small_gan::config();
  c.discriminator_adam.learning_rate = 3e-4;
  GanTrainer<float> faster_d = make_trainer(c);
  CHECK(error_of([&] { load_gan_checkpoint(faster_d, path, kModel); }).find("discriminator learning rate 0.0001 in the checkpoint, 0.0003 now") !=
        std::string::npos);
  // The learning rate saved is the one the optimizer uses, also when it was changed on it.
  GanTrainer<float> slower_d = make_trainer();
  slower_d.discriminator_optimizer().set_learning_rate(5e-5);
  const std::string changed = dir + "/changed_lr.ckpt";
  save_gan_checkpoint(slower_d, changed, kModel);
  const GanCheckpointInfo changed_info = read_gan_checkpoint_info(changed);
  CHECK(changed_info.config.discriminator_adam.learning_rate == 5e-5);
  CHECK(error_of([&] { load_gan_checkpoint(t, changed, kModel); }).find("discriminator learning rate 5e-05 in the checkpoint, 0.0001 now") !=
        std::string::npos);
  GanTrainer<float> from_file = make_trainer(changed_info.config);
  load_gan_checkpoint(from_file, changed, kModel);
  CHECK(from_file.discriminator_optimizer().config().learning_rate == 5e-5);

  // The objective is recorded by name; one this build doesn't know (a user's own) is kept by
  // name, and a trainer with another objective is refused.
  CHECK(info.config.objective.name == "bce");
  GanConfig own = small_gan::config();
  own.objective = bce_objective();
  own.objective.name = "my_objective";
  GanTrainer<float> own_objective = make_trainer(own);
  const std::string own_path = dir + "/own.ckpt";
  save_gan_checkpoint(own_objective, own_path, kModel);
  CHECK(read_gan_checkpoint_info(own_path).config.objective.name == "my_objective");
  CHECK_FALSE(read_gan_checkpoint_info(own_path).config.objective.loss);
  CHECK(error_of([&] { load_gan_checkpoint(own_objective, own_path, kModel); }).empty());
  CHECK(error_of([&] { load_gan_checkpoint(t, own_path, kModel); }).find("objective my_objective in the checkpoint, bce now") != std::string::npos);
  CHECK(error_of([&] { save_gan_checkpoint(t, path, setting("seed", "1")); }).find("need a \"model\" name") != std::string::npos);
  ModelSettings clash = setting("model", "m");
  clash["epoch"] = "1";
  CHECK(error_of([&] { save_gan_checkpoint(t, path, clash); }).find("\"epoch\" is a name the trainer uses") != std::string::npos);
}

TEST_CASE("batch sources copy the images asked for, scaled as the seed scales pixels") {
  const std::vector<std::uint8_t> pixels = {0, 255, 128, 1, 2, 3}, labels = {7, 8, 9};  // three 1x2 images
  const BatchSource<float> bytes = byte_images<float>(pixels.data(), labels.data(), 3, 1, 2);
  Tensor<float> batch;
  std::vector<int> y;
  const int idx[2] = {2, 0};
  bytes.gather(idx, 2, batch, y);
  CHECK(batch.shape() == Shape{2, 1, 2, 1});
  CHECK(batch[0] == (2 - 127.5f) / 127.5f);
  CHECK(batch[1] == (3 - 127.5f) / 127.5f);
  CHECK(batch[2] == -1.0f);
  CHECK(batch[3] == 1.0f);
  CHECK(y == std::vector<int>{9, 7});

  const Data data;
  const BatchSource<float> tensors = tensor_images(data.images, data.labels);
  CHECK(tensors.count == 23);
  tensors.gather(idx, 2, batch, y);
  CHECK(batch.shape() == Shape{2, 4, 4, 2});
  CHECK(batch[0] == data.images[2 * 32]);
  CHECK(batch[32 + 31] == data.images[31]);
  CHECK(y == std::vector<int>{data.labels[2], data.labels[0]});
  CHECK_THROWS_AS(tensor_images(data.images, std::vector<int>(5)), std::invalid_argument);
}
