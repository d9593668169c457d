#ifndef CLINEEDIT_H
#define CLINEEDIT_H
#include <stddef.h>

/// The completions for a word: a NULL-terminated array of malloc'ed strings, itself malloc'ed
/// (readline's convention: element 0 replaces the word; NULL for none).
typedef char **(*xe_completion_provider)(const char *word);

/// Sets up libedit: the application name, the word breaks, the completion provider and the
/// history size.
/// is_interrupted tells whether Ctrl-C was pressed; a read it cuts short ends the line.
void xe_le_init(const char *name, xe_completion_provider provider, int history_size, int (*is_interrupted)(void));
/// Reads a line with editing; a malloc'ed string without the newline, or NULL on end of
/// input or when a signal interrupted the read.
char *xe_le_readline(const char *prompt);
/// Adds a line to the in-memory history.
void xe_le_add_history(const char *line);
/// Loads history from a file; 0 on success.
int xe_le_read_history(const char *path);
/// Writes the whole history to a file; 0 on success.
int xe_le_write_history(const char *path);
/// Frees a string returned by xe_le_readline.
void xe_le_free(void *p);

#endif
