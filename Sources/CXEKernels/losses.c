/* The binary losses over n elements: bce on probabilities and bce_logits, value and gradient in
 * one pass, block by block. */
#include "kernels_internal.h"
#include <math.h>

/* ---- bce -------------------------------------------------------------------------------- */

typedef struct { const double *y, *p; double eps, scale; double *grad; int value; int *outside; } bce_ctx;

/* The block's loss sum (0 without `value`: the gradient alone) and its gradient when asked;
 * with `outside`, sets it when a target or a prediction is outside [0, 1]. */
XE_CLONES static double bce_block(const double *y, const double *p, int64_t n, double eps, double *grad, double scale, int value,
                                  int *outside) {
    if (outside && (block_outside(y, n, 0, 1) || block_outside(p, n, 0, 1))) __atomic_store_n(outside, 1, __ATOMIC_RELAXED);
    double hi = 1 - eps;
    int soft = 0;
    for (int64_t i = 0; i < n; i++) soft |= (y[i] != 0) & (y[i] != 1);
    double l[BLOCK];
    if (value && !soft) {
        for (int64_t i = 0; i < n; i++) {
            double c = clip(p[i], eps, hi);
            l[i] = y[i] == 1 ? c : 1 - c;
        }
        xe_log_span_summed(l, l, n);
    } else if (value) {
        double l1[BLOCK];
        for (int64_t i = 0; i < n; i++) {
            l[i] = clip(p[i], eps, hi);
            l1[i] = 1 - l[i];
        }
        xe_log_span_summed(l, l, n);
        xe_log_span_summed(l1, l1, n);
        for (int64_t i = 0; i < n; i++) l[i] = y[i] * l[i] + (1 - y[i]) * l1[i];
    }
    if (!soft) {
        if (grad) {
            for (int64_t i = 0; i < n; i++) {
                double c = clip(p[i], eps, hi);
                double t = y[i] == 1 ? c : 1 - c;
                double g = (1 - 2 * y[i]) / t * scale;
                grad[i] = (p[i] >= eps && p[i] <= hi) ? g : 0;
            }
        }
    } else {
        if (grad) {
            for (int64_t i = 0; i < n; i++) {
                double c = clip(p[i], eps, hi);
                double g = -(y[i] / c - (1 - y[i]) / (1 - c)) * scale;
                grad[i] = (p[i] >= eps && p[i] <= hi) ? g : 0;
            }
        }
    }
    return value ? -sum_block(l, n) : 0;
}

static void bce_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    bce_ctx *c = arg;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        kahan_add(out, bce_block(c->y + b, c->p + b, m, c->eps, c->grad ? c->grad + b : NULL, c->scale, c->value, c->outside));
    }
}

double xe_bce(const double *y, const double *p, int64_t n, double eps, double *grad, double scale, int value, int *outside) {
    bce_ctx c = {y, p, eps, scale, grad, value, outside};
    return xe_parallel(bce_range, &c, n, BLOCK, 1);
}

/* ---- bce_logits ------------------------------------------------------------------------- */

typedef struct { const double *y, *z; double scale; double *grad; int value; int *outside; } logits_ctx;

/* max(z, 0) - z·y: bce_logits's loss less its log1p(e^-|z|) (the stable softplus, less z·y). */
static inline double softplus_rest(double z, double y) { return (z > 0 ? z : 0) - z * y; }

/* Σ_i (max(z_i, 0) - z_i·y_i) over a block whose plain sum is not finite: a term whose z is
 * infinite is the loss's limit t·inf (t = 1 - y_i for z_i > 0, y_i below; 0 where t = 0,
 * never 0·inf = NaN). */
static double softplus_rest_with_limits(const double *y, const double *z, int64_t n) {
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = z[i];
        double t = x > 0 ? 1 - y[i] : y[i];
        double limit = t == 0 ? 0 : t * INFINITY;
        sum += fabs(x) == INFINITY ? limit : softplus_rest(x, y[i]);
    }
    return sum;
}

/* xe_bce_logits_lanes_avx2's work without AVX2, a chunk of SOFTPLUS_LANES elements at a time. */
XE_CLONES static int bce_logits_lanes(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                                      double rest[SOFTPLUS_LANES], double a[SOFTPLUS_LANES]) {
    double e[SOFTPLUS_LANES];
    int outside = 0;
    for (int64_t i = 0; i < n; i += SOFTPLUS_LANES) {
        int64_t m = n - i < SOFTPLUS_LANES ? n - i : SOFTPLUS_LANES;
        const double *zc = z + i, *yc = y + i;
        exp_neg_abs_span(zc, e, m, !grad);
        for (int64_t j = 0; grad && j < m; j++) grad[i + j] = (sigmoid_from(zc[j], e[j]) - yc[j]) * scale;
        for (int64_t j = 0; value && j < m; j++) {
            rest[j] += softplus_rest(zc[j], yc[j]);
            a[j] = fma(a[j], e[j], a[j] + e[j]);
        }
        outside |= block_outside(yc, m, 0, 1);
    }
    return outside ? SOFTPLUS_OUTSIDE : 0;
}

/* The block's loss sum (0 without `value`: the gradient alone) and its gradient when asked:
 *   l_i = max(z_i, 0) - z_i·y_i + log1p(e_i),   e_i = e^-|z_i|   (the stable softplus, less z·y),
 * the gradient (σ(z_i) - y_i)·scale, σ from e_i. The logarithms are summed as logarithms of
 * products, one log1p per lane (element i in lane i mod SOFTPLUS_LANES) instead of one per element:
 *   Σ_i log1p(e_i) = Σ_lanes log1p(A),   1 + A = Π (1 + e_i),   A ← A + e + A·e:
 * every term is ≥ 0, so nothing cancels; each step rounds twice, so A keeps its relative error
 * below 2·16 ulp (a lane has at most BLOCK / SOFTPLUS_LANES = 16 factors), and log1p(A) its
 * own (A/((1 + A)·log1p A) ≤ 1); A ≤ 2^16. The lanes come from one AVX2 register pass where
 * the CPU has it. */
XE_CLONES static double bce_logits_block(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                                         int *outside) {
    double rest[SOFTPLUS_LANES] = {0}, a[SOFTPLUS_LANES] = {0};
    int flags = xe_bce_logits_lanes_avx2(y, z, n, grad, scale, value, rest, a);
    if (flags < 0) flags = bce_logits_lanes(y, z, n, grad, scale, value, rest, a);
    if (outside && (flags & SOFTPLUS_OUTSIDE)) __atomic_store_n(outside, 1, __ATOMIC_RELAXED);
    if (!value) return 0;
    xe_log1p_span_summed(a, a, SOFTPLUS_LANES);
    /* An infinite z (or a NaN) leaves a lane's sum inf - inf or NaN: the block again, by limits. */
    double sum = sum_block(rest, SOFTPLUS_LANES);
    if (!isfinite(sum)) sum = softplus_rest_with_limits(y, z, n);
    return sum + sum_block(a, SOFTPLUS_LANES);
}

static void bce_logits_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    logits_ctx *c = arg;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        kahan_add(out, bce_logits_block(c->y + b, c->z + b, m, c->grad ? c->grad + b : NULL, c->scale, c->value, c->outside));
    }
}

double xe_bce_logits(const double *y, const double *z, int64_t n, double *grad, double scale, int value, int *outside) {
    logits_ctx c = {y, z, scale, grad, value, outside};
    return xe_parallel(bce_logits_range, &c, n, BLOCK, 1);
}
