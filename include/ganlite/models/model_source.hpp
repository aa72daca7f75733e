// ganlite/models/model_source.hpp — copies of a model a user built, on demand: the model itself
// the first time, clones of it (Sequential::clone) afterwards. A trainer given your models keeps
// the first as its own network and makes its other copies (G's moving average, data-parallel
// copies, whose state it then sets) from the rest.
#pragma once
#include <optional>
#include <utility>

#include "sequential.hpp"

namespace ganlite {

template <class T>
class ModelSource {
 public:
  explicit ModelSource(Sequential<T> m) : prototype_(m.clone()), first_(std::move(m)) {}
  Sequential<T> next() {
    if (!first_) return prototype_.clone();
    Sequential<T> m = std::move(*first_);
    first_.reset();
    return m;
  }

 private:
  Sequential<T> prototype_;
  std::optional<Sequential<T>> first_;
};

}  // namespace ganlite
