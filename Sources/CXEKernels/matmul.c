/* The matrix product, tiled for the registers and the L2 cache, rows split over the cores. */
#include "kernels_internal.h"
#include <math.h>

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
    /* One piece per thread: every piece reads all of B (8 per thread made a 32-row product
     * with a large B 4 times slower). */
    xe_parallel(matmul_range, &x, m, xe_piece_per_thread(m, MR), k * n);
    return __atomic_load_n(&x.stopped, __ATOMIC_RELAXED) ? -1 : 0;
}
