#include "CXEShim.h"
#include <pthread.h>
#include <signal.h>

struct xe_thread_job {
    void (*body)(void *);
    void *context;
};

/* Whether the calling thread is one xe_run_on_big_stack started. */
static _Thread_local int on_big_stack;

static void *xe_thread_main(void *arg) {
    struct xe_thread_job *job = arg;
    on_big_stack = 1;
    job->body(job->context);
    return NULL;
}

int xe_run_on_big_stack(size_t stack_bytes, void (*body)(void *), void *context) {
    if (on_big_stack) {
        body(context);
        return 0;
    }
    pthread_attr_t attr;
    pthread_t thread;
    struct xe_thread_job job = {body, context};
    int rc = pthread_attr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_attr_setstacksize(&attr, stack_bytes);
    if (rc == 0) rc = pthread_create(&thread, &attr, xe_thread_main, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) return rc;
    /* While waiting, leave Ctrl-C, Ctrl-Z, fg and resizes to the new thread, so that they
     * interrupt its reads. */
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGTSTP);
    sigaddset(&block, SIGCONT);
    pthread_sigmask(SIG_BLOCK, &block, &previous);
    rc = pthread_join(thread, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return rc;
}
