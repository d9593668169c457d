/* The softmax family over the rows of a rows × classes matrix: cce_logits, softmax, logsumexp
 * and log_softmax, with the limit rule for rows whose maximum is infinite. */
#include "kernels_internal.h"
#include <math.h>

/* ---- cce_logits and softmax -------------------------------------------------------------- */

typedef struct {
    const double *z, *labels, *y;
    int64_t classes;
    double *losses, *grad, *out;
    double scale;
} rows_ctx;

/* m = the larger of m and v lane by lane, a NaN in v never taken. */
#define GREATER_OF(m, v)                                                                  \
    do {                                                                                  \
        xe_long4 greater_ = (v) > (m);                                                    \
        (m) = (xe_double4)(((xe_long4)(v) & greater_) | ((xe_long4)(m) & ~greater_));     \
    } while (0)

/* The row's maximum, NaN skipped (a NaN row's sums are NaN anyway): four running maxima of
 * vectors, 16 elements a step (one alone is a chain of dependent steps as long as the row),
 * then the lanes of their maximum, the last C mod 4 elements into the first (four scalar
 * maxima were compiled into 2-lane loads put together from single elements). */
XE_CLONES static double row_max(const double *z, int64_t C) {
    xe_double4 m = {-INFINITY, -INFINITY, -INFINITY, -INFINITY}, n1 = m, n2 = m, n3 = m;
    int64_t c = 0;
    for (; c + 16 <= C; c += 16) {
        xe_double4 v0, v1, v2, v3;
        memcpy(&v0, z + c, sizeof v0);
        memcpy(&v1, z + c + 4, sizeof v1);
        memcpy(&v2, z + c + 8, sizeof v2);
        memcpy(&v3, z + c + 12, sizeof v3);
        GREATER_OF(m, v0);
        GREATER_OF(n1, v1);
        GREATER_OF(n2, v2);
        GREATER_OF(n3, v3);
    }
    for (; c + 4 <= C; c += 4) {
        xe_double4 v;
        memcpy(&v, z + c, sizeof v);
        GREATER_OF(m, v);
    }
    GREATER_OF(m, n1);
    GREATER_OF(n2, n3);
    GREATER_OF(m, n2);
    double m0 = m[0];
    for (; c < C; c++) m0 = z[c] > m0 ? z[c] : m0;
    double m1 = m[1] > m0 ? m[1] : m0, m3 = m[3] > m[2] ? m[3] : m[2];
    return m3 > m1 ? m3 : m1;
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

/* Rows taken together: their shifted sums first, then the logs of all of them in one span;
 * without the exponentials kept, ROW_GROUP rows' maxima, then their sums together (the rows
 * still in the L1 cache; AVX2's two passes over both rows at once), the next rows asked into
 * the cache while these are summed: cce_logits over 200000 × 100 took 10% less. */
enum { ROW_BATCH = 64, ROW_GROUP = 2 };

/* For the n ≤ ROW_BATCH rows of C classes from z: each row's maximum into m and, where it is
 * finite, s = Σ_c e^(z_c - m) (the exponentials into e's rows when e is not NULL) and log s;
 * s = 1 and log s = 0 for a row whose maximum is infinite (the limit rule's, the caller's);
 * `summed` as xe_exp_shifted_sum's, for cce_logits's mean (its rows' losses not kept). */
static void batch_shifted_sums(const double *z, int64_t C, int64_t n, double *e, double *m, double *s, double *log_s,
                               int summed) {
    if (summed && !e) {
        for (int64_t g = 0; g < n; g += ROW_GROUP) {
            int64_t rows = n - g < ROW_GROUP ? n - g : ROW_GROUP;
            for (int64_t k = g; k < g + rows; k++) m[k] = row_max(z + k * C, C);
            /* The next group asked into the cache while this one's exponentials are computed. */
            int64_t ahead = n - g - rows < ROW_GROUP ? n - g - rows : ROW_GROUP;
            const char *next = (const char *)(z + (g + rows) * C);
            for (int64_t o = 0; o < ahead * C * (int64_t)sizeof(double); o += 64) __builtin_prefetch(next + o, 0, 3);
            xe_exp_shifted_sums(z + g * C, C, rows, m + g, s + g);
            for (int64_t k = g; k < g + rows; k++) s[k] = isinf(m[k]) ? 1 : s[k];
        }
    } else {
        for (int64_t k = 0; k < n; k++) {
            m[k] = row_max(z + k * C, C);
            s[k] = isinf(m[k]) ? 1 : xe_exp_shifted_sum(z + k * C, m[k], e ? e + k * C : NULL, C, summed);
        }
    }
    xe_log_span(s, log_s, n);
}

static void cce_range(void *arg, int64_t lo, int64_t hi, kahan *out) {
    rows_ctx *r = arg;
    int64_t C = r->classes;
    double ms[ROW_BATCH], sums[ROW_BATCH], logs[ROW_BATCH];
    for (int64_t i = lo; i < hi; i++) {
        int64_t k = (i - lo) % ROW_BATCH;
        if (k == 0) {
            int64_t n = hi - i < ROW_BATCH ? hi - i : ROW_BATCH;
            batch_shifted_sums(r->z + i * C, C, n, r->grad ? r->grad + i * C : NULL, ms, sums, logs, r->losses == NULL);
        }
        const double *z = r->z + i * C;
        double m = ms[k], s = sums[k], log_s = logs[k];
        if (isinf(m)) {
            double l = cce_infinite_row(r, i, m);
            if (r->losses) r->losses[i] = l;
            kahan_add(out, l);
            continue;
        }
        double *e = r->grad ? r->grad + i * C : NULL;
        /* -log_softmax(z)_c = (m - z_c) + log s: the shifted logits are exact where the
         * logits are close, so no digits are lost to the size of m (never lse - z_c). */
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
    return xe_parallel(cce_range, &r, rows, 1, classes);
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
        double s = xe_exp_shifted_sum(z, m, e, C, 0);
        divide_row(e, C, s);
    }
}

void xe_softmax_rows(const double *z, int64_t rows, int64_t classes, double *out) {
    rows_ctx r = {z, NULL, NULL, classes, NULL, NULL, out, 0};
    xe_parallel(softmax_range, &r, rows, 1, classes);
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
    double ms[ROW_BATCH], sums[ROW_BATCH], logs[ROW_BATCH];
    for (int64_t i = lo; i < hi; i++) {
        const double *z = r->z + i * C;
        double *ls = r->out ? r->out + i * C : NULL;
        if (C == 0) {
            if (r->lse) r->lse[i] = -INFINITY;
            continue;
        }
        int64_t k = (i - lo) % ROW_BATCH;
        if (k == 0) batch_shifted_sums(z, C, hi - i < ROW_BATCH ? hi - i : ROW_BATCH, NULL, ms, sums, logs, 0);
        double m = ms[k], log_s = logs[k];
        if (isinf(m)) {
            infinite_row info = scan_infinite_row(z, C, m);
            if (r->lse) r->lse[i] = info.nan ? NAN : m;
            if (ls) for (int64_t c = 0; c < C; c++) ls[c] = infinite_row_log_softmax(z[c], info);
            continue;
        }
        if (r->lse) r->lse[i] = m + log_s;
        if (ls) log_softmax_row(z, C, m, log_s, ls);
    }
}

void xe_logsumexp_rows(const double *z, int64_t rows, int64_t classes, double *lse, double *log_softmax) {
    lse_ctx r = {z, classes, lse, log_softmax};
    xe_parallel(lse_range, &r, rows, 1, classes > 0 ? classes : 1);
}
