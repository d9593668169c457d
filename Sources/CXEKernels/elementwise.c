/* Elementwise functions (log, exp, sigmoid, log1p, tanh, ...) and the range check of the
 * losses' targets. */
#include "kernels_internal.h"
#include <math.h>
#include <string.h>

/* ---- Elementwise functions ------------------------------------------------------------------ */

typedef struct { xe_function f; const double *x; double *y; } unary_ctx;

/* y = f(x) over [lo, hi), y may be x; with `summed`, for values that are only summed
 * (xe_exp_span_summed and the others). log, exp, log1p and tanh are exp_log.c's spans; sigmoid
 * is built on xe_exp_span, a BLOCK at a time. */
XE_CLONES void xe_unary_span(xe_function f, const double *x, double *y, int64_t lo, int64_t hi, int summed) {
    switch (f) {
    case XE_FN_LOG: (summed ? xe_log_span_summed : xe_log_span)(x + lo, y + lo, hi - lo); return;
    case XE_FN_EXP: (summed ? xe_exp_span_summed : xe_exp_span)(x + lo, y + lo, hi - lo); return;
    case XE_FN_LOG1P: (summed ? xe_log1p_span_summed : xe_log1p_span)(x + lo, y + lo, hi - lo); return;
    case XE_FN_TANH: xe_tanh_span(x + lo, y + lo, hi - lo); return;
    case XE_FN_SQRT: XE_IN_PLACE for (int64_t i = lo; i < hi; i++) y[i] = sqrt(x[i]); return;
    case XE_FN_ABS: XE_IN_PLACE for (int64_t i = lo; i < hi; i++) y[i] = fabs(x[i]); return;
    case XE_FN_RELU: {
        int64_t i = lo;
        for (; i + 4 <= hi; i += 4) {
            xe_double4 v;
            memcpy(&v, x + i, sizeof v);
            v = RELU4(v);
            memcpy(y + i, &v, sizeof v);
        }
        xe_double4 v = {0, 0, 0, 0};
        memcpy(&v, x + i, sizeof(double) * (size_t)(hi - i));
        v = RELU4(v);
        memcpy(y + i, &v, sizeof(double) * (size_t)(hi - i));
        return;
    }
    case XE_FN_SIGMOID: break;
    }
    double e[BLOCK];
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        const double *xb = x + b;
        double *yb = y + b;
        exp_neg_abs_span(xb, e, m, summed);
        XE_IN_PLACE for (int64_t i = 0; i < m; i++) yb[i] = sigmoid_from(xb[i], e[i]);
    }
}

static void unary_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    (void)out;
    unary_ctx *c = arg;
    xe_unary_span(c->f, c->x, c->y, lo, hi, 0);
}

void xe_unary_summed(xe_function f, const double *x, double *y, int64_t n) { xe_unary_span(f, x, y, 0, n, 1); }

void xe_unary(xe_function f, const double *x, double *y, int64_t n) {
    unary_ctx c = {f, x, y};
    xe_parallel(unary_range, &c, n, BLOCK, 1);
}

/* ---- Range checks ---------------------------------------------------------------------- */

typedef struct { const double *x; double lo, hi; } range_ctx;

/* block_outside, vectorised with AVX2 where the CPU has it. */
XE_CLONES static int block_outside_clone(const double *x, int64_t n, double lo, double hi) {
    return block_outside(x, n, lo, hi);
}

/* Finds the first element outside [lo, hi] in the piece; its index goes into out->c
 * (out->sum counts pieces that found one). */
static void outside_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    range_ctx *r = arg;
    out->sum = 0;
    out->c = -1;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        if (block_outside_clone(r->x + b, m, r->lo, r->hi)) {
            for (int64_t i = b; i < b + m; i++) {
                if (!(r->x[i] >= r->lo && r->x[i] <= r->hi)) {
                    out->sum = 1;
                    out->c = (double)i;
                    return;
                }
            }
        }
    }
}

int64_t xe_first_outside(const double *x, int64_t n, double lo, double hi) {
    range_ctx r = {x, lo, hi};
    kahan found[MAX_PIECES];
    int pieces = xe_fan_out(outside_range, &r, n, BLOCK, 1, found);
    for (int t = 0; t < pieces; t++) {
        if (found[t].sum > 0) return (int64_t)found[t].c;
    }
    return -1;
}
