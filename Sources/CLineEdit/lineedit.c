/* xe's line editor: libedit through its own API (histedit.h) rather than its readline emulation,
 * which hands libedit one byte at a time as if each were a character (so `é` became `Ã©`), cannot
 * bind the bracketed-paste markers and is never told about a resize. */
#include "CLineEdit.h"
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

static EditLine *editor = NULL;
static HistoryW *entries_kept = NULL;
static xe_completion_provider current_provider = NULL;
static int (*interrupted)(void) = NULL;
static char current_prompt[256] = "";

static volatile sig_atomic_t resized = 0, stop_requested = 0, continued = 0;

/* What read_byte gives before reading more: after a resize, the key bound to xe-redraw (no
 * terminal sends it), so that libedit redraws through its own CC_REDISPLAY, which first moves
 * to the line's start and clears it; a bare EL_REFRESH redraws wherever the cursor is, after
 * the old text. Not inside a paste, whose characters are its text. */
static const char redraw_key[] = "\033[7357~";
static const char *injected = NULL;
static int reading_paste = 0;

static void on_signal(int signo) {
    if (signo == SIGWINCH) resized = 1;
    else if (signo == SIGTSTP) stop_requested = 1;
    else if (signo == SIGCONT) continued = 1;
}

static char *prompt_function(EditLine *el) {
    (void)el;
    return current_prompt;
}

/* ---- UTF-8 ---- */

/* Appends the UTF-8 form of c to out (room for 4 bytes); returns the byte count. */
static int encode(wchar_t c, char *out) {
    unsigned long u = (unsigned long)c;
    if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) u = 0xFFFD;
    if (u < 0x80) { out[0] = (char)u; return 1; }
    if (u < 0x800) { out[0] = (char)(0xC0 | (u >> 6)); out[1] = (char)(0x80 | (u & 0x3F)); return 2; }
    if (u < 0x10000) {
        out[0] = (char)(0xE0 | (u >> 12)); out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (u >> 18)); out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((u >> 6) & 0x3F)); out[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

/* The UTF-8 form of n wide characters, malloc'ed. */
static char *to_utf8(const wchar_t *s, size_t n) {
    char *out = malloc(n * 4 + 1);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += (size_t)encode(s[i], out + k);
    out[k] = 0;
    return out;
}

/* The wide form of UTF-8 text (a malformed byte becomes U+FFFD), malloc'ed. */
static wchar_t *from_utf8(const char *s) {
    size_t n = strlen(s);
    wchar_t *out = malloc((n + 1) * sizeof(wchar_t));
    if (!out) return NULL;
    size_t k = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int extra = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (c >= 0x80 && extra == 0) { out[k++] = 0xFFFD; p++; continue; }
        unsigned long u = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : extra == 1 ? c & 0x1F : c;
        int ok = 1;
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80) { ok = 0; break; }
            u = (u << 6) | (p[i] & 0x3F);
        }
        if (!ok) { out[k++] = 0xFFFD; p++; continue; }
        out[k++] = (wchar_t)u;
        p += extra + 1;
    }
    out[k] = 0;
    return out;
}

/* ---- input ---- */

/* Puts the terminal back to normal, stops (as Ctrl-Z asks), and on `fg` takes the line editor's
 * terminal modes again and redraws the prompt and the line. */
static void stop_and_resume(EditLine *el) {
    el_set(el, EL_PREP_TERM, 0);
    fputs("\n", stdout);
    fflush(stdout);
    struct sigaction action, saved;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigaction(SIGTSTP, &action, &saved);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    sigaction(SIGTSTP, &saved, NULL);
    continued = 0;
    el_set(el, EL_PREP_TERM, 1);
    el_resize(el);
}

/* The key read_byte gives after a resize: the line drawn again from its start. */
static unsigned char redraw(EditLine *el, int ch) {
    (void)el;
    (void)ch;
    return CC_REDISPLAY;
}

/* Ctrl-Z, which libedit's editing mode reads as a key rather than a signal. */
static unsigned char suspend(EditLine *el, int ch) {
    (void)ch;
    stop_and_resume(el);
    return CC_REDISPLAY;
}

/* Reads one character: the UTF-8 bytes of standard input decoded (whatever the locale says), a
 * malformed sequence as U+FFFD. A read cut short by Ctrl-C ends the line; one cut short by a
 * resize redraws the line at the new width; Ctrl-Z stops; after `fg` the line is redrawn. */
static int read_byte(EditLine *el, unsigned char *byte) {
    for (;;) {
        if (injected != NULL && *injected != 0) {
            *byte = (unsigned char)*injected++;
            return 1;
        }
        ssize_t n = read(STDIN_FILENO, byte, 1);
        if (n == 1) return 1;
        if (n == 0) return 0;
        if (errno != EINTR) return -1;
        if (interrupted != NULL && interrupted()) return -1;
        if (stop_requested) {
            stop_requested = 0;
            stop_and_resume(el);
            el_set(el, EL_REFRESH);
        }
        if (continued) {
            /* Stopped by something else (SIGSTOP): the shell may have reset the terminal. */
            continued = 0;
            el_set(el, EL_PREP_TERM, 0);
            el_set(el, EL_PREP_TERM, 1);
            el_set(el, EL_REFRESH);
        }
        if (resized) {
            resized = 0;
            el_resize(el);
            if (!reading_paste) injected = redraw_key;
        }
    }
}

static int read_character(EditLine *el, wchar_t *out) {
    unsigned char c;
    int r = read_byte(el, &c);
    if (r != 1) {
        *out = 0;
        return r;
    }
    int extra = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && extra == 0) {
        *out = 0xFFFD;
        return 1;
    }
    unsigned long u = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : extra == 1 ? c & 0x1F : c;
    for (int i = 0; i < extra; i++) {
        unsigned char next;
        r = read_byte(el, &next);
        if (r != 1) {
            *out = 0;
            return r;
        }
        if ((next & 0xC0) != 0x80) {
            /* Malformed: the lead byte is lost, the byte read is dropped as well. */
            *out = 0xFFFD;
            return 1;
        }
        u = (u << 6) | (next & 0x3F);
    }
    *out = (wchar_t)u;
    return 1;
}

static int input_pending(void) {
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

int xe_le_input_pending(int milliseconds) {
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    return poll(&p, 1, milliseconds) > 0 && (p.revents & POLLIN);
}

/* ---- completion ---- */

static int terminal_columns(void) {
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 80;
}

int xe_le_columns(void) {
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 0;
}

/* Display width of UTF-8 text (one column per scalar; the candidates are names and paths). */
static size_t text_width(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Prints the candidates in columns below the line, as readline does. */
static void list_candidates(char **list, int count) {
    size_t widest = 0;
    for (int i = 0; i < count; i++) {
        size_t w = text_width(list[i]);
        if (w > widest) widest = w;
    }
    int columns = terminal_columns();
    int per_row = (int)((size_t)columns / (widest + 2));
    if (per_row < 1) per_row = 1;
    int rows = (count + per_row - 1) / per_row;
    fputs("\n", stdout);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < per_row; c++) {
            int i = c * rows + r;
            if (i >= count) break;
            fputs(list[i], stdout);
            if (c + 1 < per_row && (c + 1) * rows + r < count)
                for (size_t pad = text_width(list[i]); pad < widest + 2; pad++) fputc(' ', stdout);
        }
        fputs("\n", stdout);
    }
    fflush(stdout);
}

/* Tab: the provider's candidates for the text before the cursor. One candidate replaces the word
 * (no bell); several insert their common prefix, or, when that adds nothing, are listed. A Tab
 * that arrives with more input already waiting is part of a paste the terminal did not mark:
 * it is inserted as a Tab. */
static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    if (input_pending()) {
        el_winsertstr(el, L"\t");
        return CC_REFRESH;
    }
    if (current_provider == NULL) return CC_ERROR;
    const LineInfoW *line = el_wline(el);
    char *before = to_utf8(line->buffer, (size_t)(line->cursor - line->buffer));
    if (!before) return CC_ERROR;
    int replace = 0;
    char **list = current_provider(before, &replace);
    free(before);
    if (!list || !list[0]) {
        free(list);
        return CC_REFRESH_BEEP;
    }
    int count = 0;
    while (list[count]) count++;
    /* The longest common prefix, in bytes, cut back to a whole UTF-8 sequence. */
    size_t common = strlen(list[0]);
    for (int i = 1; i < count; i++) {
        size_t k = 0;
        while (k < common && list[i][k] == list[0][k]) k++;
        common = k;
    }
    while (common > 0 && ((unsigned char)list[0][common] & 0xC0) == 0x80) common--;
    unsigned char result = CC_REFRESH;
    char *prefix = strndup(list[0], common);
    wchar_t *wide = prefix ? from_utf8(prefix) : NULL;
    size_t typed = (size_t)replace;
    int adds = wide && (wcslen(wide) > typed || count == 1);
    if (wide && adds) {
        if (replace > 0) el_deletestr(el, replace);
        el_winsertstr(el, wide);
    } else if (count > 1) {
        list_candidates(list, count);
        result = CC_REDISPLAY;
    }
    free(wide);
    free(prefix);
    for (int i = 0; i < count; i++) free(list[i]);
    free(list);
    return result;
}

/* ---- bracketed paste ---- */

/* ESC [ 200 ~ starts a paste: everything up to ESC [ 201 ~ is inserted as it is (Tabs and
 * newlines included; the terminal's CR line ends become newlines). A paste that ends with a
 * newline is entered at once, as the same lines typed would be. */
static unsigned char paste(EditLine *el, int ch) {
    (void)ch;
    static const wchar_t end[] = L"\033[201~";
    const size_t end_length = 6;
    size_t capacity = 256, length = 0, matched = 0;
    wchar_t *text = malloc(capacity * sizeof(wchar_t));
    if (!text) return CC_ERROR;
    wchar_t previous = 0;
    for (;;) {
        wchar_t c;
        reading_paste = 1;
        int r = read_character(el, &c);
        reading_paste = 0;
        if (r != 1) break;
        if (c == end[matched]) {
            if (++matched == end_length) break;
            continue;
        }
        /* A partial match that failed: its characters were text. */
        for (size_t i = 0; i < matched + 1; i++) {
            wchar_t put = i < matched ? end[i] : c;
            if (length + 2 >= capacity) {
                wchar_t *bigger = realloc(text, capacity * 2 * sizeof(wchar_t));
                if (!bigger) {
                    free(text);
                    return CC_ERROR;
                }
                text = bigger;
                capacity *= 2;
            }
            /* CR, LF and CR LF each end a line. */
            wchar_t before = previous;
            previous = put;
            if (put == L'\n' && before == L'\r') continue;
            text[length++] = put == L'\r' ? L'\n' : put;
        }
        matched = 0;
    }
    int enter = length > 0 && text[length - 1] == L'\n';
    if (enter) length--;
    text[length] = 0;
    if (length > 0 && el_winsertstr(el, text) != 0) {
        free(text);
        return CC_REFRESH_BEEP;
    }
    free(text);
    /* Entered as a typed Return is: through the key bound to it, so the display ends below it. */
    if (enter) el_wpush(el, L"\n");
    return CC_REFRESH;
}

/* ---- setup and reading ---- */

void xe_le_init(const char *name, xe_completion_provider provider, int history_size, int (*is_interrupted)(void)) {
    /* The user's locale; a C or POSIX one (no LANG at all) is taken as C.UTF-8, as Python does
     * (PEP 538): terminals speak UTF-8 and libedit displays by the locale's character classes. */
    const char *set = setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (!set || !codeset || strcmp(codeset, "UTF-8") != 0) {
        if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "C.utf8");
    }
    interrupted = is_interrupted;
    current_provider = provider;
    entries_kept = history_winit();
    HistEventW event;
    history_w(entries_kept, &event, H_SETSIZE, history_size);
    editor = el_init(name, stdin, stdout, stderr);
    if (!editor) return;
    el_set(editor, EL_EDITOR, "emacs");
    el_set(editor, EL_SIGNAL, 0);
    el_set(editor, EL_PROMPT, prompt_function);
    el_wset(editor, EL_HIST, history_w, entries_kept);
    el_wset(editor, EL_GETCFN, read_character);
    el_set(editor, EL_ADDFN, "xe-complete", "complete the name, command, path or keyword", complete);
    el_set(editor, EL_ADDFN, "xe-paste", "insert a bracketed paste as it is", paste);
    el_set(editor, EL_ADDFN, "xe-suspend", "stop xe until fg (Ctrl-Z)", suspend);
    el_set(editor, EL_BIND, "^I", "xe-complete", NULL);
    el_set(editor, EL_BIND, "^Z", "xe-suspend", NULL);
    el_set(editor, EL_BIND, "\033[200~", "xe-paste", NULL);
    el_set(editor, EL_ADDFN, "xe-redraw", "draw the line again from its start (after a resize)", redraw);
    el_set(editor, EL_BIND, redraw_key, "xe-redraw", NULL);
    const char *search_up[] = {"\033[A", "\033OA"}, *search_down[] = {"\033[B", "\033OB"};
    for (int i = 0; i < 2; i++) {
        el_set(editor, EL_BIND, search_up[i], "ed-search-prev-history", NULL);
        el_set(editor, EL_BIND, search_down[i], "ed-search-next-history", NULL);
    }
    el_source(editor, NULL);
}

char *xe_le_readline(const char *prompt) {
    if (!editor) return NULL;
    snprintf(current_prompt, sizeof current_prompt, "%s", prompt);
    resized = stop_requested = continued = 0;
    injected = NULL;
    struct sigaction action, saved_winch, saved_tstp, saved_cont;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: the read must see the signal */
    sigaction(SIGWINCH, &action, &saved_winch);
    sigaction(SIGTSTP, &action, &saved_tstp);
    sigaction(SIGCONT, &action, &saved_cont);
    /* A parent's blocked mask survives exec: these must reach this thread's read. */
    sigset_t wanted, saved_mask;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGWINCH);
    sigaddset(&wanted, SIGTSTP);
    sigaddset(&wanted, SIGCONT);
    pthread_sigmask(SIG_UNBLOCK, &wanted, &saved_mask);
    const char *term = getenv("TERM");
    int bracketed = term && strcmp(term, "dumb") != 0;
    if (bracketed) {
        fputs("\033[?2004h", stdout);
        fflush(stdout);
    }
    el_resize(editor);
    int count = 0;
    const wchar_t *line = el_wgets(editor, &count);
    if (bracketed) {
        fputs("\033[?2004l", stdout);
        fflush(stdout);
    }
    pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
    sigaction(SIGWINCH, &saved_winch, NULL);
    sigaction(SIGTSTP, &saved_tstp, NULL);
    sigaction(SIGCONT, &saved_cont, NULL);
    if (!line || count <= 0) return NULL;
    size_t n = (size_t)count;
    if (n > 0 && line[n - 1] == L'\n') n--;
    return to_utf8(line, n);
}

void xe_le_add_history(const char *line) {
    if (!entries_kept) return;
    wchar_t *wide = from_utf8(line);
    if (!wide) return;
    HistEventW event;
    history_w(entries_kept, &event, H_ENTER, wide);
    free(wide);
}

int xe_le_read_history(const char *path) {
    if (!entries_kept) return -1;
    HistEventW event;
    return history_w(entries_kept, &event, H_LOAD, path) < 0 ? -1 : 0;
}

/* ---- the history file ---- */

static const char signature[] = "_HiStOrY_V2_\n";

/* libedit's format for one entry: spaces, tabs, newlines and backslashes as octal escapes (what
 * its strunvis reads back), then a newline. */
static void write_escaped(FILE *f, const char *line) {
    for (const unsigned char *c = (const unsigned char *)line; *c; c++) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\\') fprintf(f, "\\%03o", *c);
        else fputc(*c, f);
    }
    fputc('\n', f);
}

/* Opens the history file for appending with an exclusive lock, making sure the lock is on the
 * file that the path names now (a rewrite by another session replaces it). */
static int open_locked(const char *path) {
    for (int attempt = 0; attempt < 10; attempt++) {
        int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return -1;
        if (flock(fd, LOCK_EX) != 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

/* Keeps the newest `keep` entries of the locked file fd: written to a temporary file that
 * replaces it once complete. */
static int trim_history(const char *path, int fd, int keep) {
    FILE *in = fdopen(dup(fd), "r");
    if (!in) return -1;
    rewind(in);
    char **lines = NULL;
    size_t count = 0, capacity = 0;
    char *buffer = NULL;
    size_t size = 0;
    ssize_t got;
    int first = 1;
    while ((got = getline(&buffer, &size, in)) > 0) {
        if (first) {
            first = 0;
            continue;
        }
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            char **bigger = realloc(lines, capacity * sizeof(char *));
            if (!bigger) break;
            lines = bigger;
        }
        lines[count++] = strdup(buffer);
    }
    free(buffer);
    fclose(in);
    int status = 0;
    if (count > (size_t)keep * 2) {
        char temporary[PATH_MAX + 32];
        snprintf(temporary, sizeof temporary, "%s.%ld.tmp", path, (long)getpid());
        FILE *out = fopen(temporary, "w");
        if (!out) status = -1;
        else {
            fputs(signature, out);
            for (size_t i = count - (size_t)keep; i < count; i++)
                if (lines[i]) fputs(lines[i], out);
            int failed = ferror(out) != 0;
            failed |= fclose(out) != 0;
            if (failed || rename(temporary, path) != 0) {
                unlink(temporary);
                status = -1;
            }
        }
    }
    for (size_t i = 0; i < count; i++) free(lines[i]);
    free(lines);
    return status;
}

int xe_le_append_history(const char *path, const char *line, int keep) {
    char target[PATH_MAX];
    const char *real = realpath(path, target) ? target : path;
    struct stat info;
    if (stat(real, &info) == 0 && !S_ISREG(info.st_mode)) {
        /* A device (e.g. /dev/null): written in place, no locking or trimming. */
        FILE *f = fopen(real, "a");
        if (!f) return -1;
        write_escaped(f, line);
        return fclose(f) == 0 ? 0 : -1;
    }
    int fd = open_locked(real);
    if (fd < 0) return -1;
    struct stat held;
    fstat(fd, &held);
    /* One write of the whole record, so that a reader never sees half an entry. */
    char *record = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&record, &size);
    if (!memory) {
        close(fd);
        return -1;
    }
    if (held.st_size == 0) fputs(signature, memory);
    write_escaped(memory, line);
    fclose(memory);
    int failed = write(fd, record, size) != (ssize_t)size;
    int saved = errno;
    free(record);
    if (!failed && held.st_size > (off_t)keep * 16) {
        /* Only worth counting once the file could hold 2 × keep entries of 8 bytes. */
        if (trim_history(real, fd, keep) != 0) {
            failed = 1;
            saved = errno;
        }
    }
    close(fd);
    errno = saved;
    return failed ? -1 : 0;
}

void xe_le_free(void *p) { free(p); }
