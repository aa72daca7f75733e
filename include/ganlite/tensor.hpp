// ganlite/tensor.hpp — the one data container: a dense, row-major, owning array with a shape.
//
// Images are NHWC (batch, height, width, channels), like Keras, so that a convolution over a
// whole batch is one im2col plus one GEMM and its output is already NHWC.
#pragma once
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ganlite {

using Shape = std::vector<int>;

inline std::size_t shape_size(const Shape& s) {
  std::size_t n = 1;
  for (int d : s) n *= static_cast<std::size_t>(d);
  return n;
}

inline std::string shape_str(const Shape& s) {
  std::string r = "(";
  for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + (s[i] < 0 ? std::string("None") : std::to_string(s[i]));
  return r + (s.size() == 1 ? ",)" : ")");
}

// Large buffers on Linux ask for transparent huge pages (2 MB). The convolutions read an image
// batch one image apart (50 KB strides) and write C rows a position apart, so one position's
// products touch a thousand or more 4 KB pages, beyond what the TLB holds; with 2 MB pages the
// same data sits in a few dozen. Where THP is set to "madvise" (Debian's default) nothing else
// would give them. Only a hint: without THP the memory is ordinary pages.
inline void* allocate_aligned_bytes(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t(2) << 20;
  bytes = ((bytes + 63) / 64) * 64;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= 2 * kHuge) {
    bytes = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, bytes);
    if (p) madvise(p, bytes, MADV_HUGEPAGE);
    return p;
  }
#endif
  return std::aligned_alloc(64, bytes ? bytes : 64);
}

// 64-byte aligned storage, so SIMD kernels may use aligned loads on tensor starts and rows
// of packed panels never straddle more cache lines than needed; huge pages for large buffers.
// An allocation that failed, with its size: "out of memory: could not allocate 1536.0 MB for a
// tensor" says more than std::bad_alloc's "std::bad_alloc" (a process under `ulimit -v`, say).
class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::size_t bytes) : bytes_(bytes) {
    std::snprintf(what_, sizeof what_, "out of memory: could not allocate %.1f MB for a tensor", static_cast<double>(bytes) / 1e6);
  }
  const char* what() const noexcept override { return what_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t bytes_;
  char what_[96];
};

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U> AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    void* p = allocate_aligned_bytes(n * sizeof(T));
    if (!p) throw OutOfMemory(n * sizeof(T));
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U> bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U> bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

template <class T = float>
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(const Shape& shape, T fill = T(0)) : shape_(shape), data_(shape_size(shape), fill) {}

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int dim(int i) const { return shape_.at(i < 0 ? i + rank() : i); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }

  // Changes the shape; contents become unspecified. Never gives memory back, so a training loop
  // whose last batch is smaller allocates nothing when the next epoch's full batch returns.
  void resize(const Shape& shape) {
    if (shape_ != shape) shape_ = shape;
    data_.resize(shape_size(shape));
  }
  // Same elements, new shape (sizes must agree).
  void reshape(const Shape& shape) {
    if (shape_size(shape) != data_.size())
      throw std::invalid_argument("Tensor::reshape: " + shape_str(shape_) + " has " + std::to_string(data_.size()) +
                                  " elements, cannot become " + shape_str(shape));
    shape_ = shape;
  }
  void fill(T v) { std::fill(data_.begin(), data_.end(), v); }
  void zero() { fill(T(0)); }

 private:
  Shape shape_;
  AlignedVector<T> data_;
};

// Converts between scalar types (e.g. float weights to double for a gradient check).
template <class To, class From>
Tensor<To> tensor_cast(const Tensor<From>& x) {
  Tensor<To> y(x.shape());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = static_cast<To>(x[i]);
  return y;
}

}  // namespace ganlite
