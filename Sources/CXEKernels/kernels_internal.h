/* What the kernel files share: the SIMD clones, compensated sums and the thread split. */
#ifndef XE_KERNELS_INTERNAL_H
#define XE_KERNELS_INTERNAL_H
#include "CXEKernels.h"
#include <math.h>
#include <stddef.h>

#if defined(__x86_64__)
/* AVX2 + FMA where the CPU has them (libmvec's 4-lane log/exp), SSE2 otherwise. */
#define XE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define XE_CLONES
#endif

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

/* The sum of n values with four explicit accumulators: vectorised without letting the
 * compiler reassociate anything else. */
static inline double sum_block(const double *b, int64_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += b[i];
        s1 += b[i + 1];
        s2 += b[i + 2];
        s3 += b[i + 3];
    }
    for (; i < n; i++) s0 += b[i];
    return (s0 + s1) + (s2 + s3);
}

/* ---- The stable forms, one copy each ---------------------------------------------------- */

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

/* ---- exp, log and log1p over arrays (exp_log.c) ------------------------------------------ */

/* y_i = log x_i for i < n (y may be x): within 1 ulp of glibc's log (below 0.52 ulp of the
 * exact value), log ±0 = -inf, log x = NaN for x < 0, log inf = inf, NaN kept; subnormals
 * exact in the exponent. AVX-512, 8 at a time, where the CPU has it, else libm's (libmvec). */
void xe_log_span(const double *x, double *y, int64_t n);

/* y_i = e^x_i for i < n (y may be x): within 1 ulp of glibc's exp; e^x = inf above
 * 709.78..., 0 below -745.13..., subnormal results rounded once, e^-inf = 0, NaN kept. */
void xe_exp_span(const double *x, double *y, int64_t n);

/* e_i = e^-|x_i| for i < n (e may be x), through xe_exp_span: the exponential of the stable
 * sigmoid and softplus. */
static inline void exp_neg_abs_span(const double *x, double *e, int64_t n) {
    for (int64_t i = 0; i < n; i++) e[i] = -fabs(x[i]);
    xe_exp_span(e, e, n);
}

/* y_i = log1p x_i = log(1 + x_i) for i < n (y may be x), 1 + x_i taken exactly: within 1 ulp
 * of glibc's log1p; -1 gives -inf, below -1 NaN, ±0 and tiny x kept. Without AVX-512,
 * log1p_kahan's few ulp. */
void xe_log1p_span(const double *x, double *y, int64_t n);

/* y_i = tanh x_i for i < n (y may be x): about 2 ulp (glibc's tanh is within 2), ±0 and NaN
 * kept, ±1 at ±inf. */
void xe_tanh_span(const double *x, double *y, int64_t n);

/* bce_logits_block (losses.c) in one AVX-512 pass over y and z, the same values and sum bit for
 * bit, the loss, the check and the gradient without leaving the registers: sets *sum and
 * returns 1, or returns 0 where the CPU has no AVX-512. */
int xe_bce_logits_avx512(const double *y, const double *z, int64_t n, double *grad, double scale, int value, int *outside,
                         double *sum);

/* Σ_i e^(z_i - m) for i < n, the shifted sum of softmax and logsumexp, each e^(z_i - m) (as
 * xe_exp_span's) written into e when e is not NULL. */
double xe_exp_shifted_sum(const double *z, double m, double *e, int64_t n);

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

/* y_i = f(x_i) for lo ≤ i < hi on the calling thread (the body of xe_unary). */
void xe_unary_span(xe_function f, const double *x, double *y, int64_t lo, int64_t hi);
#endif
