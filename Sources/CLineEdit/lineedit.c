#include "CLineEdit.h"
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

int xe_le_write_history(const char *path) { return write_history(path); }

void xe_le_free(void *p) { free(p); }
