// A project outside ganlite's tree, built against the installed package: builds the seed
// discriminator, runs one training step, and checks the parameter count.
#include <ganlite/ganlite.hpp>
#include <iostream>

int main() {
  ganlite::Rng init(1), drop(2);
  auto d = ganlite::make_discriminator<float>(init, drop);
  ganlite::Adam<float> adam(d.params(), d.grads(), {1e-4});
  ganlite::Tensor<float> x({2, 28, 28, 1}, 0.5f), dz;
  d.zero_grad();
  const float loss = ganlite::bce_with_logits(d.forward(x, ganlite::Mode::Train), 1.0f, &dz);
  d.backward(dz);
  adam.step();
  std::cout << "discriminator parameters " << d.param_count() << ", loss " << loss << "\n";
  return d.param_count() == 212865 ? 0 : 1;
}
