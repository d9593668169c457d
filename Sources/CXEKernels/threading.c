/* The fan-out shared by every kernel: [0, n) split into one piece per core, each piece run on a
 * thread of its own (the first on the calling thread), the pieces' results gathered in order. */
#include "kernels_internal.h"
#include <pthread.h>
#include <unistd.h>

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

int xe_fan_out(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item, kahan results[MAX_THREADS]) {
    int threads = xe_kernel_threads();
    if (n * work_per_item < MIN_PARALLEL || threads < 2) {
        results[0] = (kahan){0, 0};
        fn(ctx, 0, n, &results[0]);
        return 1;
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
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL); else run_job(&jobs[t]);
    }
    for (int t = 0; t < threads; t++) results[t] = jobs[t].result;
    return threads;
}

double xe_parallel(range_fn fn, void *ctx, int64_t n, int64_t align, int64_t work_per_item) {
    kahan pieces[MAX_THREADS];
    int count = xe_fan_out(fn, ctx, n, align, work_per_item, pieces);
    kahan total = pieces[0];
    for (int t = 1; t < count; t++) {
        kahan_add(&total, pieces[t].sum);
        kahan_add(&total, -pieces[t].c);
    }
    return total.sum;
}
