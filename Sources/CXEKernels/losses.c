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
        xe_log_span(l, l, n);
    } else if (value) {
        double l1[BLOCK];
        for (int64_t i = 0; i < n; i++) {
            l[i] = clip(p[i], eps, hi);
            l1[i] = 1 - l[i];
        }
        xe_log_span(l, l, n);
        xe_log_span(l1, l1, n);
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

/* The block's loss sum (0 without `value`: the gradient alone) and its gradient when asked. */
XE_CLONES static double bce_logits_block(const double *y, const double *z, int64_t n, double *grad, double scale, int value,
                                         int *outside) {
    double sum;
    if (xe_bce_logits_avx512(y, z, n, grad, scale, value, outside, &sum)) return sum;
    if (outside && block_outside(y, n, 0, 1)) __atomic_store_n(outside, 1, __ATOMIC_RELAXED);
    double l[BLOCK], e[BLOCK];
    exp_neg_abs_span(z, e, n);
    if (value) xe_log1p_span(e, l, n);
    for (int64_t i = 0; value && i < n; i++) {
        double x = z[i];
        /* At z = ±inf the loss is t·|z| with t = 1 - y (z → +inf) or y (z → -inf): its limit,
         * 0 where t = 0 (never 0·inf = NaN). */
        double t = x > 0 ? 1 - y[i] : y[i];
        double limit = t == 0 ? 0 : t * INFINITY;
        /* max(z, 0) - z·y + log1p(e^-|z|): the stable softplus, less z·y. */
        l[i] = fabs(x) == INFINITY ? limit : ((x > 0 ? x : 0) - x * y[i]) + l[i];
    }
    if (grad) {
        for (int64_t i = 0; i < n; i++) {
            grad[i] = (sigmoid_from(z[i], e[i]) - y[i]) * scale;
        }
    }
    return value ? sum_block(l, n) : 0;
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
