#include "CPTY.h"
#include <pty.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

pid_t xe_pty_spawn(const char *path, char *const argv[], char *const envp[], int *master) {
    struct winsize size = {40, 120, 0, 0};
    pid_t pid = forkpty(master, NULL, NULL, &size);
    if (pid == 0) {
        execve(path, argv, envp);
        _exit(127);
    }
    return pid;
}
