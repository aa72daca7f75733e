// ganlite/kernels/gemm_ref.hpp — the naive GEMM: the portable reference every fast kernel is
// tested against, and the path used for double precision (gradient checks).
#pragma once
#include <cstddef>

namespace ganlite {

enum class Trans { N, T };

// C(M,N) = op(A)(M,K) * op(B)(K,N) + beta * C, all row-major.
// op(A) = A (M x K, leading dimension lda) or A^T where A is stored K x M.
template <class T>
void gemm_reference(Trans ta, Trans tb, int M, int N, int K, const T* A, int lda, const T* B, int ldb, T beta,
                    T* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    T* c = C + static_cast<std::ptrdiff_t>(i) * ldc;
    for (int j = 0; j < N; ++j) c[j] = beta == T(0) ? T(0) : beta * c[j];
    for (int k = 0; k < K; ++k) {
      const T a = ta == Trans::N ? A[static_cast<std::ptrdiff_t>(i) * lda + k] : A[static_cast<std::ptrdiff_t>(k) * lda + i];
      if (tb == Trans::N) {
        const T* b = B + static_cast<std::ptrdiff_t>(k) * ldb;
        for (int j = 0; j < N; ++j) c[j] += a * b[j];
      } else {
        for (int j = 0; j < N; ++j) c[j] += a * B[static_cast<std::ptrdiff_t>(j) * ldb + k];
      }
    }
  }
}

}  // namespace ganlite
