// mnist_classifier as the tests build it: the same program, with a weight made NaN after the
// number of steps in GANLITE_FAULT_NAN_AFTER_STEPS, through the program's hook. Nothing of this
// ships: the program itself has no fault.
#include <cmath>
#include <cstdlib>

#include "../../examples/mnist_classifier/program.hpp"

int main(int argc, char** argv) {
  mnist_classifier::Hooks faults;
  if (const char* after = std::getenv("GANLITE_FAULT_NAN_AFTER_STEPS"))
    faults.after_step = [n = std::atol(after), steps = 0L](ganlite::Sequential<float>& model) mutable {
      if (++steps == n) (*model.params()[0])[0] = std::nanf("");
    };
  return mnist_classifier::program_main(argc, argv, faults);
}
