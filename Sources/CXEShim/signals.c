#include "CXEShim.h"
#include <signal.h>
#include <string.h>
#include <pthread.h>

volatile sig_atomic_t xe_interrupt_flag = 0;

static void on_sigint(int signo) {
    (void)signo;
    xe_interrupt_flag = 1;
}

void xe_clear_interrupt(void) { xe_interrupt_flag = 0; }
void xe_set_interrupt(void) { xe_interrupt_flag = 1; }

void xe_install_sigint_handler(void) {
    /* A parent may hand us SIGINT blocked (signal masks survive exec): unblock it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

void xe_default_sigint(void) { signal(SIGINT, SIG_DFL); }
void xe_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

void xe_unblock_stop_signals(void) {
    /* Signal masks survive exec: a parent that blocks SIGTERM (some test runners' threads do)
     * would otherwise hand us a process that `kill` cannot stop. Ctrl-C and the usual ways of
     * ending a process are unblocked; what the parent chose to ignore stays ignored. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

#include <sys/time.h>

static void on_alarm(int sig) {
    (void)sig;
    xe_interrupt_flag = 1;
}

void xe_interrupt_after(long milliseconds) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_sec = milliseconds / 1000;
    timer.it_value.tv_usec = (milliseconds % 1000) * 1000;
    setitimer(ITIMER_REAL, &timer, NULL);
}
