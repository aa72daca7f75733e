// The GEMM micro-kernels this CPU can run (portable always, AVX2 and AVX-512 where present):
// tests of the fast paths loop over them with set_gemm_kernel.
#pragma once
#include <ganlite/ganlite.hpp>
#include <vector>

inline std::vector<ganlite::GemmKernel> kernels_here() {
  using ganlite::GemmKernel;
  std::vector<GemmKernel> ks{GemmKernel::Portable};
  const GemmKernel best = ganlite::kernels::detect_gemm_kernel();
  if (best == GemmKernel::Avx2 || best == GemmKernel::Avx512) ks.push_back(GemmKernel::Avx2);
  if (best == GemmKernel::Avx512) ks.push_back(GemmKernel::Avx512);
  return ks;
}
