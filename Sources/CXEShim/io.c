#include "CXEShim.h"
#include <stdio.h>
#include <unistd.h>

int xe_write_out(const char *text, size_t n) {
    if (n == 0) return 0;
    return fwrite(text, 1, n, stdout) == n ? 0 : -1;
}

int xe_write_err(const char *text, size_t n) {
    if (n == 0) return 0;
    int ok = fwrite(text, 1, n, stderr) == n;
    fflush(stderr);
    return ok ? 0 : -1;
}

int xe_flush_out(void) { return fflush(stdout) == 0 ? 0 : -1; }

int xe_isatty(int fd) { return isatty(fd); }

#include <sys/ioctl.h>

int xe_terminal_columns(int fd) {
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 0;
}
