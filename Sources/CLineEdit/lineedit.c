#include "CLineEdit.h"
#include <sys/stat.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <editline/readline.h>

static xe_completion_provider current_provider = NULL;
static int (*interrupted)(void) = NULL;

/* Reads one byte of input. A read cut short by a signal ends the line as end of input, so
   Ctrl-C at the prompt returns at once (the caller checks its interrupt flag). */
static int read_char(FILE *stream) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fileno(stream), &c, 1);
        if (n == 1) return c;
        if (n == 0) return EOF;
        if (errno == EINTR) {
            if (interrupted != NULL && interrupted()) return EOF;
            continue;
        }
        return EOF;
    }
}

static char **attempted_completion(const char *text, int start, int end) {
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1;
    if (current_provider == NULL) return NULL;
    return current_provider(text);
}

void xe_le_init(const char *name, xe_completion_provider provider, int history_size, int (*is_interrupted)(void)) {
    interrupted = is_interrupted;
    rl_getc_function = read_char;
    rl_catch_signals = 0; /* our SIGINT handler (no SA_RESTART) must see the interrupted read */
    rl_readline_name = name;
    current_provider = provider;
    rl_attempted_completion_function = attempted_completion;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,+-*/^";
    rl_initialize();
    stifle_history(history_size);
}

char *xe_le_readline(const char *prompt) { return readline(prompt); }

void xe_le_add_history(const char *line) { add_history(line); }

int xe_le_read_history(const char *path) { return read_history(path); }

/* Written by xe itself rather than libedit's write_history, which does not report a failed
 * write (a full disk): libedit's format (_HiStOrY_V2_, then one entry per line with spaces,
 * tabs, newlines and backslashes as octal escapes, which libedit's strunvis reads back), into
 * a private temporary file that replaces the old one only once it is complete. A history file
 * that is a device (or a symbolic link to one) is written in place. */
int xe_le_write_history(const char *path) {
    char target[PATH_MAX];
    const char *real = realpath(path, target) ? target : path;
    struct stat info;
    int regular = stat(real, &info) != 0 || S_ISREG(info.st_mode);
    char temporary[PATH_MAX + 32];
    const char *out = real;
    if (regular) {
        snprintf(temporary, sizeof temporary, "%s.%ld.tmp", real, (long)getpid());
        out = temporary;
    }
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return -1;
    }
    fputs("_HiStOrY_V2_\n", f);
    for (int i = 0; i < history_length; i++) {
        HIST_ENTRY *entry = history_get(history_base + i);
        if (!entry || !entry->line) continue;
        for (const unsigned char *c = (const unsigned char *)entry->line; *c; c++) {
            if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\\') fprintf(f, "\\%03o", *c);
            else fputc(*c, f);
        }
        fputc('\n', f);
    }
    int failed = ferror(f) || fflush(f) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed && regular && rename(temporary, real) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed && regular) unlink(temporary);
    errno = saved;
    return failed ? -1 : 0;
}

void xe_le_free(void *p) { free(p); }
