// End to end: mnist_dcgan --conditional on a few hundred images — the 10 x 10 grid, a resume that
// matches an uninterrupted run, generate --digit/--digits/--class with labels, write, evaluate's
// requested-class accuracy and --confusions, --average, --ema — and every bad use named (exit 2).
#include <doctest/doctest.h>

#include <cstdlib>
#include <ganlite/ganlite.hpp>
#include <sstream>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <string>

#include "e2e_util.hpp"

using namespace ganlite;
using namespace e2e::dcgan;

namespace {
const std::string kRun = " --conditional --limit 256 --batch 64 --threads 2 --seed 4 --checkpoint-every 1 ";

// One short conditional run shared by the cases below (trained once).
const std::string& conditional_run() {
  static const std::string out = [] {
    const std::string d = fresh_dir("conditional");
    REQUIRE(run("--data " + mnist_dir() + " --out " + d + kRun + "--epochs 2", d + "/log") == 0);
    return d;
  }();
  return out;
}

// A classifier trained briefly, shared by the evaluate cases.
const std::string& classifier() {
  static const std::string clf = [] {
    const std::string out = conditional_run(), path = out + "/clf.weights";
    REQUIRE(e2e::run(GANLITE_MNIST_CLASSIFIER_BINARY, "--data " + mnist_dir() + " --limit 2000 --test-limit 200 --epochs 1 --model " + path,
                     out + "/clf.log") == 0);
    return path;
  }();
  return clf;
}
}  // namespace

TEST_CASE("a conditional run draws a 10 x 10 grid per epoch and resumes bit-exactly") {
  const std::string out = conditional_run();
  const GrayImage grid = read_image_gray(out + "/image_at_epoch_0002.png");
  const GrayImage seed_grid_like = make_grid(Tensor<float>({100, 28, 28, 1}), 10, 10, 2);
  CHECK(grid.width == seed_grid_like.width);
  CHECK(grid.height == seed_grid_like.height);
  const DcganConfig c = read_checkpoint_config(out + "/checkpoint_epoch_0002.ckpt");
  CHECK(c.classes == 10);
  CHECK(c.class_names[7] == "7");
  const std::string b = fresh_dir("conditional_resumed");
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 1", b + "/log1") == 0);
  REQUIRE(run("--data " + mnist_dir() + " --out " + b + kRun + "--epochs 2 --resume", b + "/log2") == 0);
  CHECK(read_file(b + "/checkpoint_epoch_0002.ckpt") == read_file(out + "/checkpoint_epoch_0002.ckpt"));
  // resuming a conditional run without --conditional is refused, with what differs
  CHECK(run("--data " + mnist_dir() + " --out " + b + " --limit 256 --batch 64 --seed 4 --epochs 3 --resume", b + "/log3") == 2);
  CHECK(slurp(b + "/log3").find("classes 10 in the checkpoint, 0 now") != std::string::npos);
}

TEST_CASE("generate --digit, --digits and --class draw the classes asked for, with an IDX of their labels") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  REQUIRE(run("generate --checkpoint " + ck + " --digits 307 --count 4 --out " + out + "/g.idx", out + "/g.log") == 0);
  const IdxData images = read_idx(out + "/g.idx", 3), labels = read_idx(out + "/g-labels.idx", 1);
  CHECK(images.dims == std::vector<std::uint32_t>{12, 28, 28});
  CHECK(labels.bytes == std::vector<std::uint8_t>{3, 3, 3, 3, 0, 0, 0, 0, 7, 7, 7, 7});
  REQUIRE(run("generate --checkpoint " + ck + " --digit 5 --digit 6 --count 3 --out " + out + "/g.png", out + "/g2.log") == 0);
  const GrayImage two_rows = read_image_gray(out + "/g.png");
  CHECK(two_rows.width > two_rows.height);  // 2 rows of 3
  REQUIRE(run("generate --checkpoint " + ck + " --class 9 --count 2 --out " + out + "/g9.idx", out + "/g3.log") == 0);
  CHECK(read_idx(out + "/g9-labels.idx", 1).bytes == std::vector<std::uint8_t>{9, 9});
}

TEST_CASE("write draws the text as one handwritten line per style") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  REQUIRE(run("write --checkpoint " + ck + " --text \"2026 12 01\" --styles 3 --out " + out + "/w.png", out + "/w.log") == 0);
  const GrayImage w = read_image_gray(out + "/w.png");
  const GrayImage expect = make_grid(Tensor<float>({30, 28, 28, 1}), 3, 10, 2, 0);
  CHECK(w.width == expect.width);
  CHECK(w.height == expect.height);
  // the spaces (columns 4 and 7) are black, the digits are not
  auto column_sum = [&](int col) {
    long s = 0;
    for (int y = 0; y < w.height; ++y)
      for (int x = col * w.width / 10; x < (col + 1) * w.width / 10; ++x) s += w.pixels[static_cast<std::size_t>(y) * w.width + x];
    return s;
  };
  CHECK(column_sum(4) == 0);
  CHECK(column_sum(7) == 0);
  CHECK(column_sum(0) > 0);
}

TEST_CASE("evaluate on a conditional checkpoint adds the requested-class accuracy") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  REQUIRE(run("evaluate --checkpoint " + ck + " --classifier " + classifier() + " --count 200", out + "/e.log") == 0);
  const std::string log = slurp(out + "/e.log");
  CHECK(log.find("Requested-class accuracy: ") != std::string::npos);
  CHECK(log.find("(") != std::string::npos);
  CHECK(log.find(" of 200)") != std::string::npos);
  CHECK(log.find("Per class: 0:") != std::string::npos);
  CHECK(log.find("FID vs the test set of ") != std::string::npos);
}

TEST_CASE("--average N draws from the mean of the last N epochs' generators") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  REQUIRE(run("generate --checkpoint " + ck + " --average 2 --digit 3 --count 4 --seed 7 --out " + out + "/avg.idx", out + "/avg.log") == 0);
  // The same images from the library: both epochs' generators averaged, the CLI's noise for --seed 7.
  std::vector<std::unique_ptr<DcganTrainer>> t;
  for (const char* e : {"2", "1"}) {
    const std::string path = out + "/checkpoint_epoch_000" + e + ".ckpt";
    t.push_back(std::make_unique<DcganTrainer>(read_checkpoint_config(path)));
    load_checkpoint(*t.back(), path);
  }
  average_models(t[0]->generator(), {&t[1]->generator()});
  Rng rng(7);
  Tensor<float> z({4, kNoiseDim});
  for (auto& v : z) v = static_cast<float>(rng.normal());
  const Tensor<float>& img = t[0]->generate(z, {3, 3, 3, 3}, Mode::Eval);
  const IdxData cli = read_idx(out + "/avg.idx", 3);
  REQUIRE(cli.bytes.size() == img.size());
  int differ = 0;
  for (std::size_t i = 0; i < img.size(); ++i) differ += cli.bytes[i] != to_byte(img[i]);
  CHECK(differ == 0);
  // ... and not the last epoch's alone.
  REQUIRE(run("generate --checkpoint " + ck + " --digit 3 --count 4 --seed 7 --out " + out + "/one.idx", out + "/one.log") == 0);
  CHECK(read_idx(out + "/one.idx", 3).bytes != cli.bytes);
}

TEST_CASE("--ema keeps the generator's moving average: sampling draws from it (--raw-generator: not), evaluate names it, --confusions tabulates") {
  const std::string out = fresh_dir("conditional_ema"), ck = out + "/checkpoint_epoch_0001.ckpt";
  const std::string args = "--data " + mnist_dir() + " --out " + out + kRun;
  REQUIRE(run(args + "--ema 0.9 --epochs 1", out + "/log") == 0);
  REQUIRE(read_checkpoint_config(ck).generator_ema == 0.9);
  CHECK(slurp(out + "/index.html").find("its moving average, decay 0.9 (--ema)") != std::string::npos);  // the report says so
  REQUIRE(run("generate --checkpoint " + ck + " --digit 3 --count 4 --seed 7 --out " + out + "/avg.idx", out + "/g.log") == 0);
  DcganTrainer t(read_checkpoint_config(ck));
  load_checkpoint(t, ck);
  Rng rng(7);
  Tensor<float> z({4, kNoiseDim});
  for (auto& v : z) v = static_cast<float>(rng.normal());
  const Tensor<float> averaged = t.generate(z, {3, 3, 3, 3}, Mode::Eval);
  Tensor<float> zc;
  join_one_hot(z, {3, 3, 3, 3}, 10, zc);
  const Tensor<float> raw = t.generator().forward(zc, Mode::Eval);
  const IdxData cli = read_idx(out + "/avg.idx", 3);
  REQUIRE(cli.bytes.size() == averaged.size());
  int from_average = 0, from_raw = 0;
  for (std::size_t i = 0; i < averaged.size(); ++i) from_average += cli.bytes[i] == to_byte(averaged[i]), from_raw += cli.bytes[i] == to_byte(raw[i]);
  CHECK(from_average == static_cast<int>(averaged.size()));
  CHECK(from_raw < static_cast<int>(raw.size()));
  // --raw-generator: the trained generator's images instead
  REQUIRE(run("generate --checkpoint " + ck + " --raw-generator --digit 3 --count 4 --seed 7 --out " + out + "/raw.idx", out + "/r.log") == 0);
  const IdxData cli_raw = read_idx(out + "/raw.idx", 3);
  int raw_same = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) raw_same += cli_raw.bytes[i] == to_byte(raw[i]);
  CHECK(raw_same == static_cast<int>(raw.size()));

  REQUIRE(run("evaluate --checkpoint " + ck + " --classifier " + classifier() + " --count 200 --confusions", out + "/e.log") == 0);
  const std::string log = slurp(out + "/e.log");
  CHECK(log.find("generator's moving average (decay 0.9)") != std::string::npos);
  CHECK(log.find("Confusions (row: class asked for, column: class given by the classifier):") != std::string::npos);
  for (int r = 0; r < 10; ++r) {  // each row counts the 20 images asked to be class r
    CAPTURE(r);
    const std::size_t at = log.find("\n  " + std::to_string(r) + ": ");
    REQUIRE(at != std::string::npos);
    std::istringstream row(log.substr(at + 6, log.find('\n', at + 1) - at - 6));
    int sum = 0, cells = 0;
    for (int v; row >> v;) sum += v, ++cells;
    CHECK(cells == 10);
    CHECK(sum == 20);
  }
  CHECK(run(args + "--epochs 2 --resume --ema 0.5", out + "/r.log") == 2);
  CHECK(slurp(out + "/r.log").find("--ema 0.9 in the checkpoint, 0.5 now") != std::string::npos);
  CHECK(run(args + "--epochs 2 --resume --ema 1", out + "/r1.log") == 2);
  CHECK(slurp(out + "/r1.log").find("--ema") != std::string::npos);
}

TEST_CASE("bad use of the conditional subcommands is named, exit 2") {
  const std::string out = conditional_run(), ck = out + "/checkpoint_epoch_0002.ckpt";
  const std::string plain = fresh_dir("unconditional");
  REQUIRE(run("--data " + mnist_dir() + " --out " + plain + " --limit 128 --batch 64 --epochs 1", plain + "/log") == 0);
  struct Case {
    std::string args, says;
  };
  REQUIRE(std::system(("cp " + ck + " " + out + "/renamed.ckpt && mkdir -p " + out + "/lone && cp " + ck + " " + out + "/lone/").c_str()) == 0);
  const std::vector<float> fifty(3 * 50, 0.5f), hundred(2 * 100, 0.25f);
  ganlite::write_file_atomic(out + "/z50.idx", ganlite::idx_float_bytes({3, 50}, fifty.data()));
  ganlite::write_file_atomic(out + "/z.idx", ganlite::idx_float_bytes({2, 100}, hundred.data()));
  ganlite::write_file_atomic(out + "/bytes.idx", ganlite::idx_bytes({2, 100}, std::vector<std::uint8_t>(200, 7)));
  const Case cases[] = {
      {"generate --checkpoint " + ck + " --noise " + out + "/z50.idx --out " + out + "/x.idx", "holds vectors of 50 numbers; the generator takes 100"},
      {"generate --checkpoint " + ck + " --noise " + out + "/z.idx --float --out " + out + "/x.png", "writes float32 pixels into an .idx file"},
      {"generate --checkpoint " + ck + " --noise " + out + "/z.idx --count 3 --out " + out + "/x.idx", "--count"},
      {"generate --checkpoint " + plain + "/checkpoint_epoch_0001.ckpt --digit 3 --out " + out + "/x.png", "holds an unconditional model"},
      {"generate --checkpoint " + ck + " --digit 12 --out " + out + "/x.png", "\"12\" is not a class of"},
      {"generate --checkpoint " + ck + " --class sneaker --out " + out + "/x.png", "\"sneaker\" is not a class of"},
      {"write --checkpoint " + ck + " --text abc --out " + out + "/x.png", "'a' is not a digit or a space"},
      {"write --checkpoint " + ck + " --text \"   \" --out " + out + "/x.png", "nothing to write"},
      {"write --checkpoint " + plain + "/checkpoint_epoch_0001.ckpt --text 12 --out " + out + "/x.png", "an unconditional model"},
      {"write --checkpoint " + ck + " --text 12 --out " + out + "/x.jpg", "--out"},
      {"generate --checkpoint " + ck + " --average 3 --out " + out + "/x.png", "is epoch 2, which has only 1 epochs before it"},
      {"write --checkpoint " + ck + " --average 0 --text 12 --out " + out + "/x.png", "--average"},
      {"evaluate --real --average 2 --classifier " + ck, "--real scores none"},
      {"evaluate --real --confusions --classifier " + ck, "--confusions: needs a conditional --checkpoint"},
      {"generate --checkpoint " + ck + " --raw-generator --out " + out + "/x.png", "keeps no moving average (trained without --ema)"},
      {"evaluate --real --raw-generator --classifier " + ck, "--real scores none"},
      {"evaluate --checkpoint " + plain + "/checkpoint_epoch_0001.ckpt --confusions --classifier " + ck, "holds an unconditional model"},
      {"generate --checkpoint " + out + "/renamed.ckpt --average 2 --out " + out + "/x.png", "is not named checkpoint_epoch_E.ckpt"},
      {"generate --checkpoint " + out + "/lone/checkpoint_epoch_0002.ckpt --average 2 --out " + out + "/x.png",
       "checkpoint_epoch_0001.ckpt does not exist"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    CHECK(run(c.args, out + "/bad.log") == 2);
    CHECK(slurp(out + "/bad.log").find(c.says) != std::string::npos);
  }
  CHECK(std::system(("test ! -e " + out + "/x.png").c_str()) == 0);
  CHECK(std::system(("test ! -e " + out + "/x.idx").c_str()) == 0);
  CHECK(run("generate --checkpoint " + ck + " --noise " + out + "/bytes.idx --out " + out + "/x.idx", out + "/bad.log") == 1);
  CHECK(slurp(out + "/bad.log").find(out + "/bytes.idx: not a float32 IDX file") != std::string::npos);
  // The noise given is the noise drawn: two vectors, each class asked for.
  REQUIRE(run("generate --checkpoint " + ck + " --noise " + out + "/z.idx --digits 47 --float --out " + out + "/z_images.idx", out + "/ok.log") == 0);
  const ganlite::IdxFloats images = ganlite::read_idx_floats(out + "/z_images.idx", 3);
  CHECK(images.dims == std::vector<std::uint32_t>{4, 28, 28});
}

TEST_CASE("Fashion-MNIST: a conditional run knows its class names (generate --class sneaker)") {
  const char* env = std::getenv("GANLITE_FASHION_MNIST_DIR");
  const std::string data = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  INFO("Fashion-MNIST is expected in " << data << " (apt-get install dataset-fashion-mnist; scripts/install_deps.sh does)");
  const std::string out = fresh_dir("fashion_conditional");
  REQUIRE(run("--data " + data + " --out " + out + " --conditional --limit 128 --batch 64 --threads 2 --epochs 1", out + "/log") == 0);
  const std::string ck = out + "/checkpoint_epoch_0001.ckpt";
  CHECK(read_checkpoint_config(ck).class_names[9] == "ankle boot");
  REQUIRE(run("generate --checkpoint " + ck + " --class sneaker --class Ankle-Boot --count 2 --out " + out + "/s.idx", out + "/g.log") == 0);
  CHECK(read_idx(out + "/s-labels.idx", 1).bytes == std::vector<std::uint8_t>{7, 7, 9, 9});
  CHECK(run("write --checkpoint " + ck + " --text 12 --out " + out + "/w.png", out + "/w.log") == 2);
  CHECK(slurp(out + "/w.log").find("classes that are not the digits") != std::string::npos);
}
