// Run under mpirun with 1, 2 or 4 processes (CTest does, where MPI was found): the trainer's step
// run data-parallel (GanTrainer::shard) on a small conditional GAN (BatchNorm in G, Dropout in D)
// with 4 shards over the processes leaves, on every process, the same bits — weights, BatchNorm
// statistics, Adam moments, Rngs — as the frozen data-parallel step of before the step was
// written once (tests/reference/data_parallel_reference.hpp) with 4 shards in one process, which
// each process also computes by itself here. Then the same with augmentation (translation and
// cutout) and a spectrally normalized D: 4 shards over the processes as 4 shards in one process,
// bit for bit (every process draws the whole batch's augmentations). Exit 0 when they agree, 1 (naming the first tensor
// that differs) if not.
#include <cstdio>
#include <cstring>
#include <ganlite/dist/mpi_communicator.hpp>
#include <vector>

#include "../reference/data_parallel_reference.hpp"
#include "../small_gan.hpp"
#include "../trainer_state.hpp"

using namespace ganlite;

namespace {

Sequential<float> small_d(Rng& init, Rng& dropout) { return small_gan::discriminator<float>(init, dropout, 0.3); }

// Three steps on fixed data, made by `step`.
template <class Step>
void train(Step step) {
  Rng r(41);
  Tensor<float> x({12, 4, 4, 2});
  std::vector<int> y(12);
  for (int i = 0; i < 3; ++i) {
    for (auto& v : x) v = static_cast<float>(r.uniform() * 2 - 1);
    for (auto& c : y) c = static_cast<int>(r.below(small_gan::kClasses));
    step(x, y);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MpiCommunicator comm(&argc, &argv);
  GanConfig c = small_gan::config();
  c.batch = 12;
  GanTrainer<float> here(c, small_gan::generator<float>, small_d), spread(c, small_gan::generator<float>, small_d);
  SingleProcess one;
  reference::DataParallelGan oracle(here, small_gan::generator<float>, small_d, one, 4);
  train([&](const Tensor<float>& x, const std::vector<int>& y) { oracle.train_step(x, y); });
  spread.shard(comm, 4);
  train([&](const Tensor<float>& x, const std::vector<int>& y) { spread.train_step(x, y); });
  const auto a = test_state::of(here), b = test_state::of(spread);
  int failures = 0;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k].size() != b[k].size() || std::memcmp(a[k].data(), b[k].data(), a[k].size() * sizeof(float)) != 0) {
      std::fprintf(stderr, "%s: tensor %zu differs from one process's\n", comm.who().c_str(), k);
      ++failures;
    }
  if (here.data_rng().state() != spread.data_rng().state() || here.dropout_rng().state() != spread.dropout_rng().state()) {
    std::fprintf(stderr, "%s: the Rngs differ from one process's\n", comm.who().c_str());
    ++failures;
  }
  GanConfig aug = c;
  aug.augment = augmentation_named("translation,cutout");
  auto sn_d = [](Rng& init, Rng& dropout) { return small_gan::discriminator<float>(init, dropout, 0.3, true); };
  GanTrainer<float> alone(aug, small_gan::generator<float>, sn_d), together(aug, small_gan::generator<float>, sn_d);
  alone.shard(one, 4);
  together.shard(comm, 4);
  train([&](const Tensor<float>& x, const std::vector<int>& y) { alone.train_step(x, y); });
  train([&](const Tensor<float>& x, const std::vector<int>& y) { together.train_step(x, y); });
  const auto p = test_state::of(alone), q = test_state::of(together);
  for (std::size_t k = 0; k < p.size(); ++k)
    if (p[k].size() != q[k].size() || std::memcmp(p[k].data(), q[k].data(), p[k].size() * sizeof(float)) != 0) {
      std::fprintf(stderr, "%s: with augmentation and spectral normalization, tensor %zu differs from one process's\n", comm.who().c_str(), k);
      ++failures;
    }
  if (alone.data_rng().state() != together.data_rng().state()) {
    std::fprintf(stderr, "%s: with augmentation, the data Rng differs from one process's\n", comm.who().c_str());
    ++failures;
  }
  if (!failures && comm.rank() == 0)
    std::printf("4 shards on %d processes: the same bits as the reference step in one process, and with augmentation and spectral normalization "
                "as 4 shards in one process\n", comm.size());
  return failures ? 1 : 0;
}
