#ifndef CXESHIM_H
#define CXESHIM_H
#include <stddef.h>
#include <stdint.h>

#include <signal.h>

/// The flag the SIGINT handler sets.
extern volatile sig_atomic_t xe_interrupt_flag;
/// Interrupt flag set by the SIGINT handler; polled by long computations (inline: loops poll
/// it every iteration).
static inline int xe_interrupted(void) { return xe_interrupt_flag != 0; }
/// Clears the interrupt flag.
void xe_clear_interrupt(void);
/// Sets the interrupt flag (as the SIGINT handler does).
void xe_set_interrupt(void);
/// Installs a SIGINT handler that only sets the flag (no SA_RESTART, so a blocking read returns).
void xe_install_sigint_handler(void);
/// Sets the interrupt flag after `milliseconds` (0 cancels), as Ctrl-C would: a time budget
/// for the fuzzer and the tests.
void xe_interrupt_after(long milliseconds);
/// Restores the default SIGINT action.
void xe_default_sigint(void);
/// Unblocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in the calling thread (threads created after
/// inherit it): a parent's blocked mask must not make xe impossible to stop.
void xe_unblock_stop_signals(void);
/// Ignores SIGPIPE so that writes to a closed pipe fail with EPIPE instead of killing xe.
void xe_ignore_sigpipe(void);



/// Writes n bytes to standard output; 0 on success, -1 on error (EPIPE included).
int xe_write_out(const char *text, size_t n);
/// Writes n bytes to standard error.
int xe_write_err(const char *text, size_t n);
/// Flushes standard output; 0 on success.
int xe_flush_out(void);
/// Makes glibc's malloc keep and reuse freed memory: large tensors come from the heap instead of
/// fresh mmap regions (which the kernel must fault in and zero again for every new array), one
/// arena for all threads, and up to 1 GiB of free memory kept before it is given back. Called
/// once at start by the xe tool.
void xe_tune_allocator(void);
/// After xe_tune_allocator: when more than 1 GiB has been freed into malloc's keeping since the
/// last time (freed arrays in the middle of the heap, which the trim threshold does not reach),
/// gives every free page back to the system, so the reuse cache stays bounded. Called before
/// each large allocation, of `bytes`; looks at malloc's free memory once per 256 MiB of them.
void xe_bound_allocator_cache(size_t bytes);
/// Asks for transparent huge pages on the 2 MiB-aligned inside of a large, untouched buffer (as
/// NumPy does): far fewer page faults when it is first written.
void xe_advise_huge_pages(void *start, size_t bytes);
/// The bytes of memory a new allocation can have without the machine (or the container's
/// cgroup) running out: MemAvailable, or the cgroup's room if tighter, plus what malloc holds
/// free for reuse. -1 when it cannot be told.
int64_t xe_available_memory(void);
/// The width of the terminal on fd, or 0 when it is not a terminal.
int xe_terminal_columns(int fd);
/// The terminal's height in rows for fd, or 0 when it is not a terminal.
int xe_terminal_rows(int fd);
/// Whether file descriptor fd is a terminal.
int xe_isatty(int fd);
/// Runs body(context) on a new thread with a stack of stack_bytes, and waits for it; runs it
/// right away when the calling thread is already one this function started (the size asked
/// for is then not checked: xe asks for one size). Returns 0 on success, or the pthread error
/// code (body has not run).
int xe_run_on_big_stack(size_t stack_bytes, void (*body)(void *), void *context);

/// The calling thread's differentiation state, read by XETensor: how many differentiations
/// (grad, jacobian, hessian) are being evaluated, and whether a backward sweep is running and
/// records its own graph. One per thread: the interpreter runs on one thread, tests on many.
typedef struct {
    int depth;
    int sweeping;
    int recording;
} xe_autodiff_state;
/// This thread's differentiation state.
xe_autodiff_state *xe_autodiff(void);

#endif
