/* The fan-out shared by every kernel: [0, n) split into pieces that the threads (one per core,
 * the first the calling thread) take in turn, each piece's result kept in its place, so the
 * results are gathered in order whichever thread ran a piece. Several pieces per thread: on a
 * busy machine a thread that gets less of its core takes fewer pieces instead of holding up
 * the others. */
#include "kernels_internal.h"
#include <pthread.h>
#include <unistd.h>

typedef struct {
    range_fn fn;
    void *ctx;
    int64_t n, piece;
    int count;
    int next; /* the next piece to take (atomic) */
    kahan *results;
} pieces;

static void *take_pieces(void *arg) {
    pieces *p = arg;
    for (;;) {
        int k = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (k >= p->count) return NULL;
        int64_t lo = p->piece * k, hi = lo + p->piece < p->n ? lo + p->piece : p->n;
        p->results[k] = (kahan){0, 0};
        p->fn(p->ctx, lo, hi, &p->results[k]);
    }
}

int xe_kernel_threads(void) {
    static int threads = 0;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n);
    }
    return threads;
}

int xe_fan_out(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item, kahan results[MAX_PIECES]) {
    int threads = xe_kernel_threads();
    if (n * work_per_item < MIN_PARALLEL || threads < 2) {
        results[0] = (kahan){0, 0};
        fn(ctx, 0, n, &results[0]);
        return 1;
    }
    int64_t per = PIECES_PER_THREAD * (int64_t)threads;
    int64_t piece = ((n + per - 1) / per + align - 1) / align * align;
    pieces p = {fn, ctx, n, piece, (int)((n + piece - 1) / piece), 0, results};
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, take_pieces, &p) == 0;
    take_pieces(&p);
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL);
    }
    return p.count;
}

int64_t xe_piece_per_thread(int64_t n, int64_t align) {
    int64_t threads = xe_kernel_threads();
    return ((n + threads - 1) / threads + align - 1) / align * align;
}

double xe_parallel(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item) {
    kahan results[MAX_PIECES];
    int count = xe_fan_out(fn, ctx, n, align, work_per_item, results);
    kahan total = results[0];
    for (int k = 1; k < count; k++) {
        kahan_add(&total, results[k].sum);
        kahan_add(&total, -results[k].c);
    }
    return total.sum;
}
