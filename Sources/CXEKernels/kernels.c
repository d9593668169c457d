#include "CXEKernels.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernels_internal.h"

enum { BLOCK = 512, MIN_PARALLEL = 1 << 16, MAX_THREADS = 8 };

/* ---- Threads ---------------------------------------------------------------------------- */

typedef struct {
    range_fn fn;
    void *ctx;
    int64_t lo, hi;
    kahan result;
} job;

static void *run_job(void *arg) {
    job *j = arg;
    j->fn(j->ctx, j->lo, j->hi, &j->result);
    return NULL;
}

int xe_kernel_threads(void) {
    static int threads = 0;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n);
    }
    return threads;
}

/* Runs fn over [0, n) split into one piece per core (pieces aligned to `align`), and adds
 * the pieces' sums. A thread that cannot be created runs its piece here instead. */
static double parallel(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item) {
    int threads = xe_kernel_threads();
    if (n * work_per_item < MIN_PARALLEL || threads < 2) {
        kahan k = {0, 0};
        fn(ctx, 0, n, &k);
        return k.sum;
    }
    job jobs[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    int64_t piece = (n / threads + align - 1) / align * align;
    for (int t = 0; t < threads; t++) {
        int64_t lo = piece * t, hi = lo + piece;
        if (lo > n) lo = n;
        if (hi > n || t == threads - 1) hi = n;
        jobs[t] = (job){fn, ctx, lo, hi, {0, 0}};
    }
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_job, &jobs[t]) == 0;
    run_job(&jobs[0]);
    kahan total = jobs[0].result;
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL); else run_job(&jobs[t]);
        kahan_add(&total, jobs[t].result.sum);
        kahan_add(&total, -jobs[t].result.c);
    }
    return total.sum;
}

double xe_parallel(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item) {
    return parallel(fn, ctx, n, align, work_per_item);
}

/* ---- bce -------------------------------------------------------------------------------- */

typedef struct { const double *y, *p; double eps, scale; double *grad; } bce_ctx;

XE_CLONES static double bce_block(const double *y, const double *p, int64_t n, double eps, double *grad, double scale) {
    double hi = 1 - eps;
    int soft = 0;
    for (int64_t i = 0; i < n; i++) soft |= (y[i] != 0) & (y[i] != 1);
    double l[BLOCK];
    if (!soft) {
        for (int64_t i = 0; i < n; i++) {
            double c = p[i] < eps ? eps : (p[i] > hi ? hi : p[i]);
            double t = y[i] == 1 ? c : 1 - c;
            l[i] = log(t);
        }
        if (grad) {
            for (int64_t i = 0; i < n; i++) {
                double c = p[i] < eps ? eps : (p[i] > hi ? hi : p[i]);
                double t = y[i] == 1 ? c : 1 - c;
                double g = (1 - 2 * y[i]) / t * scale;
                grad[i] = (p[i] >= eps && p[i] <= hi) ? g : 0;
            }
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            double c = p[i] < eps ? eps : (p[i] > hi ? hi : p[i]);
            l[i] = y[i] * log(c) + (1 - y[i]) * log(1 - c);
        }
        if (grad) {
            for (int64_t i = 0; i < n; i++) {
                double c = p[i] < eps ? eps : (p[i] > hi ? hi : p[i]);
                double g = -(y[i] / c - (1 - y[i]) / (1 - c)) * scale;
                grad[i] = (p[i] >= eps && p[i] <= hi) ? g : 0;
            }
        }
    }
    return -sum_block(l, n);
}

static void bce_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    bce_ctx *c = arg;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        kahan_add(out, bce_block(c->y + b, c->p + b, m, c->eps, c->grad ? c->grad + b : NULL, c->scale));
    }
}

double xe_bce(const double *y, const double *p, int64_t n, double eps, double *grad, double scale) {
    bce_ctx c = {y, p, eps, scale, grad};
    return parallel(bce_range, &c, n, BLOCK, 1);
}

/* ---- bce_logits ------------------------------------------------------------------------- */

typedef struct { const double *y, *z; double scale; double *grad; } logits_ctx;

XE_CLONES static double bce_logits_block(const double *y, const double *z, int64_t n, double *grad, double scale) {
    double l[BLOCK], e[BLOCK];
    for (int64_t i = 0; i < n; i++) e[i] = exp(-fabs(z[i]));
    for (int64_t i = 0; i < n; i++) {
        double x = z[i];
        double u = 1 + e[i];
        /* log1p(e) to a few ulp: log(u)·e/(u-1) corrects the rounding of 1 + e (Goldberg). */
        double softplus = u == 1 ? e[i] : log(u) * (e[i] / (u - 1));
        /* At z = ±inf the loss is t·|z| with t = 1 - y (z → +inf) or y (z → -inf): its limit,
         * 0 where t = 0 (never 0·inf = NaN). */
        double t = x > 0 ? 1 - y[i] : y[i];
        double limit = t == 0 ? 0 : t * INFINITY;
        l[i] = fabs(x) == INFINITY ? limit : ((x > 0 ? x : 0) - x * y[i]) + softplus;
    }
    if (grad) {
        for (int64_t i = 0; i < n; i++) {
            double sigma = z[i] >= 0 ? 1 / (1 + e[i]) : e[i] / (1 + e[i]);
            grad[i] = (sigma - y[i]) * scale;
        }
    }
    return sum_block(l, n);
}

static void bce_logits_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    logits_ctx *c = arg;
    for (int64_t b = lo; b < hi; b += BLOCK) {
        int64_t m = hi - b < BLOCK ? hi - b : BLOCK;
        kahan_add(out, bce_logits_block(c->y + b, c->z + b, m, c->grad ? c->grad + b : NULL, c->scale));
    }
}

double xe_bce_logits(const double *y, const double *z, int64_t n, double *grad, double scale) {
    logits_ctx c = {y, z, scale, grad};
    return parallel(bce_logits_range, &c, n, BLOCK, 1);
}

/* ---- cce_logits and softmax -------------------------------------------------------------- */

typedef struct {
    const double *z, *labels, *y;
    int64_t classes;
    double *losses, *grad, *out;
    double scale;
} rows_ctx;

/* exp(z_c - m) into e, returns the sum. */
XE_CLONES static double exp_row(const double *z, int64_t C, double m, double *e) {
    for (int64_t c = 0; c < C; c++) e[c] = exp(z[c] - m);
    return sum_block(e, C);
}

XE_CLONES static double row_max(const double *z, int64_t C) {
    double m0 = -INFINITY, m1 = -INFINITY, m2 = -INFINITY, m3 = -INFINITY;
    int64_t c = 0;
    for (; c + 4 <= C; c += 4) {
        m0 = z[c] > m0 ? z[c] : m0;
        m1 = z[c + 1] > m1 ? z[c + 1] : m1;
        m2 = z[c + 2] > m2 ? z[c + 2] : m2;
        m3 = z[c + 3] > m3 ? z[c + 3] : m3;
    }
    for (; c < C; c++) m0 = z[c] > m0 ? z[c] : m0;
    m0 = m1 > m0 ? m1 : m0;
    m2 = m3 > m2 ? m3 : m2;
    return m2 > m0 ? m2 : m0;
}

XE_CLONES static void scale_row(double *e, int64_t C, double k) {
    for (int64_t c = 0; c < C; c++) e[c] *= k;
}

XE_CLONES static void divide_row(double *e, int64_t C, double s) {
    for (int64_t c = 0; c < C; c++) e[c] /= s;
}

/* ---- Rows whose maximum is infinite: the limit rule ---------------------------------------
 * log_softmax(z)_c = (z_c - m) - log Σ_k exp(z_k - m) has no finite form when m = ±inf; each
 * entry takes its limit as the infinite logits grow: -inf for a logit below m, 0 for the only
 * logit at m, and NaN (no limit: it depends on how they grow) for each of several logits at m
 * (so a row of -inf is NaN unless it has one entry); a NaN anywhere in the row makes every
 * entry NaN. softmax is its exp, the losses follow. */

typedef struct { double m; int64_t at_max; int nan; } infinite_row;

static infinite_row scan_infinite_row(const double *z, int64_t C, double m) {
    infinite_row r = {m, 0, 0};
    for (int64_t c = 0; c < C; c++) {
        r.at_max += z[c] == m;
        r.nan |= z[c] != z[c];
    }
    return r;
}

static double infinite_row_log_softmax(double zc, infinite_row r) {
    if (r.nan) return NAN;
    if (zc == r.m) return r.at_max == 1 ? 0 : NAN;
    return -INFINITY;
}

/* cce_logits of row i when its maximum is +inf: l_i = -Σ_{c: y_ic ≠ 0} y_ic·log_softmax_ic by
 * the limit rule (a class with no target weight adds nothing), and the gradient
 * (Σ_k y_ik)·softmax_ic - y_ic. */
static double cce_infinite_row(const rows_ctx *r, int64_t i, double m) {
    int64_t C = r->classes;
    const double *z = r->z + i * C;
    infinite_row info = scan_infinite_row(z, C, m);
    double l, weight = 1;
    if (r->labels) {
        l = -infinite_row_log_softmax(z[(int64_t)r->labels[i]], info);
    } else {
        const double *y = r->y + i * C;
        l = 0;
        weight = 0;
        for (int64_t c = 0; c < C; c++) {
            if (y[c] != 0) l -= y[c] * infinite_row_log_softmax(z[c], info);
            weight += y[c];
        }
    }
    if (r->grad) {
        double *g = r->grad + i * C;
        for (int64_t c = 0; c < C; c++) g[c] = exp(infinite_row_log_softmax(z[c], info)) * weight * r->scale;
        if (r->labels) {
            g[(int64_t)r->labels[i]] -= r->scale;
        } else {
            for (int64_t c = 0; c < C; c++) g[c] -= r->y[i * C + c] * r->scale;
        }
    }
    return l;
}

static void cce_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    rows_ctx *r = arg;
    int64_t C = r->classes;
    double local[1024];
    for (int64_t i = lo; i < hi; i++) {
        const double *z = r->z + i * C;
        double m = row_max(z, C);
        if (isinf(m)) {
            double l = cce_infinite_row(r, i, m);
            if (r->losses) r->losses[i] = l;
            kahan_add(out, l);
            continue;
        }
        double *e = r->grad ? r->grad + i * C : (C <= 1024 ? local : NULL);
        double s;
        if (e) {
            s = exp_row(z, C, m, e);
        } else {
            s = 0;
            for (int64_t c = 0; c < C; c += 1024) {
                int64_t k = C - c < 1024 ? C - c : 1024;
                s += exp_row(z + c, k, m, local);
            }
        }
        /* -log_softmax(z)_c = (m - z_c) + log s: the shifted logits are exact where the
         * logits are close, so no digits are lost to the size of m (never lse - z_c). */
        double log_s = log(s);
        double l, weight = 1;
        if (r->labels) {
            int64_t k = (int64_t)r->labels[i];
            l = (m - z[k]) + log_s;
        } else {
            const double *y = r->y + i * C;
            double total = 0;
            l = 0;
            for (int64_t c = 0; c < C; c++) {
                l += y[c] != 0 ? y[c] * ((m - z[c]) + log_s) : 0;
                total += y[c];
            }
            weight = total;
        }
        if (r->losses) r->losses[i] = l;
        kahan_add(out, l);
        if (r->grad) {
            scale_row(e, C, weight * r->scale / s);
            if (r->labels) {
                e[(int64_t)r->labels[i]] -= r->scale;
            } else {
                const double *y = r->y + i * C;
                for (int64_t c = 0; c < C; c++) e[c] -= y[c] * r->scale;
            }
        }
    }
}

double xe_cce_logits(const double *z, int64_t rows, int64_t classes, const double *labels, const double *y,
                     double *losses, double *grad, double scale) {
    rows_ctx r = {z, labels, y, classes, losses, grad, NULL, scale};
    return parallel(cce_range, &r, rows, 1, classes);
}

static void softmax_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    rows_ctx *r = arg;
    int64_t C = r->classes;
    (void)out;
    for (int64_t i = lo; i < hi; i++) {
        const double *z = r->z + i * C;
        double *e = r->out + i * C;
        double m = row_max(z, C);
        if (isinf(m)) {
            infinite_row info = scan_infinite_row(z, C, m);
            for (int64_t c = 0; c < C; c++) e[c] = exp(infinite_row_log_softmax(z[c], info));
            continue;
        }
        double s = exp_row(z, C, m, e);
        divide_row(e, C, s);
    }
}

void xe_softmax_rows(const double *z, int64_t rows, int64_t classes, double *out) {
    rows_ctx r = {z, NULL, NULL, classes, NULL, NULL, out, 0};
    parallel(softmax_range, &r, rows, 1, classes);
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
    int threads = xe_kernel_threads();
    if (n < MIN_PARALLEL || threads < 2) {
        kahan k;
        outside_range(&r, 0, n, &k);
        return k.sum > 0 ? (int64_t)k.c : -1;
    }
    job jobs[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    int64_t piece = (n / threads + BLOCK - 1) / BLOCK * BLOCK;
    for (int t = 0; t < threads; t++) {
        int64_t a = piece * t, b = a + piece;
        if (a > n) a = n;
        if (b > n || t == threads - 1) b = n;
        jobs[t] = (job){outside_range, &r, a, b, {0, 0}};
    }
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_job, &jobs[t]) == 0;
    run_job(&jobs[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL); else run_job(&jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        if (jobs[t].result.sum > 0) return (int64_t)jobs[t].result.c;
    }
    return -1;
}

/* ---- Matrix product ------------------------------------------------------------------------ */

/* Tiles: a 4 × 8 block of C stays in registers while p runs over a panel of KC rows of B;
 * a KC × NC panel of B (256 KiB) stays in the L2 cache while blocks of MC rows of A pass over
 * it. */
enum { MR = 4, NR = 8, KC = 256, NC = 128, MC = 64 };

typedef struct {
    const double *a, *b;
    double *c;
    int64_t m, k, n;
    int (*stop)(void);
    int stopped; /* set by any thread, read by all: atomic accesses only */
} matmul_ctx;

/* c[i][j] += Σ_{p in [p0, p1)} a[i][p] b[p][j] for rows [i, i+MR) and columns [j0, j0+W),
 * with the MR × W block of C in registers. */
#define MATMUL_BLOCK(W)                                                                        \
    do {                                                                                       \
        double acc[MR][W];                                                                     \
        for (int r = 0; r < MR; r++)                                                           \
            for (int j = 0; j < W; j++) acc[r][j] = x->c[(i + r) * n + j0 + j];                \
        for (int64_t p = p0; p < p1; p++) {                                                    \
            const double *bp = x->b + p * n + j0;                                              \
            for (int r = 0; r < MR; r++) {                                                     \
                double av = x->a[(i + r) * k + p];                                             \
                for (int j = 0; j < W; j++) acc[r][j] += av * bp[j];                           \
            }                                                                                  \
        }                                                                                      \
        for (int r = 0; r < MR; r++)                                                           \
            for (int j = 0; j < W; j++) x->c[(i + r) * n + j0 + j] = acc[r][j];                \
    } while (0)

/* c[i][j] += Σ_{p in [p0, p1)} a[i][p] b[p][j] for rows [i0, i0+rows) and columns
 * [j0, j0+cols), cols ≤ NR, p ascending for every element (the order of the plain loop):
 * register blocks of MR rows and 8 or 4 columns, a plain loop for what is left. */
XE_CLONES static void matmul_tile(const matmul_ctx *x, int64_t i0, int64_t rows, int64_t p0, int64_t p1,
                                  int64_t j0, int64_t cols) {
    const int64_t k = x->k, n = x->n;
    int64_t i = i0;
    if (cols == NR || cols == NR / 2) {
        for (; i + MR <= i0 + rows; i += MR) {
            if (cols == NR) MATMUL_BLOCK(NR); else MATMUL_BLOCK(NR / 2);
        }
    } else if (cols > NR / 2) {
        matmul_tile(x, i0, rows, p0, p1, j0, NR / 2);
        matmul_tile(x, i0, rows, p0, p1, j0 + NR / 2, cols - NR / 2);
        return;
    }
    for (; i < i0 + rows; i++) {
        double acc[NR];
        double *ci = x->c + i * n + j0;
        for (int64_t j = 0; j < cols; j++) acc[j] = ci[j];
        for (int64_t p = p0; p < p1; p++) {
            double av = x->a[i * k + p];
            const double *bp = x->b + p * n + j0;
            for (int64_t j = 0; j < cols; j++) acc[j] += av * bp[j];
        }
        for (int64_t j = 0; j < cols; j++) ci[j] = acc[j];
    }
}

/* Rows [lo, hi) of the product, panel by panel: for each KC × NC panel of B, blocks of MC rows
 * of A (MC × KC, 128 KiB, kept in L2) meet every 8-column strip of the panel. */
static void matmul_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    (void)out;
    matmul_ctx *x = arg;
    for (int64_t jb = 0; jb < x->n; jb += NC) {
        int64_t jend = jb + NC < x->n ? jb + NC : x->n;
        for (int64_t pb = 0; pb < x->k; pb += KC) {
            if (__atomic_load_n(&x->stopped, __ATOMIC_RELAXED) || (x->stop && x->stop())) {
                __atomic_store_n(&x->stopped, 1, __ATOMIC_RELAXED);
                return;
            }
            int64_t pend = pb + KC < x->k ? pb + KC : x->k;
            for (int64_t ib = lo; ib < hi; ib += MC) {
                int64_t rows = hi - ib < MC ? hi - ib : MC;
                for (int64_t j = jb; j < jend; j += NR) {
                    int64_t cols = jend - j < NR ? jend - j : NR;
                    matmul_tile(x, ib, rows, pb, pend, j, cols);
                }
            }
        }
    }
}

int xe_matmul(const double *a, const double *b, double *c, int64_t m, int64_t k, int64_t n, int (*stop)(void)) {
    matmul_ctx x = {a, b, c, m, k, n, stop, 0};
    for (int64_t i = 0; i < m * n; i++) c[i] = 0;
    parallel(matmul_range, &x, m, MR, k * n);
    return __atomic_load_n(&x.stopped, __ATOMIC_RELAXED) ? -1 : 0;
}

/* ---- Elementwise functions ------------------------------------------------------------------ */

typedef struct { xe_function f; const double *x; double *y; } unary_ctx;

/* y = f(x) over [lo, hi). log and exp become libmvec's vector functions; log1p and tanh, which
 * have no vector form there, are built on them. */
XE_CLONES void xe_unary_span(xe_function f, const double *x, double *y, int64_t lo, int64_t hi) {
    switch (f) {
    case XE_FN_LOG: for (int64_t i = lo; i < hi; i++) y[i] = log(x[i]); break;
    case XE_FN_EXP: for (int64_t i = lo; i < hi; i++) y[i] = exp(x[i]); break;
    case XE_FN_SQRT: for (int64_t i = lo; i < hi; i++) y[i] = sqrt(x[i]); break;
    case XE_FN_ABS: for (int64_t i = lo; i < hi; i++) y[i] = fabs(x[i]); break;
    case XE_FN_SIGMOID:
        for (int64_t i = lo; i < hi; i++) {
            double e = exp(-fabs(x[i]));
            y[i] = (x[i] >= 0 ? 1 : e) / (1 + e);
        }
        break;
    case XE_FN_LOG1P:
        /* Kahan's log1p through the vector log: with u = 1 + x rounded, log(u) · x / (u - 1)
         * cancels u's rounding error (a few ulp); x itself where u rounds to 1. */
        for (int64_t i = lo; i < hi; i++) {
            double u = 1 + x[i];
            double r = log(u) * (x[i] / (u - 1));
            y[i] = u == 1 ? x[i] : (x[i] == INFINITY ? x[i] : r);
        }
        break;
    case XE_FN_TANH:
        /* tanh|x| = 1 - 2 / (e^{2|x|} + 1) through the vector exp, where tanh|x| ≥ 0.55 so the
         * subtraction loses nothing; the scalar tanh below that. */
        for (int64_t i = lo; i < hi; i++) {
            double t = 1 - 2 / (exp(2 * fabs(x[i])) + 1);
            y[i] = copysign(t, x[i]);
        }
        for (int64_t i = lo; i < hi; i++) {
            if (!(fabs(x[i]) >= 0.625)) y[i] = tanh(x[i]);
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
    parallel(unary_range, &c, n, BLOCK, 1);
}

/* ---- logsumexp and log_softmax over rows ------------------------------------------------------ */

typedef struct { const double *z; int64_t classes; double *lse, *out; } lse_ctx;

XE_CLONES static void log_softmax_row(const double *z, int64_t C, double m, double log_s, double *out) {
    for (int64_t c = 0; c < C; c++) out[c] = (z[c] - m) - log_s;
}

/* Per row: lse = m + log s with s = Σ exp(z - m); log_softmax = (z - m) - log s, never
 * z - lse (which loses the digits of z that the size of m rounds away). A row with a NaN
 * gives NaN; a row whose maximum is ±inf has lse = m and log_softmax by the limit rule. */
static void lse_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    (void)out;
    lse_ctx *r = arg;
    int64_t C = r->classes;
    double scratch[1024];
    for (int64_t i = lo; i < hi; i++) {
        const double *z = r->z + i * C;
        double *ls = r->out ? r->out + i * C : NULL;
        if (C == 0) {
            if (r->lse) r->lse[i] = -INFINITY;
            continue;
        }
        double m = row_max(z, C);
        if (isinf(m)) {
            infinite_row info = scan_infinite_row(z, C, m);
            if (r->lse) r->lse[i] = info.nan ? NAN : m;
            if (ls) for (int64_t c = 0; c < C; c++) ls[c] = infinite_row_log_softmax(z[c], info);
            continue;
        }
        double s = 0;
        for (int64_t c = 0; c < C; c += 1024) {
            int64_t k = C - c < 1024 ? C - c : 1024;
            s += exp_row(z + c, k, m, scratch);
        }
        double log_s = log(s);
        if (r->lse) r->lse[i] = m + log_s;
        if (ls) log_softmax_row(z, C, m, log_s, ls);
    }
}

void xe_logsumexp_rows(const double *z, int64_t rows, int64_t classes, double *lse, double *log_softmax) {
    lse_ctx r = {z, classes, lse, log_softmax};
    parallel(lse_range, &r, rows, 1, classes > 0 ? classes : 1);
}
