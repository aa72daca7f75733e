// ganlite/kernels/gemm.hpp — the one matrix product every layer calls.
//
//   gemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc):  C = op(A) * op(B) + beta * C  (row-major)
//
// float runs a packed, cache-blocked SGEMM (BLIS-style loops) around the widest micro-kernel the
// CPU supports; double (gradient checks) runs the naive reference. Transposes are absorbed by the
// packing routines, so no layer ever makes a transposed copy.
#pragma once
#include <algorithm>
#include <stdexcept>
#include <utility>

#include "gemm_microkernels.hpp"
#include "gemm_pack.hpp"
#include "gemm_ref.hpp"
#include "parallel.hpp"
#include "../tensor.hpp"

namespace ganlite {

enum class GemmKernel { Auto, Portable, Avx2, Avx512 };

namespace kernels {

inline GemmKernel& gemm_kernel_choice() {
  static GemmKernel choice = GemmKernel::Auto;  // process-wide setting, like the thread count
  return choice;
}

inline GemmKernel detect_gemm_kernel() {
#ifdef GANLITE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return GemmKernel::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return GemmKernel::Avx2;
#endif
  return GemmKernel::Portable;
}

// Cache blocking: the micro-kernel walks an MC x KC block of A (L2) against KC x NR slivers of a
// KC x NC panel of B (L2/L3). K is cut into equal blocks of at most kKC, so a K of 600 runs as
// 2 x 300 rather than 512 + 88 (each extra block re-reads and re-writes C).
constexpr int kKC = 512, kMC = 288, kNC = 3072;  // tuned on the DCGAN shapes (docs/performance.md)

inline int k_block(int K) {
  const int blocks = (K + kKC - 1) / kKC;
  return (K + blocks - 1) / blocks;
}

// C's update rule everywhere outside the micro-kernels: beta == 0 never reads C (it may hold NaN).
inline void update_c(float& c, float beta, float value) { c = beta == 0.0f ? value : beta * c + value; }

// An edge tile: the micro-kernel computed a whole MR x NR tile into `tile`; its valid mr x nr
// part goes into C.
template <int NR>
inline void store_part_tile(const float* tile, int mr, int nr, float* c, int ldc, float beta) {
  for (int r = 0; r < mr; ++r)
    for (int j = 0; j < nr; ++j) update_c(c[static_cast<std::ptrdiff_t>(r) * ldc + j], beta, tile[r * NR + j]);
}

// The macro-kernel: C (mc x nc, row stride ldc) = beta * C + a * b, from an A block packed in
// MR-row slivers (kc floats per row) and B slivers of kc x NR floats, b_stride floats apart.
template <class Kernel>
void macro_kernel(int mc, int nc, int kc, const float* a, const float* b, std::ptrdiff_t b_stride, float* C, int ldc,
                  float beta) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  alignas(64) float tile[MR * NR];
  for (int jr = 0; jr < nc; jr += NR) {
    const int nr = std::min(NR, nc - jr);
    const float* bp = b + (jr / NR) * b_stride;
    for (int ir = 0; ir < mc; ir += MR) {
      const int mr = std::min(MR, mc - ir);
      const float* ap = a + static_cast<std::ptrdiff_t>(ir) * kc;
      float* c = C + static_cast<std::ptrdiff_t>(ir) * ldc + jr;
      if (mr == MR && nr == NR) {
        Kernel::run(kc, ap, bp, c, ldc, beta);
      } else {  // edge tile: compute in a full local tile, copy the valid part
        Kernel::run(kc, ap, bp, tile, NR, 0.0f);
        store_part_tile<NR>(tile, mr, nr, c, ldc, beta);
      }
    }
  }
}

// The macro-kernel with A read in place instead of packed: row i of the mc x kc block is the kc
// floats at a + i * lda (the by-position convolutions: one image's run per row). Whole MR-row
// slivers go to the kernel as row pointers; a part sliver at the bottom is packed into `pack`
// (MR x kc floats) once. Same products in the same order as packing all of A.
template <class Kernel>
void macro_kernel_in_place(int mc, int nc, int kc, const float* a, std::ptrdiff_t lda, float* pack, const float* b,
                           std::ptrdiff_t b_stride, float* C, int ldc, float beta) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  alignas(64) float tile[MR * NR];
  const int full = mc / MR * MR;
  if (full < mc) {
    const float* src[MR];
    for (int r = 0; r < MR; ++r) src[r] = a + std::min(full + r, mc - 1) * lda;
    interleave_rows<MR>(src, kc, pack);
  }
  for (int jr = 0; jr < nc; jr += NR) {
    const int nr = std::min(NR, nc - jr);
    const float* bp = b + (jr / NR) * b_stride;
    for (int ir = 0; ir < mc; ir += MR) {
      const int mr = std::min(MR, mc - ir);
      float* c = C + static_cast<std::ptrdiff_t>(ir) * ldc + jr;
      if (mr < MR) {  // the packed part sliver, through a local tile
        Kernel::run(kc, pack, bp, tile, NR, 0.0f);
        store_part_tile<NR>(tile, mr, nr, c, ldc, beta);
        continue;
      }
      const float* rows[MR];
      for (int r = 0; r < MR; ++r) rows[r] = a + (ir + r) * lda;
      if (nr == NR) {
        Kernel::run_rows(kc, rows, bp, c, ldc, beta);
      } else {
        Kernel::run_rows(kc, rows, bp, tile, NR, 0.0f);
        store_part_tile<NR>(tile, mr, nr, c, ldc, beta);
      }
    }
  }
}

// Single-threaded blocked GEMM on the sub-problem rows [m0,m1) x cols [n0,n1) of C.
template <class Kernel, class ASource>
void sgemm_blocked(const ASource& A, Trans tb, int m0, int m1, int n0, int n1, int K, const float* B, int ldb,
                   float beta, float* C, int ldc) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  constexpr int MC = (kMC / MR) * MR;
  PackBuffers& buf = thread_pack_buffers();
  const int KC = k_block(K);
  const std::size_t need_a = static_cast<std::size_t>(MC) * KC;
  const std::size_t need_b = static_cast<std::size_t>((std::min(kNC, n1 - n0) + NR - 1) / NR * NR) * KC;
  if (buf.a.size() < need_a) buf.a.resize(need_a);
  if (buf.b.size() < need_b) buf.b.resize(need_b);

  for (int jc = n0; jc < n1; jc += kNC) {
    const int nc = std::min(kNC, n1 - jc);
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = std::min(KC, K - pc);
      const float beta_p = pc == 0 ? beta : 1.0f;
      pack_b<NR>(tb, B, ldb, pc, jc, kc, nc, buf.b.data());
      for (int ic = m0; ic < m1; ic += MC) {
        const int mc = std::min(MC, m1 - ic);
        A.template pack<MR>(ic, pc, mc, kc, buf.a.data());
        macro_kernel<Kernel>(mc, nc, kc, buf.a.data(), buf.b.data(), static_cast<std::ptrdiff_t>(kc) * NR,
                             C + static_cast<std::ptrdiff_t>(ic) * ldc + jc, ldc, beta_p);
      }
    }
  }
}

// The C-resident order: op(B) packed whole once (each NR-column sliver holds all of K), then
// each MC-row block of C takes all its K blocks in turn while it sits in cache, so C goes to
// memory once; what is re-read per row block is the packed B, which stays in L3. The loop order
// above re-reads and re-writes C once per K block instead, and a C of several MB (12544 x 128)
// does not stay in cache while A streams past it. Same K blocks, same kernel calls, same order
// of sums per element as sgemm_blocked: the results are bit-identical.
// One thread takes this order for tall C and short B (C larger than B, B packed <= 4 MB).
inline long packed_b_floats(int N, int K) { return static_cast<long>(K) * ((N + 31) / 32 * 32); }
inline bool c_resident_pays(int M, int N, int K) {
  return K > kKC && N <= kNC && packed_b_floats(N, K) <= (1L << 20) && M >= K;
}

// Rows [m0, m1) x columns [j0, j1) of C (j0 a multiple of NR) from the whole packed op(B).
template <class Kernel, class ASource>
void sgemm_c_resident(const ASource& A, int m0, int m1, int j0, int j1, int K, const float* b_packed, float beta,
                      float* C, int ldc) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR, MC = (kMC / MR) * MR;
  PackBuffers& buf = thread_pack_buffers();
  const int KC = k_block(K);
  if (buf.a.size() < static_cast<std::size_t>(MC) * KC) buf.a.resize(static_cast<std::size_t>(MC) * KC);
  const std::ptrdiff_t sliver_len = static_cast<std::ptrdiff_t>(K) * NR;
  const float* const b = b_packed + (j0 / NR) * sliver_len;
  for (int ic = m0; ic < m1; ic += MC) {
    const int mc = std::min(MC, m1 - ic);
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = std::min(KC, K - pc);
      A.template pack<MR>(ic, pc, mc, kc, buf.a.data());
      macro_kernel<Kernel>(mc, j1 - j0, kc, buf.a.data(), b + static_cast<std::ptrdiff_t>(pc) * NR, sliver_len,
                           C + static_cast<std::ptrdiff_t>(ic) * ldc + j0, ldc, pc == 0 ? beta : 1.0f);
    }
  }
}

// An A source seen from column k_off on: the k-range of one K-split chunk.
template <class ASource>
struct ShiftedK {
  const ASource& a;
  int k_off;
  template <int MR>
  void pack(int i0, int k0, int mc, int kc, float* dst) const { a.template pack<MR>(i0, k0 + k_off, mc, kc, dst); }
};

// Small C with a long K (the first and last convolutions' weight gradients: 25 x 64 with K =
// batch * 784): splitting C would leave every thread packing the whole long operand. Instead K
// is cut into fixed chunks of kSplitK, each chunk's product goes to its own partial C, and the
// partials are summed in chunk order. The chunks do not depend on the thread count, and the
// choice of this path depends only on the shape, so neither does the result.
constexpr int kSplitK = 4096;
inline bool use_k_split(int M, int N, int K) { return std::max(M, N) <= 128 && K >= 2 * kSplitK; }

template <class Kernel, class ASource>
void sgemm_k_split(const ASource& A, Trans tb, int M, int N, int K, const float* B, int ldb, float beta, float* C,
                   int ldc) {
  const int chunks = (K + kSplitK - 1) / kSplitK;
  const std::size_t part = static_cast<std::size_t>(M) * N;
  thread_local AlignedVector<float> partials;  // the calling thread's; chunks write disjoint slices
  if (partials.size() < part * chunks) partials.resize(part * chunks);
  float* P = partials.data();
  [[maybe_unused]] const int nt = std::min(num_threads(), chunks);  // used by the pragma only
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
  for (int c = 0; c < chunks; ++c) {
    const int k0 = c * kSplitK, kc = std::min(kSplitK, K - k0);
    const float* Bc = B + (tb == Trans::N ? static_cast<std::ptrdiff_t>(k0) * ldb : k0);
    sgemm_blocked<Kernel>(ShiftedK<ASource>{A, k0}, tb, 0, M, 0, N, kc, Bc, ldb, 0.0f, P + part * c, N);
  }
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * N + j;
      float sum = P[at];
      for (int c = 1; c < chunks; ++c) sum += P[part * c + at];
      update_c(C[static_cast<std::ptrdiff_t>(i) * ldc + j], beta, sum);
    }
}

// Many threads: op(B) packed whole (by all threads together), C cut into blocks of MC rows (and,
// when there are few of those, into column slices of whole slivers; a C of one row block into
// column slices that pack their own B), each block run in the C-resident order, and the threads
// take blocks one at a time as they finish (dynamic scheduling). On a shared VM one core can run at half speed for minutes (another tenant on its
// hyperthread); with a fixed half of C per thread the other would wait at the end, here it just
// takes more blocks. No barrier inside: a block runs all of K by itself. Every element of C is
// computed by one thread with the same K blocks, order and kernel calls as one thread would:
// the result does not depend on the thread count, nor on who took which block.
constexpr long kSharedBFloats = 4L << 20;  // packed B up to 16 MB: re-read from L3 by every row block

// Columns [first, second) of slice sl when N columns (slivers NR-wide slivers) are cut into
// `slices` slices of whole slivers.
template <int NR>
inline std::pair<int, int> slice_columns(int N, int slivers, int slices, int sl) {
  const auto edge = [&](int i) { return std::min(N, static_cast<int>(static_cast<long>(slivers) * i / slices) * NR); };
  return {edge(sl), edge(sl + 1)};
}

template <class Kernel, class ASource>
void sgemm_dynamic(const ASource& A, Trans tb, int M, int N, int K, const float* B, int ldb, float beta, float* C,
                   int ldc, int nt) {
  constexpr int NR = Kernel::NR, MC = (kMC / Kernel::MR) * Kernel::MR;
  const int m_blocks = (M + MC - 1) / MC, slivers = (N + NR - 1) / NR;
  if (m_blocks == 1) {  // one row block (the dense layer): nothing to share, so no round trip of a
    // packed B through memory; column slices, each packing its own panel of about 128 K floats
    const long panel = static_cast<long>(k_block(K)) * N;
    const int slices = static_cast<int>(std::min<long>(slivers, std::max<long>(4L * nt, (panel + 131071) / 131072)));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int sl = 0; sl < slices; ++sl) {
      const auto [j0, j1] = slice_columns<NR>(N, slivers, slices, sl);
      sgemm_blocked<Kernel>(A, tb, 0, M, j0, j1, K, B, ldb, beta, C, ldc);
    }
    return;
  }
  const float* const b_packed = pack_b_whole<NR>(tb, B, ldb, K, N);
  // Slices only when row blocks are fewer than 3 per thread: each slice repacks its rows of A.
  const int slices = std::min(slivers, std::max(1, (3 * nt + m_blocks - 1) / m_blocks));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (int item = 0; item < m_blocks * slices; ++item) {
    const int ic = item / slices * MC;
    const auto [j0, j1] = slice_columns<NR>(N, slivers, slices, item % slices);
    sgemm_c_resident<Kernel>(A, ic, std::min(M, ic + MC), j0, j1, K, b_packed, beta, C, ldc);
  }
}

// A B too large to share (not in the DCGAN): C split in two fixed halves along its longer side,
// whole tiles each, every thread packing its own panels.
template <class Kernel, class ASource>
void sgemm_static_split(const ASource& A, Trans tb, int M, int N, int K, const float* B, int ldb, float beta,
                        float* C, int ldc, int nt) {
  const bool split_m = M >= N;
  const int unit = split_m ? Kernel::MR : Kernel::NR, extent = split_m ? M : N;
  const int units = (extent + unit - 1) / unit;
  nt = std::max(1, std::min(nt, units));
#pragma omp parallel num_threads(nt)
  {
    const int t = thread_id(), team = num_team_threads();
    const int lo = std::min(extent, static_cast<int>(static_cast<long>(units) * t / team) * unit);
    const int hi = std::min(extent, static_cast<int>(static_cast<long>(units) * (t + 1) / team) * unit);
    if (lo < hi) {
      if (split_m)
        sgemm_blocked<Kernel>(A, tb, lo, hi, 0, N, K, B, ldb, beta, C, ldc);
      else
        sgemm_blocked<Kernel>(A, tb, 0, M, lo, hi, K, B, ldb, beta, C, ldc);
    }
  }
}

template <class Kernel, class ASource>
void sgemm_parallel(const ASource& A, Trans tb, int M, int N, int K, const float* B, int ldb, float beta, float* C,
                    int ldc) {
  if (use_k_split(M, N, K)) return sgemm_k_split<Kernel>(A, tb, M, N, K, B, ldb, beta, C, ldc);
  const int nt = 2.0 * M * N * K < 4e6 ? 1 : num_threads();
  if (nt > 1 && packed_b_floats(N, K) <= kSharedBFloats) return sgemm_dynamic<Kernel>(A, tb, M, N, K, B, ldb, beta, C, ldc, nt);
  if (nt > 1) return sgemm_static_split<Kernel>(A, tb, M, N, K, B, ldb, beta, C, ldc, nt);
  if (c_resident_pays(M, N, K))
    return sgemm_c_resident<Kernel>(A, 0, M, 0, N, K, pack_b_whole<Kernel::NR>(tb, B, ldb, K, N), beta, C, ldc);
  sgemm_blocked<Kernel>(A, tb, 0, M, 0, N, K, B, ldb, beta, C, ldc);
}

}  // namespace kernels

// Chooses the micro-kernel (Auto = widest the CPU supports). Throws if the CPU lacks it.
inline void set_gemm_kernel(GemmKernel k) {
  if (k == GemmKernel::Avx512 && kernels::detect_gemm_kernel() != GemmKernel::Avx512)
    throw std::runtime_error("set_gemm_kernel: this CPU has no AVX-512F");
  if (k == GemmKernel::Avx2 && kernels::detect_gemm_kernel() == GemmKernel::Portable)
    throw std::runtime_error("set_gemm_kernel: this CPU has no AVX2/FMA");
  kernels::gemm_kernel_choice() = k;
}

inline GemmKernel active_gemm_kernel() {
  static const GemmKernel detected = kernels::detect_gemm_kernel();
  const GemmKernel k = kernels::gemm_kernel_choice();
  return k == GemmKernel::Auto ? detected : k;
}

inline const char* gemm_kernel_name(GemmKernel k) {
  switch (k) {
    case GemmKernel::Portable: return "portable";
    case GemmKernel::Avx2: return "avx2";
    case GemmKernel::Avx512: return "avx512";
    default: return "auto";
  }
}

namespace kernels {
// N == 1, a matrix-vector product (the discriminator's Dense 6272 -> 1): the packed path would
// pad B's single column to a whole NR-wide sliver and do NR times the arithmetic. Here each
// element of A is read once. Rows (or chunks of rows) run in parallel and each sum runs in a
// fixed order, so the result does not depend on the thread count.
inline void sgemv(const DenseA& A, Trans tb, int M, int K, const float* B, int ldb, float beta, float* C, int ldc) {
  const std::ptrdiff_t b_step = tb == Trans::N ? ldb : 1;  // op(B)(k, 0)
  auto store = [&](int i, float sum) { update_c(C[static_cast<std::ptrdiff_t>(i) * ldc], beta, sum); };
  [[maybe_unused]] const bool parallel = static_cast<double>(M) * K > 65536.0;  // used by the pragmas only
  if (A.t == Trans::N) {  // row i of A is contiguous: one dot product per row
#pragma omp parallel for schedule(static) if (parallel)
    for (int i = 0; i < M; ++i) {
      const float* a = A.a + static_cast<std::ptrdiff_t>(i) * A.lda;
      float sum = 0.0f;
      if (b_step == 1) {
#pragma omp simd reduction(+ : sum)
        for (int k = 0; k < K; ++k) sum += a[k] * B[k];
      } else {
        for (int k = 0; k < K; ++k) sum += a[k] * B[k * b_step];
      }
      store(i, sum);
    }
  } else {  // op(A)(i, k) = A[k][i]: accumulate whole rows of A into a chunk of outputs
    constexpr int kChunk = 256;
    const int chunks = (M + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (parallel)
    for (int ch = 0; ch < chunks; ++ch) {
      const int i0 = ch * kChunk, len = std::min(kChunk, M - i0);
      float acc[kChunk] = {};
      for (int k = 0; k < K; ++k) {
        const float* a = A.a + static_cast<std::ptrdiff_t>(k) * A.lda + i0;
        const float bk = B[k * b_step];
#pragma omp simd
        for (int j = 0; j < len; ++j) acc[j] += a[j] * bk;
      }
      for (int j = 0; j < len; ++j) store(i0 + j, acc[j]);
    }
  }
}

// f(Kernel{}) with the active micro-kernel's type: one switch for every driver.
template <class F>
void with_active_kernel(F&& f) {
  switch (active_gemm_kernel()) {
#ifdef GANLITE_X86
    case GemmKernel::Avx512: return f(Avx512Kernel{});
    case GemmKernel::Avx2: return f(Avx2Kernel{});
#endif
    default: return f(PortableKernel{});
  }
}

// C = op(A) * op(B) + beta * C for any A source, on the active micro-kernel.
template <class ASource>
void sgemm_dispatch(const ASource& A, Trans tb, int M, int N, int K, const float* B, int ldb, float beta, float* C,
                    int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = beta * C
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        float& c = C[static_cast<std::ptrdiff_t>(i) * ldc + j];
        c = beta == 0.0f ? 0.0f : beta * c;
      }
    return;
  }
  with_active_kernel([&](auto kernel) {
    sgemm_parallel<decltype(kernel)>(A, tb, M, N, K, B, ldb, beta, C, ldc);
  });
}
}  // namespace kernels

inline void gemm(Trans ta, Trans tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                 float beta, float* C, int ldc) {
  if (N == 1 && M > 0 && K > 0)  // matrix-vector: no packing, no padded arithmetic
    return kernels::sgemv(kernels::DenseA{ta, A, lda}, tb, M, K, B, ldb, beta, C, ldc);
  kernels::sgemm_dispatch(kernels::DenseA{ta, A, lda}, tb, M, N, K, B, ldb, beta, C, ldc);
}

inline void gemm(Trans ta, Trans tb, int M, int N, int K, const double* A, int lda, const double* B, int ldb,
                 double beta, double* C, int ldc) {
  gemm_reference(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace ganlite
