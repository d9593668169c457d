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
/// Ignores SIGPIPE so that writes to a closed pipe fail with EPIPE instead of killing xe.
void xe_ignore_sigpipe(void);

#endif
