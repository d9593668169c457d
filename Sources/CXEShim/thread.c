#include "CXEShim.h"
#include <pthread.h>

struct xe_thread_job {
    void (*body)(void *);
    void *context;
};

static void *xe_thread_main(void *arg) {
    struct xe_thread_job *job = arg;
    job->body(job->context);
    return NULL;
}

int xe_run_on_big_stack(size_t stack_bytes, void (*body)(void *), void *context) {
    pthread_attr_t attr;
    pthread_t thread;
    struct xe_thread_job job = {body, context};
    int rc = pthread_attr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_attr_setstacksize(&attr, stack_bytes);
    if (rc == 0) rc = pthread_create(&thread, &attr, xe_thread_main, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) return rc;
    return pthread_join(thread, NULL);
}
