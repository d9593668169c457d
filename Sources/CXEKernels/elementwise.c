/* Elementwise functions (log, exp, sigmoid, log1p, tanh, ...) and the range check of the
 * losses' targets. */
#include "kernels_internal.h"
#include <math.h>

/* ---- Elementwise functions ------------------------------------------------------------------ */

typedef struct { xe_function f; const double *x; double *y; } unary_ctx;

/* Where tanh switches from the scalar function to the form through the vector exp. */
static const double TANH_BY_EXP_FROM = 0.625;

/* y = f(x) over [lo, hi). log and exp become libmvec's vector functions; log1p and tanh, which
 * have no vector form there, are built on them. */
XE_CLONES void xe_unary_span(xe_function f, const double *x, double *y, int64_t lo, int64_t hi) {
    switch (f) {
    case XE_FN_LOG: for (int64_t i = lo; i < hi; i++) y[i] = log(x[i]); break;
    case XE_FN_EXP: for (int64_t i = lo; i < hi; i++) y[i] = exp(x[i]); break;
    case XE_FN_SQRT: for (int64_t i = lo; i < hi; i++) y[i] = sqrt(x[i]); break;
    case XE_FN_ABS: for (int64_t i = lo; i < hi; i++) y[i] = fabs(x[i]); break;
    case XE_FN_SIGMOID:
        for (int64_t i = lo; i < hi; i++) y[i] = sigmoid_from(x[i], exp(-fabs(x[i])));
        break;
    case XE_FN_LOG1P:
        for (int64_t i = lo; i < hi; i++) y[i] = log1p_kahan(x[i]);
        break;
    case XE_FN_TANH:
        /* tanh|x| = 1 - 2 / (e^{2|x|} + 1) through the vector exp from |x| = TANH_BY_EXP_FROM
         * on, where tanh|x| ≥ 0.55 so the subtraction loses nothing; the scalar tanh below. */
        for (int64_t i = lo; i < hi; i++) {
            double t = 1 - 2 / (exp(2 * fabs(x[i])) + 1);
            y[i] = copysign(t, x[i]);
        }
        for (int64_t i = lo; i < hi; i++) {
            if (!(fabs(x[i]) >= TANH_BY_EXP_FROM)) y[i] = tanh(x[i]);
        }
        break;
    case XE_FN_RELU:
        for (int64_t i = lo; i < hi; i++) y[i] = (x[i] > 0 || x[i] != x[i]) ? x[i] : 0;
        break;
    }
}

static void unary_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    (void)out;
    unary_ctx *c = arg;
    xe_unary_span(c->f, c->x, c->y, lo, hi);
}

void xe_unary(xe_function f, const double *x, double *y, int64_t n) {
    unary_ctx c = {f, x, y};
    xe_parallel(unary_range, &c, n, BLOCK, 1);
}

/* ---- Range checks ---------------------------------------------------------------------- */

typedef struct { const double *x; double lo, hi; } range_ctx;

XE_CLONES static int block_outside(const double *x, int64_t n, double lo, double hi) {
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad |= !(x[i] >= lo && x[i] <= hi);
    return bad;
}

/* Finds the first element outside [lo, hi] in the piece; its index goes into out->c
 * (out->sum counts pieces that found one). */
static void outside_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    range_ctx *r = arg;
    out->sum = 0;
    out->c = -1;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        if (block_outside(r->x + b, m, r->lo, r->hi)) {
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
