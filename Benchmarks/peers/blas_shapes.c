// Per-call DGEMM time of two OpenBLAS builds, dlopen'ed into one process, on the call sequences of
// the peers rows that stay behind (Notes/BENCHMARKS.md, "Peers: NumPy/SciPy (issue 20)"): KronKit's
// calls (the system OpenBLAS KronKit links) against NumPy's (the OpenBLAS its wheel bundles, whose
// symbols carry the scipy_ prefix and 64-bit integers). The two builds alternate round by round;
// each line prints the median (min–max) over rounds of the best of a few repetitions.
//   cc -O2 -o blas_shapes Benchmarks/peers/blas_shapes.c -ldl
//   OPENBLAS_NUM_THREADS=1 ./blas_shapes ROUNDS REPETITIONS .build/peers-venv/lib/python3*/site-packages/numpy.libs/libscipy_openblas64_*.so
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef void (*g32)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
typedef void (*om32)(int, int, int, int, double, const double *, int, double *, int);
typedef void (*g64)(int, int, int, int64_t, int64_t, int64_t, double, const double *, int64_t, const double *, int64_t, double, double *, int64_t);
static g32 sys_gemm; static g64 np_gemm; static om32 sys_omatcopy;
enum { ROW = 101, COL = 102, N = 111, T = 112 };
typedef struct { int o, ta, tb, m, n, k; const double *a; int lda; const double *b; int ldb; double *c; int ldc; } call;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static double run(int side, call *cs, int count) {
  double t0 = now();
  for (int i = 0; i < count; i++) {
    call *c = &cs[i];
    if (side == 0) sys_gemm(c->o, c->ta, c->tb, c->m, c->n, c->k, 1, c->a, c->lda, c->b, c->ldb, 0, c->c, c->ldc);
    else np_gemm(c->o, c->ta, c->tb, c->m, c->n, c->k, 1, c->a, c->lda, c->b, c->ldb, 0, c->c, c->ldc);
  }
  return now() - t0;
}
// Block-diagonal product through X's transpose: Xᵀ (cblas_domatcopy), Yᵀ_r = Xᵀ_r·B_rᵀ per block
// (M = 64, the shape NumPy's C order gives), Y back; system OpenBLAS only. Median (min–max) ms.
static void transposed_block_diagonal(const double *blocks, const double *x, double *y, int n, int b, int k, int rounds, int reps) {
  double *xt = malloc(8.0 * n * k), *yt = malloc(8.0 * n * k), t[64];
  int nb = n / b, last = n - nb * b;
  for (int r = 0; r < rounds; r++) { double best = 1e9;
    for (int q = 0; q < reps; q++) { double t0 = now();
      sys_omatcopy(COL, T, n, k, 1, x, n, xt, k);
      for (int i = 0, st = 0; i <= nb; st += (i < nb ? b : last), i++) { int o = i < nb ? b : last;
        sys_gemm(COL, N, T, k, o, o, 1, xt + (size_t)st * k, k, blocks + (size_t)i * b * b, o, 0, yt + (size_t)st * k, k); }
      sys_omatcopy(COL, T, k, n, 1, yt, k, y, n);
      double d = now() - t0; if (d < best) best = d; }
    t[r] = best; }
  int cmpd(const void *, const void *);
  qsort(t, rounds, sizeof(double), cmpd);
  printf("%-78s [%3d calls] | 0.3.21 %8.3f ms (%.3f–%.3f)\n", "Block diag through the transpose: omatcopy X, 69 NT GEMMs M=64, omatcopy Y",
         nb + 1, t[rounds / 2] * 1e3, t[0] * 1e3, t[rounds - 1] * 1e3);
  free(xt); free(yt);
}
static double *rnd(size_t n) { double *p = aligned_alloc(64, ((n * 8 + 63) / 64) * 64); for (size_t i = 0; i < n; i++) p[i] = rand() / (double)RAND_MAX - 0.5; return p; }
int cmpd(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return a < b ? -1 : a > b; }
static call cs[1024];
static void report(const char *label, int count, int rounds, int reps) {
  double t[2][64], flops = 0;
  for (int i = 0; i < count; i++) flops += 2.0 * cs[i].m * cs[i].n * cs[i].k;
  run(0, cs, count); run(1, cs, count);
  for (int r = 0; r < rounds; r++)
    for (int s0 = 0; s0 < 2; s0++) { int s = (r % 2) ? 1 - s0 : s0; double best = 1e9;
      for (int q = 0; q < reps; q++) { double x = run(s, cs, count); if (x < best) best = x; } t[s][r] = best; }
  double med[2];
  printf("%-78s [%3d calls]", label, count);
  for (int s = 0; s < 2; s++) { qsort(t[s], rounds, sizeof(double), cmpd); med[s] = t[s][rounds / 2];
    printf(" | %s %8.3f ms (%.3f–%.3f) %5.1f GF/s", s ? "0.3.31" : "0.3.21", med[s] * 1e3, t[s][0] * 1e3, t[s][rounds - 1] * 1e3, flops / med[s] / 1e9); }
  printf(" | 0.3.21/0.3.31 %.2f\n", med[0] / med[1]); fflush(stdout);
}
// One call, timed alone.
static void single(const char *label, call one, int rounds, int reps) { cs[0] = one; report(label, 1, rounds, reps); }
int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 9, reps = argc > 2 ? atoi(argv[2]) : 3;
  if (rounds < 1 || rounds > 64) rounds = 9;
  if (reps < 1) reps = 1;
  if (argc < 4) { fprintf(stderr, "usage: %s ROUNDS REPETITIONS libscipy_openblas64_*.so\n", argv[0]); return 2; }
  void *s = dlopen("/usr/lib/x86_64-linux-gnu/libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  void *p = dlopen(argv[3], RTLD_NOW | RTLD_LOCAL);
  if (!s || !p) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  sys_gemm = (g32)dlsym(s, "cblas_dgemm"); sys_omatcopy = (om32)dlsym(s, "cblas_domatcopy"); np_gemm = (g64)dlsym(p, "scipy_cblas_dgemm64_");
  char *(*c1)(void) = dlsym(s, "openblas_get_corename"), *(*c2)(void) = dlsym(p, "scipy_openblas_get_corename64_");
  char *(*f1)(void) = dlsym(s, "openblas_get_config"), *(*f2)(void) = dlsym(p, "scipy_openblas_get_config64_");
  printf("0.3.21: %s | core %s\n0.3.31: %s | core %s\nrounds %d, best of %d per round\n", f1(), c1(), f2(), c2(), rounds, reps);
  const int n = 256, k = 64;
  double *g = rnd(n * n), *a = rnd(n * n), *x = rnd((size_t)n * n * k), *t = rnd((size_t)n * n * k), *y = rnd((size_t)n * n * k);
  int c = 0;
  for (int j = 0; j < k; j++) {
    cs[c++] = (call){COL, N, N, n, n, n, g, n, x + (size_t)j * n * n, n, t, n};
    cs[c++] = (call){COL, N, T, n, n, n, t, n, a, n, y + (size_t)j * n * n, n}; }
  report("Kron matmat, KronKit: 64 x (G*Y_j NN 256^3 + T*A' NT 256^3), col-major", c, rounds, reps);
  c = 0; cs[c++] = (call){COL, N, N, n, n * k, n, g, n, x, n, t, n};
  for (int j = 0; j < k; j++) cs[c++] = (call){COL, N, T, n, n, n, t + (size_t)j * n * n, n, a, n, y + (size_t)j * n * n, n};
  report("Kron matmat, unblocked: G*[Y_1..Y_64] NN 256x16384x256 + 64 x NT 256^3", c, rounds, reps);
  c = 0; cs[c++] = (call){ROW, N, N, n, n * k, n, a, n, x, n * k, t, n * k};
  for (int i = 0; i < n; i++) cs[c++] = (call){ROW, N, N, n, k, n, g, n, t + (size_t)i * n * k, k, y + (size_t)i * n * k, k};
  report("Kron matmat, NumPy: A@V 256x16384x256 + 256 x G@T_i 256x64x256, row-major", c, rounds, reps);
  single("  DGEMM NN 256^3 col-major", (call){COL, N, N, n, n, n, g, n, x, n, t, n}, rounds, reps * 5);
  single("  DGEMM NT 256^3 col-major", (call){COL, N, T, n, n, n, t, n, a, n, y, n}, rounds, reps * 5);
  single("  DGEMM NN M=256 N=16384 K=256 col-major", (call){COL, N, N, n, n * k, n, g, n, x, n, t, n}, rounds, reps);
  single("  DGEMM NN M=16384 N=256 K=256 col-major (= NumPy's A@V)", (call){COL, N, N, n * k, n, n, x, n * k, a, n, t, n * k}, rounds, reps);
  single("  DGEMM row-major 256x64x256 (NumPy's batched step)", (call){ROW, N, N, n, k, n, g, n, t, k, y, k}, rounds, reps * 5);
  // Block diagonal: n 2048, block 30, 64 columns.
  const int bn = 2048, bb = 30, nb = bn / bb, last = bn - nb * bb;
  double *blocks = rnd(nb * bb * bb + last * last), *bx = rnd(bn * k), *by = rnd(bn * k);
  c = 0;
  for (int i = 0; i < nb; i++) cs[c++] = (call){COL, N, N, bb, k, bb, blocks + i * bb * bb, bb, bx + i * bb, bn, by + i * bb, bn};
  cs[c++] = (call){COL, N, N, last, k, last, blocks + nb * bb * bb, last, bx + nb * bb, bn, by + nb * bb, bn};
  report("Block diag, KronKit: 68 x 30x64x30 + 8x64x8, col-major, ldb = ldc = 2048", c, rounds, reps * 5);
  c = 0;
  for (int i = 0; i < nb; i++) cs[c++] = (call){ROW, N, N, bb, k, bb, blocks + i * bb * bb, bb, bx + i * bb * k, k, by + i * bb * k, k};
  cs[c++] = (call){ROW, N, N, last, k, last, blocks + nb * bb * bb, last, bx + nb * bb * k, k, by + nb * bb * k, k};
  report("Block diag, NumPy: 68 x 30x64x30 + 8x64x8, row-major, contiguous", c, rounds, reps * 5);
  c = 0;
  for (int i = 0; i < nb; i++) cs[c++] = (call){COL, N, N, bb, k, bb, blocks + i * bb * bb, bb, bx + i * bb * k, bb, by + i * bb * k, bb};
  cs[c++] = (call){COL, N, N, last, k, last, blocks + nb * bb * bb, last, bx + nb * bb * k, last, by + nb * bb * k, last};
  report("Block diag, col-major packed per block (ldb = ldc = 30)", c, rounds, reps * 5);
  c = 0;
  for (int i = 0; i <= nb; i++) { int o = i < nb ? bb : last;
    cs[c++] = (call){COL, N, T, k, o, o, bx + (size_t)i * bb * k, k, blocks + i * bb * bb, o, by + (size_t)i * bb * k, k}; }
  report("Block diag, the GEMMs alone on X' (col-major NT M=64 N=30 K=30, contiguous)", c, rounds, reps * 5);
  transposed_block_diagonal(blocks, bx, by, bn, bb, k, rounds, reps * 5);
  // Woodbury: n 4096, rank 64, 16 right-hand sides.
  double *u = rnd(4096 * 64), *w = rnd(4096 * 64), *rb = rnd(4096 * 16), *kk = rnd(64 * 64), *z = rnd(64 * 16), *out = rnd(4096 * 16);
  single("Woodbury U'W: TN 64x64x4096 col-major", (call){COL, T, N, 64, 64, 4096, u, 4096, w, 4096, kk, 64}, rounds, reps * 5);
  single("Woodbury U'y: TN 64x16x4096 col-major", (call){COL, T, N, 64, 16, 4096, u, 4096, rb, 4096, z, 64}, rounds, reps * 5);
  single("Woodbury W*c: NN 4096x16x64 col-major", (call){COL, N, N, 4096, 16, 64, w, 4096, z, 64, out, 4096}, rounds, reps * 5);
  single("Woodbury NumPy factor.T@scaled_u: row-major TN 64x64x4096", (call){ROW, T, N, 64, 64, 4096, u, 64, w, 64, kk, 64}, rounds, reps * 5);
  single("Woodbury NumPy factor.T@scaled_b: row-major TN 64x16x4096", (call){ROW, T, N, 64, 16, 4096, u, 64, rb, 16, z, 16}, rounds, reps * 5);
  single("Woodbury NumPy scaled_u@(..): row-major NN 4096x16x64", (call){ROW, N, N, 4096, 16, 64, w, 64, z, 16, out, 16}, rounds, reps * 5);
  // Randomized EVD / Nyström: M·X for M 2048 × 2048 (symmetric), X 2048 × 42.
  double *m = rnd((size_t)2048 * 2048), *q = rnd(2048 * 42), *mq = rnd(2048 * 42);
  single("Randomized EVD, KronKit: M*X col-major M=2048 N=42 K=2048", (call){COL, N, N, 2048, 42, 2048, m, 2048, q, 2048, mq, 2048}, rounds, reps);
  single("Randomized EVD, NumPy: m @ q row-major (col-major M=42 N=2048)", (call){ROW, N, N, 2048, 42, 2048, m, 2048, q, 42, mq, 42}, rounds, reps);
  return 0;
}
