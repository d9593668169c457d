#ifndef CPTY_H
#define CPTY_H
#include <sys/types.h>

/// Starts path with argv and envp on a new pseudo-terminal (its controlling terminal); the
/// master side's descriptor is stored in *master. Returns the child's pid, or -1.
pid_t xe_pty_spawn(const char *path, char *const argv[], char *const envp[], int *master);

#endif
