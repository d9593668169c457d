#ifndef CLINEEDIT_H
#define CLINEEDIT_H
#include <stddef.h>

/// Completes the text before the cursor (UTF-8): a NULL-terminated, malloc'ed array of malloc'ed
/// candidates, each of which replaces the last *replace characters (Unicode scalars) before the
/// cursor; NULL for none.
typedef char **(*xe_completion_provider)(const char *before_cursor, int *replace);

/// Sets up libedit's own API (histedit.h): emacs bindings, wide-character input decoded from
/// UTF-8, Tab bound to the completion provider, bracketed paste inserted literally, Up and Down
/// searching the history by the text before the cursor, ~/.editrc read last.
/// is_interrupted tells whether Ctrl-C was pressed; a read it cuts short ends the line.
void xe_le_init(const char *name, xe_completion_provider provider, int history_size, int (*is_interrupted)(void));
/// Reads an entry with editing; a malloc'ed UTF-8 string without the final newline (a pasted or
/// recalled entry may hold several lines), or NULL on end of input or when a signal interrupted
/// the read. While it waits, a window resize redraws the line at the new width and Ctrl-Z stops
/// xe with the terminal restored (the line is redrawn after `fg`).
char *xe_le_readline(const char *prompt);
/// Whether input is waiting to be read (within `milliseconds`): the rest of a paste.
int xe_le_input_pending(int milliseconds);
/// Adds an entry to the in-memory history.
void xe_le_add_history(const char *line);
/// Loads history from a file in libedit's format; 0 on success.
int xe_le_read_history(const char *path);
/// Appends one entry to the history file under an exclusive lock, creating the file (with
/// libedit's header) if missing; when the file holds over 2 × keep entries it is rewritten with
/// the newest `keep` (again under the lock). 0 on success, -1 with errno set.
int xe_le_append_history(const char *path, const char *line, int keep);
/// Frees a string returned by xe_le_readline.
void xe_le_free(void *p);
/// The terminal's width in columns (standard output, else standard input); 0 when unknown.
int xe_le_columns(void);

#endif
