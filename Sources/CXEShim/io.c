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

int xe_terminal_rows(int fd) {
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_row > 0) return w.ws_row;
    return 0;
}

#include <sys/mman.h>

void xe_advise_huge_pages(void *start, size_t bytes) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = 2u << 20;
    uintptr_t lo = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)start + bytes) & ~(huge - 1);
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
}

#include <malloc.h>

enum {
    KEPT_FREE = 1 << 30,    /* the most freed memory malloc keeps for reuse */
    LOOK_EVERY = 1 << 28,   /* large allocations between two looks at malloc's free memory */
};
static int tuned;

void xe_tune_allocator(void) {
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, KEPT_FREE);
    tuned = 1;
}

void xe_bound_allocator_cache(size_t bytes) {
    /* Memory freed since the last trim is counted as kept (what the last trim released and was
     * not reused since is in fordblks too, but holds no pages). mallinfo2 walks every free
     * chunk (10 ms for 50000 of them), so it is asked once per LOOK_EVERY bytes allocated, not
     * for every large array. */
    static size_t after_trim, allocated;
    if (!tuned || __atomic_add_fetch(&allocated, bytes, __ATOMIC_RELAXED) < LOOK_EVERY) return;
    __atomic_store_n(&allocated, 0, __ATOMIC_RELAXED);
    size_t free_now = mallinfo2().fordblks, last = __atomic_load_n(&after_trim, __ATOMIC_RELAXED);
    if (free_now < last) {
        __atomic_store_n(&after_trim, free_now, __ATOMIC_RELAXED);
    } else if (free_now - last > KEPT_FREE) {
        malloc_trim(0);
        __atomic_store_n(&after_trim, free_now, __ATOMIC_RELAXED);
    }
}
