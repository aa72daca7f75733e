// mnist_dcgan as the tests build it: the same program, with a fault injected through the
// library's public hook (LoopHooks::step) — a generator weight becomes NaN after the number of
// steps in GANLITE_FAULT_NAN_AFTER_STEPS. Nothing of this ships: the program itself has no fault.
#include <cstdlib>

#include "../../examples/mnist_dcgan/program.hpp"

int main(int argc, char** argv) {
  ganlite::LoopHooks<float> faults;
  if (const char* after = std::getenv("GANLITE_FAULT_NAN_AFTER_STEPS")) {
    faults.step = [n = std::atol(after), steps = 0L](ganlite::GanTrainer<float>& t, const ganlite::Tensor<float>& real,
                                                      const std::vector<int>& labels) mutable {
      const ganlite::StepStats s = t.train_step(real, labels);
      if (++steps == n) (*t.generator().params()[0])[0] = std::nanf("");
      return s;
    };
  }
  return mnist_dcgan::program_main(argc, argv, faults);
}
