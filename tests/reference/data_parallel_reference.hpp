// tests/reference/data_parallel_reference.hpp — the data-parallel GAN step as it was before the
// GAN step was written once (ganlite/dist/data_parallel.hpp at commit 4628b09), kept as the
// oracle the trainer's sharded step must equal bit for bit (tests/test_data_parallel.cpp,
// tests/mpi/data_parallel_mpi.cpp). Only these lines, the namespace, the includes and the calls
// into BatchNorm and Dropout differ: BatchNorm's phases and Dropout's unit offset, public then,
// are reached through the layer contract's shard seam now (set_shard, partial_sums,
// finish_forward, finish_backward), which runs the same arithmetic.
//
// The global batch (GanConfig::batch images) is cut into S shards, shard s holding rows
// [s*B/S, (s+1)*B/S); process r of P holds shards [r*S/P, (r+1)*S/P), one replica of G and D
// each (the trainer's own networks for its first, copies for the others). Every process draws
// the whole batch's noise and fake classes from the trainer's data Rng, as one process would,
// and takes its shards' rows; Dropout layers are told where their shard starts, so every image
// gets the mask it would get in one process. The replicas run layer by layer in lockstep:
//   - a BatchNorm layer in Train mode adds its shards' sums (of x, of squared deviations, of dy
//     and dy * xhat) over all shards before it goes on, so it normalises with the statistics of
//     the whole batch (synchronized BatchNorm);
//   - each loss is scaled by shard size / batch, so a shard's gradient is its part of the whole
//     batch's;
//   - after the backward passes, each network's gradients — one flat buffer per replica — are
//     summed over all shards in the fixed tree order of shard_sum.hpp, and the trainer's Adam
//     steps once; the other replicas copy the new parameters.
// So the numbers depend on S and not on P: one process with S shards and P processes with S
// shards give the same bits. With S = 1 in one process the arithmetic is GanTrainer::train_step's.
#pragma once
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <ganlite/dist/communicator.hpp>
#include <ganlite/dist/shard_sum.hpp>
#include <ganlite/layers/batchnorm.hpp>
#include <ganlite/layers/dropout.hpp>
#include <ganlite/train/gan_trainer.hpp>

namespace ganlite::reference {

using namespace ganlite;

class DataParallelGan {
 public:
  // The replicas beyond the trainer's own are built with the same factories (their initial
  // weights are replaced by the trainer's at once).
  DataParallelGan(GanTrainer<float>& trainer, const GanTrainer<float>::MakeGenerator& make_g,
                  const GanTrainer<float>::MakeDiscriminator& make_d, Communicator& comm, int shards)
      : t_(trainer), comm_(comm), shards_(shards) {
    if (shards < comm.size() || shards % comm.size() != 0)
      throw std::invalid_argument("--shards " + std::to_string(shards) + " must be a multiple of the " + std::to_string(comm.size()) + " processes");
    local_ = shards / comm.size();
    g_.push_back(&t_.generator());
    d_.push_back(&t_.discriminator());
    replica_dropout_.resize(static_cast<std::size_t>(local_));
    for (int j = 1; j < local_; ++j) {
      Rng scratch(0);
      owned_.push_back(std::make_unique<Sequential<float>>(make_g(scratch)));
      g_.push_back(owned_.back().get());
      owned_.push_back(std::make_unique<Sequential<float>>(make_d(scratch, replica_dropout_[static_cast<std::size_t>(j)])));
      d_.push_back(owned_.back().get());
      g_.back()->set_needs_input_grad(false);
      d_.back()->set_needs_input_grad(false);
    }
    broadcast_state();
  }

  // Rank 0's parameters, BatchNorm statistics and Adam moments to every process, and to every
  // replica: at the start and after a resume.
  void broadcast_state() {
    for (auto* net : {g_[0], d_[0]})
      for (auto* t : net->state_tensors()) comm_.broadcast(t->data(), t->size(), 0);
    for (auto* opt : {&t_.generator_optimizer(), &t_.discriminator_optimizer()}) {
      AdamState<float> s = opt->state();
      for (auto* moments : {&s.m, &s.v})
        for (auto& t : *moments) comm_.broadcast(t.data(), t.size(), 0);
      opt->set_state(s);
    }
    copy_to_replicas();
  }

  int shards() const { return shards_; }

  // Where the steps' time went, summed since the start: all of train_step, and the part spent
  // summing over shards (gradients and BatchNorm sums: copies, exchange, tree); bytes this
  // process sent to the others in those exchanges (as many as it received).
  struct Timing {
    double step_seconds = 0, sum_seconds = 0;
    std::size_t bytes_sent = 0;
    long steps = 0;
  };
  const Timing& timing() const { return timing_; }
  int first_shard() const { return comm_.rank() * local_; }

  // One step on the whole batch (every process passes the same images and labels; each uses
  // its shards' rows). The returned losses and D outputs are the whole batch's, on every process.
  StepStats train_step(const Tensor<float>& real, const std::vector<int>& labels = {}) {
    const auto start = std::chrono::steady_clock::now();
    const StepStats s = step(real, labels);
    timing_.step_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++timing_.steps;
    return s;
  }

 private:
  StepStats step(const Tensor<float>& real, const std::vector<int>& labels) {
    const GanConfig& cfg = t_.gan_config();
    const int B = real.dim(0), K = cfg.classes, N = cfg.noise_dim;
    if (B < shards_) throw std::invalid_argument("a batch of " + std::to_string(B) + " images can't be cut into " + std::to_string(shards_) + " shards");
    if (K > 0) check_labels(labels, B, K);
    Tensor<float> noise({B, N});  // the whole batch's draws, in one process's order
    for (auto& v : noise) v = static_cast<float>(t_.data_rng().normal());
    std::vector<int> fake_labels(K > 0 ? static_cast<std::size_t>(B) : 0);
    for (auto& y : fake_labels) y = static_cast<int>(t_.data_rng().below(static_cast<std::uint64_t>(K)));

    rows_.assign(static_cast<std::size_t>(local_), {});
    for (int j = 0; j < local_; ++j) {
      const int s = first_shard() + j;
      rows_[static_cast<std::size_t>(j)] = {static_cast<int>(static_cast<long>(s) * B / shards_), static_cast<int>(static_cast<long>(s + 1) * B / shards_)};
    }
    batch_ = B;
    for (auto* net : g_) net->zero_grad();
    for (auto* net : d_) net->zero_grad();

    // Each shard's inputs: G's (noise, one-hot), the real images (and label planes).
    std::vector<Tensor<float>> g_in(static_cast<std::size_t>(local_)), real_in(g_in.size()), fake_in(g_in.size());
    std::vector<std::vector<int>> real_y(g_in.size()), fake_y(g_in.size());
    for (int j = 0; j < local_; ++j) {
      const auto [r0, r1] = rows_[static_cast<std::size_t>(j)];
      real_y[j].assign(labels.begin() + (K ? r0 : 0), labels.begin() + (K ? r1 : 0));
      fake_y[j].assign(fake_labels.begin() + (K ? r0 : 0), fake_labels.begin() + (K ? r1 : 0));
      Tensor<float> z = rows_of(noise, r0, r1), x = rows_of(real, r0, r1);
      if (K > 0) {
        join_one_hot(z, fake_y[j], K, g_in[j]);
        join_label_planes(x, real_y[j], K, real_in[j]);
      } else {
        g_in[j] = std::move(z);
        real_in[j] = std::move(x);
      }
    }
    StepStats s;
    const std::vector<Tensor<float>> fakes = copies(forward(g_, pointers(g_in), Mode::Train));
    for (int j = 0; j < local_; ++j) {
      if (K > 0) join_label_planes(fakes[j], fake_y[j], K, fake_in[j]);
      else fake_in[j] = fakes[j];
    }
    double d_loss = 0;
    std::vector<Tensor<float>> dlogits(static_cast<std::size_t>(local_));
    // D on real images, then on fakes: both gradients into D's parameters.
    for (auto [input, target, d_out] : {std::tuple{&real_in, 1.0f, &s.d_real}, std::tuple{&fake_in, 0.0f, &s.d_fake}}) {
      const std::vector<const Tensor<float>*> logits = forward(d_, pointers(*input), Mode::Train);
      d_loss += losses(logits, target, dlogits, d_out);
      backward(d_, pointers(dlogits));
      if (target == 0.0f) fake_logits_ = copies(logits);
    }
    s.d_loss = static_cast<float>(d_loss);
    // G's loss through D frozen: only the image channels of D's input gradient reach G.
    s.g_loss = static_cast<float>(losses(pointers(fake_logits_), 1.0f, dlogits, nullptr));
    std::vector<Tensor<float>> d_image(static_cast<std::size_t>(local_));
    {
      const FrozenReplicas frozen(d_);
      const std::vector<const Tensor<float>*> d_input = backward(d_, pointers(dlogits));
      for (int j = 0; j < local_; ++j) {
        if (K > 0) image_channels(*d_input[j], t_.image_shape()[2], d_image[j]);
        else d_image[j] = *d_input[j];
      }
      backward(g_, pointers(d_image));
    }
    sum_gradients(g_);
    sum_gradients(d_);
    t_.generator_optimizer().step();
    t_.discriminator_optimizer().step();
    t_.update_generator_average();
    copy_to_replicas();
    return s;
  }

  // The replicas of D with their parameters frozen and their input gradient on, for G's backward.
  struct FrozenReplicas {
    explicit FrozenReplicas(std::vector<Sequential<float>*>& nets) : nets_(nets) {
      for (auto* n : nets_) n->set_trainable(false), n->set_needs_input_grad(true);
    }
    ~FrozenReplicas() {
      for (auto* n : nets_) n->set_trainable(true), n->set_needs_input_grad(false);
    }
    std::vector<Sequential<float>*>& nets_;
  };

  static Tensor<float> rows_of(const Tensor<float>& t, int r0, int r1) {
    Shape s = t.shape();
    s[0] = r1 - r0;
    Tensor<float> out(s);
    const std::size_t row = t.size() / static_cast<std::size_t>(t.dim(0));
    std::copy(t.data() + row * static_cast<std::size_t>(r0), t.data() + row * static_cast<std::size_t>(r1), out.data());
    return out;
  }
  static std::vector<const Tensor<float>*> pointers(const std::vector<Tensor<float>>& ts) {
    std::vector<const Tensor<float>*> p;
    for (const auto& t : ts) p.push_back(&t);
    return p;
  }
  static std::vector<Tensor<float>> copies(const std::vector<const Tensor<float>*>& ts) {
    std::vector<Tensor<float>> c;
    for (const auto* t : ts) c.push_back(*t);
    return c;
  }

  // BCE with logits of every shard against `target`, each shard's gradient scaled to its part of
  // the whole batch; returns the whole batch's mean loss, and its mean sigmoid in *mean_sigmoid (unless null).
  double losses(const std::vector<const Tensor<float>*>& logits, float target, std::vector<Tensor<float>>& dlogits, float* mean_sigmoid) {
    std::vector<double> parts(2 * static_cast<std::size_t>(local_));
    for (int j = 0; j < local_; ++j) {
      const int n = logits[j]->dim(0);
      const float scale = static_cast<float>(n) / static_cast<float>(batch_);
      parts[2 * j] = static_cast<double>(bce_with_logits(*logits[j], target, &dlogits[j], scale)) * n;
      if (mean_sigmoid)
        for (float v : *logits[j]) parts[2 * j + 1] += sigmoid(static_cast<double>(v));
    }
    double total[2];
    sum_parts(parts.data(), 2, total);
    if (mean_sigmoid) *mean_sigmoid = static_cast<float>(total[1] / batch_);
    return total[0] / batch_;
  }

  // out (n values) = the tree sum over all shards of each local replica's n values at parts + j*n.
  template <class V>
  void sum_parts(const V* parts, std::size_t n, V* out) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<const V*> p;
    for (int j = 0; j < local_; ++j) p.push_back(parts + n * static_cast<std::size_t>(j));
    timing_.bytes_sent += sum_over_shards(comm_, p, n, shards_, out, buffers<V>());
    timing_.sum_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // The replicas' forward pass, layer by layer; BatchNorm in Train mode on the whole batch.
  std::vector<const Tensor<float>*> forward(std::vector<Sequential<float>*>& nets, std::vector<const Tensor<float>*> h, Mode mode) {
    Shape shape = nets[0]->input_shape();
    for (std::size_t i = 0; i < nets[0]->size(); ++i) {
      Layer<float>& first = nets[0]->layer(i);
      std::size_t units = 1;
      for (int d : shape) units *= static_cast<std::size_t>(d);
      if (dynamic_cast<Dropout<float>*>(&first)) {  // every replica draws the mask of its rows of the whole batch
        for (int j = 0; j < local_; ++j) {
          if (j > 0) replica_dropout_[static_cast<std::size_t>(j)] = t_.dropout_rng();
          nets[j]->layer(i).set_shard({rows_[static_cast<std::size_t>(j)].first, batch_});
        }
      }
      if (mode == Mode::Train && dynamic_cast<BatchNorm<float>*>(&first)) {
        synchronized_batchnorm(nets, i, h, units / static_cast<std::size_t>(shape.back()));
      } else {
        for (int j = 0; j < local_; ++j) h[j] = &nets[j]->layer(i).forward(*h[j], mode);
      }
      shape = first.output_shape(shape);
    }
    return h;
  }

  void synchronized_batchnorm(std::vector<Sequential<float>*>& nets, std::size_t i, std::vector<const Tensor<float>*>& h, std::size_t rows_per_image) {
    (void)rows_per_image;  // the layer counts the whole batch's rows from its shard (set_shard)
    const std::size_t C = static_cast<std::size_t>(static_cast<BatchNorm<float>&>(nets[0]->layer(i)).channels());
    // Kept from step to step; every value is written below before it is read.
    std::vector<double>& parts = bn_parts_;
    std::vector<double>& totals = bn_mean_;
    parts.resize(C * static_cast<std::size_t>(local_));
    totals.resize(2 * C);
    auto bn = [&](int j) -> BatchNorm<float>& {
      nets[j]->layer(i).set_shard({rows_[static_cast<std::size_t>(j)].first, batch_});
      return static_cast<BatchNorm<float>&>(nets[j]->layer(i));
    };
    for (int j = 0; j < local_; ++j) bn(j).partial_sums(Pass::Forward, 0, *h[j], nullptr, parts.data() + C * j);  // sums of x
    sum_parts(parts.data(), C, totals.data());
    for (int j = 0; j < local_; ++j) bn(j).partial_sums(Pass::Forward, 1, *h[j], totals.data(), parts.data() + C * j);  // centred squares
    sum_parts(parts.data(), C, totals.data() + C);
    for (int j = 0; j < local_; ++j) h[j] = &bn(j).finish_forward(*h[j], totals.data());
  }

  // The replicas' backward pass, layer by layer in reverse; BatchNorm with the whole batch's sums.
  std::vector<const Tensor<float>*> backward(std::vector<Sequential<float>*>& nets, std::vector<const Tensor<float>*> g) {
    for (std::size_t i = nets[0]->size(); i-- > 0;) {
      if (auto* first = dynamic_cast<BatchNorm<float>*>(&nets[0]->layer(i))) {  // the step runs in Train mode
        const std::size_t C = static_cast<std::size_t>(first->channels());
        std::vector<double>& parts = bn_parts_;  // kept from step to step; every value written below
        std::vector<double>& total = bn_mean_;
        parts.resize(2 * C * static_cast<std::size_t>(local_));
        total.resize(2 * C);
        auto bn = [&](int j) -> BatchNorm<float>& { return static_cast<BatchNorm<float>&>(nets[j]->layer(i)); };
        for (int j = 0; j < local_; ++j) bn(j).partial_sums(Pass::Backward, 0, *g[j], nullptr, parts.data() + 2 * C * j);  // and its parameters' gradients
        sum_parts(parts.data(), 2 * C, total.data());
        for (int j = 0; j < local_; ++j) g[j] = &bn(j).finish_backward(*g[j], total.data());
      } else {
        for (int j = 0; j < local_; ++j) g[j] = &nets[j]->layer(i).backward(*g[j]);
      }
    }
    return g;
  }

  // Each replica's gradients as one flat buffer, summed over all shards into the first replica's.
  void sum_gradients(std::vector<Sequential<float>*>& nets) {
    auto start = std::chrono::steady_clock::now();  // the copies count as summing too (sum_parts times itself)
    std::size_t n = 0;
    for (auto* t : nets[0]->grads()) n += t->size();
    flat_.resize(n * static_cast<std::size_t>(local_));
    for (int j = 0; j < local_; ++j) {
      float* at = flat_.data() + n * static_cast<std::size_t>(j);
      for (auto* t : nets[j]->grads()) at = std::copy(t->data(), t->data() + t->size(), at);
    }
    total_.resize(n);
    timing_.sum_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sum_parts(flat_.data(), n, total_.data());
    start = std::chrono::steady_clock::now();
    const float* at = total_.data();
    for (auto* t : nets[0]->grads()) {
      std::copy(at, at + t->size(), t->data());
      at += t->size();
    }
    timing_.sum_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  void copy_to_replicas() {
    for (int j = 1; j < local_; ++j)
      for (auto [from, to] : {std::pair{g_[0], g_[j]}, std::pair{d_[0], d_[j]}}) {
        auto a = from->state_tensors(), b = to->state_tensors();
        for (std::size_t k = 0; k < a.size(); ++k) *b[k] = *a[k];
      }
  }

  template <class V>
  ShardSumBuffers<V>& buffers() {
    if constexpr (std::is_same_v<V, float>) return float_sums_;
    else return double_sums_;
  }

  GanTrainer<float>& t_;
  Communicator& comm_;
  int shards_, local_ = 1, batch_ = 0;
  std::vector<Sequential<float>*> g_, d_;
  std::vector<std::unique_ptr<Sequential<float>>> owned_;
  std::vector<Rng> replica_dropout_;  // the other replicas' dropout Rngs, set from the trainer's before each pass
  std::vector<std::pair<int, int>> rows_;
  std::vector<Tensor<float>> fake_logits_;
  std::vector<float> flat_, total_;
  ShardSumBuffers<float> float_sums_;
  ShardSumBuffers<double> double_sums_;
  std::vector<double> bn_parts_, bn_mean_, bn_var_;  // synchronized BatchNorm's sums, kept from step to step
  Timing timing_;
};

}  // namespace ganlite::reference
