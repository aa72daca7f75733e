// The README's usage example: a small network learns XOR with ganlite's layers, loss and Adam.
#include <ganlite/ganlite.hpp>
#include <cstdio>
using namespace ganlite;

int main() {
  Rng rng(42);
  Sequential net("xor", {2});
  net.add(Dense(DenseOptions(2, 16), rng));
  net.add(Tanh());
  net.add(Dense(DenseOptions(16, 1), rng));
  Adam<float> opt(net.params(), net.grads(), {0.05});
  Tensor<float> x({4, 2}), y({4, 1}), dz;
  const float xs[] = {0, 0, 0, 1, 1, 0, 1, 1}, ys[] = {0, 1, 1, 0};
  std::copy(xs, xs + 8, x.begin()), std::copy(ys, ys + 4, y.begin());
  float loss = 0;
  for (int step = 0; step <= 300; ++step) {
    net.zero_grad();
    loss = bce_with_logits(net.forward(x, Mode::Train), y, &dz);
    net.backward(dz), opt.step();
    if (step % 100 == 0) std::printf("step %3d  loss %.4f\n", step, loss);
  }
  std::printf("%s", net.summary().c_str());
  return loss < 0.05f ? 0 : 1;  // the test suite runs this program
}
