// tests/grad_check.hpp — the public gradient checker (ganlite/testing/grad_check.hpp) as doctest
// checks: each call is one CHECK that prints the checker's report when it fails.
#pragma once
#include <doctest/doctest.h>

#include <ganlite/ganlite.hpp>
#include <ganlite/testing/grad_check.hpp>

namespace gradcheck {

using ganlite::Layer;
using ganlite::Mode;
using ganlite::Shape;
using ganlite::Tensor;
using ganlite::gradcheck::random_tensor;

inline void expect(const ganlite::gradcheck::GradCheckReport& r) {
  INFO(r.text());
  CHECK(r.ok);
}

inline void check_layer(Layer<double>& layer, const Shape& input_shape, Mode mode = Mode::Train, std::uint64_t seed = 1,
                        const std::function<void()>& before_forward = [] {}) {
  expect(ganlite::gradcheck::check_layer(layer, input_shape, mode, seed, before_forward));
}

inline void check_loss(const std::string& name, const std::function<double(const Tensor<double>&, Tensor<double>*)>& f, Tensor<double> z,
                       std::uint64_t seed = 1) {
  expect(ganlite::gradcheck::check_loss(name, f, std::move(z), seed));
}

inline void compare(const std::string& what, Tensor<double>& target, const Tensor<double>& analytic, const std::function<double()>& loss,
                    ganlite::Rng& rng) {
  expect(ganlite::gradcheck::compare(what, target, analytic, loss, rng));
}

}  // namespace gradcheck
