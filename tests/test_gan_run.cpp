// The run's parts in the library (ganlite/train/gan_run.hpp and the headers it is made of), on a
// small user-built conditional GAN (small_gan.hpp, with Dropout so that every Rng matters):
//   - a GanRun stopped by a signal in the middle of an epoch and resumed by another GanRun ends
//     with the same final checkpoint, byte for byte, as a run never stopped, and its losses.csv
//     holds every step once;
//   - a resume refuses a checkpoint of other settings or other data in the caller's words, and
//     a position the data can't have; a fresh run refuses another run's folder;
//   - LossLog reads back exactly the rows a checkpoint's steps made; the report counts epochs
//     and time from them.
#include <doctest/doctest.h>

#include <ganlite/models/vae.hpp>
#include <ganlite/train/classifier_run.hpp>
#include <ganlite/train/vae_run.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <ganlite/train/gan_run.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "small_gan.hpp"
#include "work_dir.hpp"

using namespace ganlite;

namespace {

const std::string kWork = GANLITE_TEST_WORK_DIR;
using small_gan::kModel;

std::string fresh_dir(const std::string& name) { return fresh_work_dir(kWork, name); }
bool exists(const std::string& path) { return std::ifstream(path).good(); }
GanTrainer<float> make_trainer(const GanConfig& c = small_gan::config()) { return small_gan::trainer(c); }

// small_gan's 23 images, and what identifies them.
struct Data : small_gan::Data {
  DataIdentity identity{23, 0xda7aULL};
};

GanRunSettings settings(const std::string& dir, FolderStart start, int epochs) {
  GanRunSettings s;
  s.dir = dir, s.start = start, s.epochs = epochs, s.program = "test_gan_run";
  s.setting_name = [](const std::string& setting) { return setting == "seed" ? "--seed" : setting; };
  s.data_advice = "--data must be the checkpoint's";
  return s;
}

GanRunOutcome run(const std::string& dir, FolderStart start, int epochs, GanTrainer<float>& t, const Data& data, const LoopHooks<float>& extra = {}) {
  GanRun r(settings(dir, start, epochs));
  return r.train(t, tensor_images(data.images, data.labels), data.identity, gan_run_checkpoints(t, kModel), extra);
}

int csv_rows(const std::string& path) {
  std::istringstream f(read_file(path));
  int n = -1;  // the header
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}

}  // namespace

TEST_CASE("a run stopped by a signal mid-epoch and resumed by another GanRun ends as one never stopped") {
  const Data data;
  const std::string whole = fresh_dir("whole"), cut = fresh_dir("cut");
  GanTrainer<float> a = make_trainer();
  CHECK(run(whole, FolderStart::Fresh, 3, a, data).end == RunEnd::Finished);

  GanTrainer<float> b = make_trainer();
  LoopHooks<float> signal_at_step_7;
  int steps = 0;
  signal_at_step_7.after_step = [&](const StepRecord&) {
    if (++steps == 7) std::raise(SIGINT);  // epoch 2, step 2: StopOnSignal records it, the loop stops after this step
  };
  const GanRunOutcome stopped = run(cut, FolderStart::Fresh, 3, b, data, signal_at_step_7);
  CHECK(stopped.end == RunEnd::Stopped);
  CHECK(stopped.signal == SIGINT);
  CHECK(stopped.checkpoint == cut + "/checkpoint_epoch_0001_step_0002.ckpt");
  CHECK(csv_rows(cut + "/losses.csv") == 7);  // the losses of a stop inside an epoch are written at once
  CHECK(read_file(cut + "/index.html").find("stopped") != std::string::npos);

  GanTrainer<float> c = make_trainer();
  const GanRunOutcome resumed = run(cut, FolderStart::Resume, 3, c, data);
  CHECK(resumed.end == RunEnd::Finished);
  CHECK(resumed.cursor.epoch == 3);
  CHECK(read_file(cut + "/checkpoint_epoch_0003.ckpt") == read_file(whole + "/checkpoint_epoch_0003.ckpt"));
  CHECK(csv_rows(cut + "/losses.csv") == 15);
  for (const char* f : {"losses.svg", "index.html"}) CHECK(exists(cut + std::string("/") + f));
  CHECK_FALSE(exists(cut + "/image_at_epoch_0001.png"));  // 2-channel samples have no grid

  // Nothing left to train: said, not done.
  GanTrainer<float> d = make_trainer();
  const GanRunOutcome done = run(cut, FolderStart::Resume, 3, d, data);
  CHECK(done.end == RunEnd::AlreadyDone);
  CHECK(done.checkpoint == cut + "/checkpoint_epoch_0003.ckpt");
}

TEST_CASE("a resume refuses other settings, other data and an impossible position in the caller's words; a fresh run another run's folder") {
  const Data data;
  const std::string dir = fresh_dir("refusals");
  GanTrainer<float> a = make_trainer();
  run(dir, FolderStart::Fresh, 1, a, data);

  GanConfig other = small_gan::config();
  other.seed = 12;
  GanTrainer<float> b = make_trainer(other);
  const std::string settings_err = error_of([&] { run(dir, FolderStart::Resume, 2, b, data); });
  CHECK(settings_err == dir + "/checkpoint_epoch_0001.ckpt: was trained with other settings than this run's: --seed 11 in the checkpoint, 12 now; "
                              "resume with the checkpoint's");

  Data fewer;
  fewer.identity.images = 20;
  GanTrainer<float> c = make_trainer();
  CHECK(error_of([&] { run(dir, FolderStart::Resume, 2, c, fewer); }) ==
        dir + "/checkpoint_epoch_0001.ckpt: was trained on 23 images, this run has 20 (--data must be the checkpoint's)");
  Data other_files;
  other_files.identity.fingerprint = 0xbeefULL;
  CHECK(error_of([&] { run(dir, FolderStart::Resume, 2, c, other_files); }) ==
        dir + "/checkpoint_epoch_0001.ckpt: was trained on other training files (fingerprint 000000000000da7a, this run's are 000000000000beef) "
              "(--data must be the checkpoint's)");

  // A checkpoint whose position is past what an epoch of this data has.
  GanTrainer<float> e = make_trainer();
  save_gan_checkpoint(e, dir + "/checkpoint_epoch_0001_step_0009.ckpt", kModel, {{1, 9, {}}, data.identity});
  CHECK(error_of([&] { run(dir, FolderStart::Resume, 2, c, data); }) ==
        dir + "/checkpoint_epoch_0001_step_0009.ckpt: its position, step 9 of epoch 2, is past the 5 steps an epoch has with this data and batch");

  try {
    GanRun fresh(settings(dir, FolderStart::Fresh, 1));
    FAIL("a fresh run took another run's folder");
  } catch (const RunFolderHoldsAnotherRun& e) {
    CHECK(e.files >= 3);
  }
}

TEST_CASE("the loss log reads back exactly the steps a checkpoint holds; the report counts epochs and time from them") {
  const std::string dir = fresh_dir("loss_log");
  LossLog log;
  for (int epoch = 1; epoch <= 2; ++epoch)
    for (int step = 1; step <= 3; ++step) {
      StepRecord r;
      r.epoch = epoch, r.step = step, r.epoch_seconds = step * 1.5;
      r.stats.d_loss = static_cast<float>(epoch + step);
      log.add(r);
    }
  log.write(dir, 3, "GAN", gan_report_charts()[0]);
  CHECK(read_file(dir + "/losses.csv").find("epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n1,1,2.000000,") == 0);
  LossLog back;
  back.resume(dir + "/losses.csv", {1, 2, {}});  // one epoch and two steps done
  REQUIRE(back.rows.size() == 5);
  CHECK(back.rows.back().epoch == 2);
  CHECK(back.rows.back().step == 2);
  CHECK(back.rows[2].seconds == 4.5);

  const RunReport r = make_run_report({"t", dir, {}, 1, 4, 3, dir + "/checkpoint_epoch_0001.ckpt", {}}, back.rows);
  CHECK(r.epoch_seconds == std::vector<double>{4.5});
  CHECK(r.steps_into_epoch == 2);
  CHECK(r.elapsed_seconds == 4.5 + 3.0);
  CHECK(r.steps.size() == 5);
  CHECK(r.links.back().second == "checkpoint_epoch_0001.ckpt");
}

TEST_CASE("the loss log's read-back skips lines it can't read, and a missing file is no rows") {
  const std::string dir = fresh_dir("loss_log_bad");
  write_file_atomic(dir + "/losses.csv", std::string(kLossCsvHeader) + "1,1,0.5,0.5,0.5,0.5,1.0\nnot,a,row\n1,2,0.5,0.5\n\n1,3,0.4,0.6,0.5,0.5,2.0\n");
  LossLog log;
  log.resume(dir + "/losses.csv", {1, 0, {}});
  REQUIRE(log.rows.size() == 2);
  CHECK(log.rows[1].step == 3);
  log.resume(dir + "/missing.csv", {1, 0, {}});
  CHECK(log.rows.empty());
}

TEST_CASE("a log's columns are its model's figures: a VAE's log writes and reads its own, and not a GAN's") {
  const std::string dir = fresh_dir("loss_log_vae");
  LossLog vae(figure_columns<VaeStepStats>());
  CHECK(vae.header() == "epoch,step,negative_elbo,reconstruction,kl,kl_weight,seconds\n");
  StepRecordOf<VaeStepStats> r;
  r.epoch = 1, r.step = 1, r.epoch_seconds = 0.25;
  r.stats = {150.5f, 140.25f, 10.25f, 0.5f};
  vae.add(r);
  vae.write(dir, 1, "VAE", {"terms", "Terms", {{"negative ELBO", "#000", 0}, {"KL", "#d62728", 2}}});
  CHECK(read_file(dir + "/losses.csv") == "epoch,step,negative_elbo,reconstruction,kl,kl_weight,seconds\n1,1,150.500000,140.250000,10.250000,0.500000,0.250\n");
  CHECK(read_file(dir + "/losses.svg").find("negative ELBO") != std::string::npos);
  LossLog back(figure_columns<VaeStepStats>());
  back.resume(dir + "/losses.csv", {1, 0, {}});
  REQUIRE(back.rows.size() == 1);
  CHECK(back.rows[0].values == std::vector<float>{150.5f, 140.25f, 10.25f, 0.5f});
  LossLog gan;  // a GAN's columns: another model's CSV gives no rows
  gan.resume(dir + "/losses.csv", {1, 0, {}});
  CHECK(gan.rows.empty());
}

TEST_CASE("a VAE's run: the same folder, checkpoints, signal stop and resume, with its own figures, charts and grid") {
  Tensor<float> images({24, 28, 28, 1});
  Rng r(5);
  for (auto& v : images) v = static_cast<float>(r.uniform(-1, 1));
  const std::vector<int> no_labels;
  const DataIdentity identity{24, 0xfeedULL};
  const ModelSettings model = {{"model", "test vae"}};
  VaeConfig c;
  c.latent = 4, c.batch = 8, c.seed = 3, c.kl_warmup_steps = 4;
  auto vae = [&] { return VaeTrainer<float>(c, [](Rng& i) { return make_vae_encoder<float>(i, 4); }, [](Rng& i) { return make_vae_decoder<float>(i, 4); }); };
  auto train = [&](const std::string& dir, FolderStart start, VaeTrainer<float>& t, const TrainingHooks<VaeTrainer<float>>& extra = {}) {
    RunSettings s;
    s.dir = dir, s.start = start, s.epochs = 3, s.program = "test_gan_run", s.model_name = "VAE";
    VaeRun run(s);
    return run.train(t, tensor_images(images, no_labels), identity, vae_run_checkpoints(t, model), extra);
  };
  const std::string whole = fresh_dir("vae_whole"), cut = fresh_dir("vae_cut");
  VaeTrainer<float> a = vae();
  CHECK(train(whole, FolderStart::Fresh, a).end == RunEnd::Finished);
  CHECK(read_file(whole + "/losses.csv").find("epoch,step,negative_elbo,reconstruction,kl,kl_weight,seconds\n1,1,") == 0);
  CHECK(csv_rows(whole + "/losses.csv") == 9);
  for (const char* f : {"image_at_epoch_0001.png", "image_at_epoch_0003.png", "training.gif", "losses.svg", "index.html"}) CHECK(exists(whole + "/" + f));
  const std::string page = read_file(whole + "/index.html");
  CHECK(page.find("\"id\":\"elbo\"") != std::string::npos);
  CHECK(page.find("negative ELBO") != std::string::npos);

  VaeTrainer<float> b = vae();
  TrainingHooks<VaeTrainer<float>> signal_at_step_4;
  int steps = 0;
  signal_at_step_4.after_step = [&](const StepRecordOf<VaeStepStats>&) {
    if (++steps == 4) std::raise(SIGINT);  // epoch 2, step 1
  };
  const RunOutcome stopped = train(cut, FolderStart::Fresh, b, signal_at_step_4);
  CHECK(stopped.end == RunEnd::Stopped);
  CHECK(stopped.checkpoint == cut + "/checkpoint_epoch_0001_step_0001.ckpt");
  VaeTrainer<float> resumed = vae();
  CHECK(train(cut, FolderStart::Resume, resumed).end == RunEnd::Finished);
  CHECK(read_file(cut + "/checkpoint_epoch_0003.ckpt") == read_file(whole + "/checkpoint_epoch_0003.ckpt"));
  LossLog x(figure_columns<VaeStepStats>()), y(figure_columns<VaeStepStats>());
  x.resume(cut + "/losses.csv", {3, 0, {}});
  y.resume(whole + "/losses.csv", {3, 0, {}});
  REQUIRE(x.rows.size() == 9);
  REQUIRE(y.rows.size() == 9);
  for (int i = 0; i < 9; ++i) CHECK(x.rows[i].values == y.rows[i].values);  // every step's figures, the stop's included

  c.beta = 0.5;  // a resume with other settings is refused, naming them
  VaeTrainer<float> other = vae();
  const std::string e = error_of([&] { train(cut, FolderStart::Resume, other); });
  CHECK(e.find("was trained with other settings than this run's: beta") != std::string::npos);
}

TEST_CASE("a classifier's run: checkpoints, signal stop and resume byte for byte, its charts, no grid; its learning rate decays by epoch") {
  Tensor<float> images({40, 28, 28, 1});
  Rng r(6);
  for (auto& v : images) v = static_cast<float>(r.uniform(-1, 1));
  std::vector<int> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(i % 10);
  const DataIdentity identity{40, 0xc1a55ULL};
  const ModelSettings model = {{"model", "test classifier"}};
  ClassifierConfig c;
  c.batch = 16, c.seed = 2, c.steps_per_epoch = 3;
  auto make = [](Rng& init, Rng& drop) { return make_mnist_classifier<float>(init, drop); };
  auto train = [&](const std::string& dir, FolderStart start, ClassifierTrainer<float>& t, const TrainingHooks<ClassifierTrainer<float>>& extra = {}) {
    RunSettings s;
    s.dir = dir, s.start = start, s.epochs = 3, s.program = "test_gan_run", s.model_name = "classifier";
    ClassifierRun run(s);
    return run.train(t, tensor_images(images, labels), identity, classifier_run_checkpoints(t, model), extra);
  };
  const std::string whole = fresh_dir("classifier_whole"), cut = fresh_dir("classifier_cut");
  ClassifierTrainer<float> a(c, make);
  CHECK(a.learning_rate(3) == doctest::Approx(1e-3));
  CHECK(a.learning_rate(4) == doctest::Approx(0.75e-3));
  CHECK(a.learning_rate(7) == doctest::Approx(0.5625e-3));
  CHECK(train(whole, FolderStart::Fresh, a).end == RunEnd::Finished);
  CHECK(read_file(whole + "/losses.csv").find("epoch,step,loss,accuracy,seconds\n1,1,") == 0);
  CHECK(csv_rows(whole + "/losses.csv") == 9);
  CHECK_FALSE(exists(whole + "/image_at_epoch_0001.png"));
  CHECK_FALSE(exists(whole + "/training.gif"));
  const std::string page = read_file(whole + "/index.html");
  CHECK(page.find("\"id\":\"accuracy\"") != std::string::npos);

  ClassifierTrainer<float> b(c, make);
  TrainingHooks<ClassifierTrainer<float>> signal_at_step_5;
  int steps = 0;
  signal_at_step_5.after_step = [&](const StepRecordOf<ClassifierStepStats>&) {
    if (++steps == 5) std::raise(SIGTERM);  // epoch 2, step 2: the dropout Rng mid-epoch
  };
  CHECK(train(cut, FolderStart::Fresh, b, signal_at_step_5).end == RunEnd::Stopped);
  ClassifierTrainer<float> resumed(c, make);
  CHECK(train(cut, FolderStart::Resume, resumed).end == RunEnd::Finished);
  CHECK(read_file(cut + "/checkpoint_epoch_0003.ckpt") == read_file(whole + "/checkpoint_epoch_0003.ckpt"));

  c.learning_rate = 2e-3;  // a resume with other settings is refused, naming them
  ClassifierTrainer<float> other(c, make);
  const std::string e = error_of([&] { train(cut, FolderStart::Resume, other); });
  CHECK(e.find("learning rate 0.001 in the checkpoint, 0.002 now") != std::string::npos);
}
