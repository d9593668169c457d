#include "CXEShim.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number of bytes from a file holding one number ("max" and unreadable files give -1). */
static int64_t read_bytes(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char text[64] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    if (n == 0 || strncmp(text, "max", 3) == 0) return -1;
    char *end;
    long long v = strtoll(text, &end, 10);
    return end == text || v < 0 ? -1 : (int64_t)v;
}

int64_t xe_available_memory(void) {
    int64_t available = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            long long kib;
            if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1) {
                available = (int64_t)kib * 1024;
                break;
            }
        }
        fclose(f);
    }
    /* A cgroup (v2) limit, as in a container, may be tighter than the machine. */
    int64_t limit = read_bytes("/sys/fs/cgroup/memory.max");
    int64_t used = read_bytes("/sys/fs/cgroup/memory.current");
    if (limit >= 0 && used >= 0) {
        int64_t room = limit > used ? limit - used : 0;
        if (available < 0 || room < available) available = room;
    }
    if (available < 0) return -1;
    /* Memory that malloc keeps free for reuse is ours to use again. */
    struct mallinfo2 info = mallinfo2();
    return available + (int64_t)info.fordblks;
}
