/* What the kernel files share: the SIMD clones, compensated sums and the thread split. */
#ifndef XE_KERNELS_INTERNAL_H
#define XE_KERNELS_INTERNAL_H
#include "CXEKernels.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__)
/* AVX2 + FMA where the CPU has them (libmvec's 4-lane log/exp), SSE2 otherwise. */
#define XE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define XE_CLONES
#endif

/* Before a loop y[i] = f(x[i], ...) whose output y is one of its inputs or apart from all of
 * them (never overlapping one at another offset): vectorised even in place. Without it clang
 * checks the arrays for overlap at run time and sends y == x (an in-place block) to its scalar
 * loop, libm's exp one element at a time. */
#define XE_IN_PLACE _Pragma("clang loop vectorize(assume_safety)")

/* ---- Compensated sum of block sums ---------------------------------------------------- */

typedef struct { double sum, c; } kahan;

/* Once the sum is infinite the correction is 0 (inf - inf would make it NaN, and the sum
 * with it): a sum with an infinite term is that infinity, as a plain sum gives. */
static inline void kahan_add(kahan *k, double x) {
    double y = x - k->c;
    double t = k->sum + y;
    k->c = isfinite(t) ? (t - k->sum) - y : 0;
    k->sum = t;
}

/* Four doubles as one vector (GCC's and clang's vector extension): a ymm register under AVX2. */
typedef double xe_double4 __attribute__((vector_size(32)));
/* Four 64-bit integers as one vector: what comparing two xe_double4 gives (-1 where true). */
typedef long long xe_long4 __attribute__((vector_size(32)));

/* The sum of n values with four accumulators, element i into accumulator i mod 4 and the last
 * n mod 4 into the first, added as (s0 + s1) + (s2 + s3): one vector add per four elements
 * (four scalar accumulators were compiled into a 2-lane add and two scalar ones), and nothing
 * else reassociated. */
static inline double sum_block(const double *b, int64_t n) {
    xe_double4 s = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        xe_double4 v;
        memcpy(&v, b + i, sizeof v);
        s += v;
    }
    double first = s[0];
    for (; i < n; i++) first += b[i];
    return (first + s[1]) + (s[2] + s[3]);
}

/* ---- The stable forms, one copy each ---------------------------------------------------- */

/* relu: max(x, 0) with NaN kept (+0 for ±0), four at a time. A statement expression, as is
 * WEIGHT4: the default build of XE_CLONES' functions has no AVX, whose vectors cannot then be
 * passed to a function by value. */
#define RELU4(x)                                                   \
    ({                                                             \
        xe_double4 x_ = (x);                                       \
        (xe_double4)((xe_long4)x_ & ((x_ > 0) | (x_ != x_)));      \
    })

/* w·x with 0·x = +0 even where x is infinite (a zero weight drops a term), NaN kept: the fused
 * op XE_OP_WEIGHT, four at a time. */
#define WEIGHT4(w, x)                                                        \
    ({                                                                       \
        xe_double4 w_ = (w), v_ = (x);                                       \
        (xe_double4)((xe_long4)(w_ * v_) & ~((w_ == 0) & (v_ == v_)));       \
    })

/* σ(x) from e = exp(-|x|): 1/(1 + e) for x ≥ 0, e/(1 + e) below; never the exp of a large
 * positive number, so finite for every x. */
static inline double sigmoid_from(double x, double e) {
    return (x >= 0 ? 1 : e) / (1 + e);
}

/* log1p(x) to a few ulp through the (vectorised) log, Kahan's trick: with u = 1 + x rounded,
 * log(u)·x/(u - 1) cancels u's rounding error; x itself where u rounds to 1, and at x = +inf.
 * xe_log1p_span's form without AVX-512. */
static inline double log1p_kahan(double x) {
    double u = 1 + x;
    double r = log(u) * (x / (u - 1));
    return u == 1 || x == INFINITY ? x : r;
}

/* Whether any of the n values is outside [lo, hi] (NaN included): SPEC §4's range check, on a
 * block in the cache. */
static inline int block_outside(const double *x, int64_t n, double lo, double hi) {
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad |= !(x[i] >= lo && x[i] <= hi);
    return bad;
}

/* x clipped into [lo, hi], NaN kept. */
static inline double clip(double x, double lo, double hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

/* ---- exp, log and log1p over arrays (exp_log.c, exp_log_avx2.c) ------------------------- */

/* y_i = log x_i for i < n (y may be x): within 1 ulp of glibc's log (below 0.52 ulp of the
 * exact value), log ±0 = -inf, log x = NaN for x < 0, log inf = inf, NaN kept; subnormals
 * exact in the exponent. AVX-512 (8 at a time) or AVX2 (4) where the CPU has it, else libm's. */
void xe_log_span(const double *x, double *y, int64_t n);

/* y_i = e^x_i for i < n (y may be x): within 1 ulp of glibc's exp; e^x = inf above
 * 709.78..., 0 below -745.13..., subnormal results rounded once, e^-inf = 0, NaN kept. */
void xe_exp_span(const double *x, double *y, int64_t n);

/* exp, log and log1p for values that are only summed (a loss's terms, a softmax row's sum),
 * never seen one by one: within 1 ulp (log1p 2) where xe_exp_span and the others are
 * within 0.52, for less work where the CPU has AVX2 but not AVX-512 (with AVX-512, or with
 * neither, the same functions as the spans'). A sum of n terms rounds by far more itself. */
void xe_exp_span_summed(const double *x, double *y, int64_t n);
void xe_log_span_summed(const double *x, double *y, int64_t n);
void xe_log1p_span_summed(const double *x, double *y, int64_t n);

/* e_i = e^-|x_i| for i < n (e may be x), xe_exp_span's (xe_exp_span_summed's when `summed`):
 * the exponential of the stable sigmoid and softplus. */
void xe_exp_neg_abs_span(const double *x, double *e, int64_t n);
void xe_exp_neg_abs_span_summed(const double *x, double *e, int64_t n);

static inline void exp_neg_abs_span(const double *x, double *e, int64_t n, int summed) {
    (summed ? xe_exp_neg_abs_span_summed : xe_exp_neg_abs_span)(x, e, n);
}

/* y_i = log1p x_i = log(1 + x_i) for i < n (y may be x), 1 + x_i taken exactly: within 1 ulp
 * of glibc's log1p; -1 gives -inf, below -1 NaN, ±0 and tiny x kept. Without AVX-512,
 * log1p_kahan's few ulp. */
void xe_log1p_span(const double *x, double *y, int64_t n);

/* y_i = tanh x_i for i < n (y may be x): about 2 ulp (glibc's tanh is within 2), ±0 and NaN
 * kept, ±1 at ±inf. */
void xe_tanh_span(const double *x, double *y, int64_t n);

/* The lanes of bce_logits (losses.c): element i of a block goes into lane i mod SOFTPLUS_LANES;
 * the flag its lane pass returns when a target is outside [0, 1]. */
enum { SOFTPLUS_LANES = 32, SOFTPLUS_OUTSIDE = 1 };

/* For the n ≤ BLOCK elements of a bce_logits block, e_i = e^-|z_i| and lane j = i mod
 * SOFTPLUS_LANES: the gradient (σ(z_i) - y_i)·scale into grad when it is not NULL and, with
 * `value`, rest[j] += max(z_i, 0) - z_i·y_i and a[j] ← a[j] + e_i + a[j]·e_i. Returns
 * SOFTPLUS_OUTSIDE if some y_i is outside [0, 1] (NaN included), else 0, in one AVX2 register
 * pass; or -1 where the CPU has no AVX2 and FMA. */
int xe_bce_logits_lanes_avx2(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                             double rest[SOFTPLUS_LANES], double a[SOFTPLUS_LANES]);

/* Σ_i e^(z_i - m) for i < n, the shifted sum of softmax and logsumexp, each e^(z_i - m) (as
 * xe_exp_span's) written into e when e is not NULL; with `summed` (and no e) the exponentials
 * are xe_exp_span_summed's: for a sum that is itself only summed (cce_logits's mean). */
double xe_exp_shifted_sum(const double *z, double m, double *e, int64_t n, int summed);

/* The vectors of 4 doubles in a chunk of AVX2's two-pass spans (exp_log_avx2.c's STAGED_SPAN4):
 * 256 elements, their parts in the L1 cache. */
enum { STAGED_VECTORS = 64 };

/* s_k = xe_exp_shifted_sum(z + k·C, m_k, NULL, C, 1) for the n rows of C classes from z, the
 * same sums: AVX2's two passes run over several short rows at once. */
void xe_exp_shifted_sums(const double *z, int64_t C, int64_t n, const double *m, double *s);

/* The widest vector path the CPU has: 2 AVX-512 (F and DQ; exp_log.c), 1 AVX2 with FMA
 * (exp_log_avx2.c, the same operations on the same tables: the same bits), 0 neither (libm);
 * at most what XE_SIMD says ("avx2" or "portable": how the tests run each path on a machine
 * that has more). */
int xe_simd_level(void);
#if defined(__x86_64__)
void xe_log_avx2(const double *x, double *y, int64_t n);
void xe_exp_avx2(const double *x, double *y, int64_t n);
void xe_log1p_avx2(const double *x, double *y, int64_t n);
void xe_tanh_avx2(const double *x, double *y, int64_t n);
double xe_exp_shifted_sum_avx2(const double *z, double m, double *e, int64_t n, int summed);
void xe_exp_shifted_sums_avx2(const double *z, int64_t C, int64_t n, const double *m, double *s);
void xe_exp_summed_avx2(const double *x, double *y, int64_t n);
void xe_log_summed_avx2(const double *x, double *y, int64_t n);
void xe_log1p_summed_avx2(const double *x, double *y, int64_t n);
void xe_exp_neg_abs_avx2(const double *x, double *y, int64_t n);
void xe_exp_neg_abs_summed_avx2(const double *x, double *y, int64_t n);
void xe_log1p_unit_summed_avx2(const double *x, double *y, int64_t n);
#endif

/* ---- Threads ------------------------------------------------------------------------- */

enum {
    BLOCK = 512,              /* elements per block of the loss kernels: a block sum, then Kahan */
    MIN_PARALLEL = 1 << 16,   /* below this much work (items × work per item), one thread */
    MAX_THREADS = 8,          /* the most threads a kernel uses */
    PIECES_PER_THREAD = 8,    /* pieces of a parallel kernel per thread, taken in turn */
    MAX_PIECES = MAX_THREADS * PIECES_PER_THREAD,
};

/* A piece of work over [lo, hi) adding its result into *out. */
typedef void (*range_fn)(void *ctx, int64_t lo, int64_t hi, kahan *out);

/* Runs fn over [0, n) split into up to PIECES_PER_THREAD pieces per core (aligned to `align`)
 * that one thread per core (the first the calling thread) takes in turn, when n times
 * work_per_item is at least MIN_PARALLEL, else as one piece. Piece k's result goes into
 * results[k] (starting from {0, 0}) whichever thread ran it; returns the number of pieces. */
int xe_fan_out(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item, kahan results[MAX_PIECES]);

/* The `align` with which xe_fan_out cuts [0, n) into one piece per thread (a multiple of
 * `align`), for a kernel whose every piece makes a pass of its own over shared data. */
int64_t xe_piece_per_thread(int64_t n, int64_t align);

/* xe_fan_out, returning the compensated sum of the pieces' sums. */
double xe_parallel(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item);

/* y_i = f(x_i) for lo ≤ i < hi on the calling thread (the body of xe_unary); with `summed`,
 * for values that are only summed (xe_exp_span_summed's functions). */
void xe_unary_span(xe_function f, const double *x, double *y, int64_t lo, int64_t hi, int summed);
#endif
