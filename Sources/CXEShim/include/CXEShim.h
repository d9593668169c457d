#ifndef CXESHIM_H
#define CXESHIM_H
#include <stddef.h>
#include <stdint.h>

/// Interrupt flag set by the SIGINT handler; polled by long computations.
int xe_interrupted(void);
/// Clears the interrupt flag.
void xe_clear_interrupt(void);
/// Sets the interrupt flag (as the SIGINT handler does).
void xe_set_interrupt(void);
/// Installs a SIGINT handler that only sets the flag (no SA_RESTART, so a blocking read returns).
void xe_install_sigint_handler(void);
/// Restores the default SIGINT action.
void xe_default_sigint(void);
/// Unblocks SIGINT in the calling thread (threads created after inherit it).
void xe_unblock_sigint(void);
/// Ignores SIGPIPE so that writes to a closed pipe fail with EPIPE instead of killing xe.
void xe_ignore_sigpipe(void);



/// Writes n bytes to standard output; 0 on success, -1 on error (EPIPE included).
int xe_write_out(const char *text, size_t n);
/// Writes n bytes to standard error.
int xe_write_err(const char *text, size_t n);
/// Flushes standard output; 0 on success.
int xe_flush_out(void);
/// The width of the terminal on fd, or 0 when it is not a terminal.
int xe_terminal_columns(int fd);
/// Whether file descriptor fd is a terminal.
int xe_isatty(int fd);
/// Runs body(context) on a new thread with a stack of stack_bytes, and waits for it.
/// Returns 0 on success, or the pthread error code.
int xe_run_on_big_stack(size_t stack_bytes, void (*body)(void *), void *context);

#endif
