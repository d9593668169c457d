#ifndef XE_PLUGIN_H
#define XE_PLUGIN_H
/*
 * The native plugin ABI of xe: a C-level table of function pointers, like SQLite's loadable
 * extensions (sqlite3ext.h) and PostgreSQL's PG_MODULE_MAGIC. Only C types cross the boundary,
 * so xe and a plugin never share Swift type metadata (each may carry its own copy of any Swift
 * module).
 *
 * A plugin is a shared library that exports two functions with C linkage:
 *
 *   uint32_t xe_plugin_abi_version(void);   // the oldest ABI version of xe it works with
 *   int32_t  xe_plugin_init(const xe_host *host, char *error, size_t error_size);
 *
 * xe calls xe_plugin_abi_version first; only then does it call xe_plugin_init, which registers
 * the plugin's losses through host->register_loss and returns 0, or writes a message into error
 * (xe_plugin_write_error) and returns non-zero.
 *
 * Versions, as SQLite's: the tables only grow. A new version of xe appends members to the end
 * of xe_host (and of xe_loss_definition), never removes, reorders or retypes one, and raises
 * XE_PLUGIN_ABI_VERSION; each member below says in which version it came. So
 *
 *   - xe_plugin_abi_version returns the oldest version whose tables hold everything the plugin
 *     uses: XE_PLUGIN_ABI_VERSION, the version of the header it was built against, unless it
 *     checks for newer members before using them (XE_HOST_HAS), as the XEPlugin library does.
 *     xe loads a plugin whose version is from 1 to its own (so one built against an older
 *     header keeps loading) and refuses one that needs a newer xe, naming both versions.
 *   - struct_size says how much of a table its side filled in. A plugin reads a member of
 *     xe_host only if XE_HOST_HAS(host, member) (an older xe's table is shorter); xe reads of a
 *     loss definition only the struct_size bytes the plugin wrote, at least version 1's
 *     (xe_plugin_read_definition), and zeroes the members it knows beyond them.
 *
 * The error buffer: every function that can fail takes (char *error, size_t error_size) from
 * its caller; the callee writes a message with xe_plugin_write_error, the caller reads it with
 * xe_plugin_read_error. Both sides use these two functions, so the buffer is handled one way;
 * xe_plugin_check_host is the check a plugin's init starts with.
 *
 * A loss computes per-sample losses from targets y and predictions p (already broadcast to one
 * shape by xe, as float64 in C order) and numeric parameters; xe applies weight= and
 * reduction= itself. Everything a definition points to must stay valid while the process runs
 * (plugins are never unloaded).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this ABI: 1, the first; 2 added xe_host.interrupted. */
#define XE_PLUGIN_ABI_VERSION 2

/** The size of the error buffer xe passes to a plugin's functions. */
#define XE_PLUGIN_ERROR_SIZE 1024

/** One loss per element: out has rows * cols values. */
#define XE_LOSS_ELEMENTWISE 0
/** One loss per row (sample) of the last axis: out has rows values. */
#define XE_LOSS_ROWWISE 1

/** The data of one call. y and p have rows * cols elements, row-major. */
typedef struct xe_loss_call {
    const double *y;
    const double *p;
    int64_t rows;
    int64_t cols;
    /** The numeric parameters, in the order the definition declares them. */
    const double *parameters;
    int32_t parameter_count;
    /** The definition's context pointer. */
    void *context;
} xe_loss_call;

/**
 * Computes losses (forward) or their derivatives with respect to p (gradient) into out:
 * forward writes rows * cols values for an elementwise loss and rows for a row-wise one;
 * gradient writes rows * cols values, out[i] = d loss(sample of i) / d p[i].
 * Returns 0, or writes a message (at most error_size bytes, NUL-terminated) and returns non-zero.
 */
typedef int32_t (*xe_loss_fn)(const xe_loss_call *call, double *out, char *error, size_t error_size);

/** A numeric parameter with its default. */
typedef struct xe_loss_parameter {
    const char *name;
    double default_value;
    const char *summary;
} xe_loss_parameter;

/** A loss as a plugin registers it (every member since version 1). */
typedef struct xe_loss_definition {
    /** sizeof(xe_loss_definition) as the plugin was built: how many bytes of it xe may read. */
    uint32_t struct_size;
    /** XE_LOSS_ELEMENTWISE or XE_LOSS_ROWWISE. */
    int32_t kind;
    /** The name it is called by: letters, digits and underscores. */
    const char *name;
    /** One line for :losses. */
    const char *summary;
    /** The help text: formula, options, example. */
    const char *help;
    const xe_loss_parameter *parameters;
    int32_t parameter_count;
    xe_loss_fn forward;
    /** May be NULL: then grad refuses to differentiate the loss with a clear error. */
    xe_loss_fn gradient;
    void *context;
} xe_loss_definition;

/** Asks whether the user has pressed Ctrl-C: non-zero if so. */
typedef int32_t (*xe_interrupted_fn)(void);

/** What xe gives a plugin's init function. Append-only: see the versions above. */
typedef struct xe_host {
    /* ---- version 1 ---- */
    /** The ABI version xe speaks to this plugin: the one its xe_plugin_abi_version returned (at
     * most xe's own, whose later members are there all the same: XE_HOST_HAS). So a plugin of
     * version 1 that insists on a host of exactly version 1 (the XEPlugin library of version 1
     * did) keeps loading. */
    uint32_t abi_version;
    /** sizeof(xe_host) as xe was built: the members past it are absent (XE_HOST_HAS). */
    uint32_t struct_size;
    void *host_context;
    /** Registers a loss; 0 on success, else a message in error (a name clash, a bad name). */
    int32_t (*register_loss)(void *host_context, const xe_loss_definition *loss, char *error, size_t error_size);
    /* ---- version 2 ---- */
    /** Non-zero once the user has pressed Ctrl-C: a long forward or gradient may ask it now and
     * then and return non-zero at once (xe then reports "interrupted"). Valid while the
     * process runs, so a plugin may keep it. */
    xe_interrupted_fn interrupted;
} xe_host;

/** The sizes of version 1's tables, the least xe and a plugin accept from each other: where
 * the first member a later version appended starts (the whole definition: none yet). */
#define XE_HOST_SIZE_V1 offsetof(xe_host, interrupted)
#define XE_LOSS_DEFINITION_SIZE_V1 sizeof(xe_loss_definition)

/** Whether the host table holds `member` (xe may be older than the header). */
#define XE_HOST_HAS(host, member) \
    ((host)->struct_size >= offsetof(xe_host, member) + sizeof((host)->member))

typedef uint32_t (*xe_plugin_abi_version_fn)(void);
typedef int32_t (*xe_plugin_init_fn)(const xe_host *host, char *error, size_t error_size);

/** The ABI version this header describes. */
static inline uint32_t xe_plugin_header_abi_version(void) { return XE_PLUGIN_ABI_VERSION; }

/**
 * Writes message into the error buffer of error_size bytes, NUL-terminated and cut at a whole
 * UTF-8 character if it is longer; nothing if there is no buffer; "" for a NULL message.
 */
static inline void xe_plugin_write_error(char *error, size_t error_size, const char *message) {
    if (!error || error_size == 0) return;
    if (!message) message = "";
    size_t n = strlen(message);
    if (n >= error_size) {
        n = error_size - 1;
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--; /* not inside a character */
    }
    memcpy(error, message, n);
    error[n] = 0;
}

/** The message the other side wrote into an error buffer ("" if none), NUL-terminated even if it
 * overran. */
static inline const char *xe_plugin_read_error(char *error, size_t error_size) {
    if (!error || error_size == 0) return "";
    error[error_size - 1] = 0;
    return error;
}

/** The sizes of version 1's tables (XE_HOST_SIZE_V1, XE_LOSS_DEFINITION_SIZE_V1), for Swift. */
static inline uint32_t xe_host_size_v1(void) { return (uint32_t)XE_HOST_SIZE_V1; }
static inline uint32_t xe_loss_definition_size_v1(void) { return (uint32_t)XE_LOSS_DEFINITION_SIZE_V1; }

/**
 * What a plugin's init checks first: that xe gave it a host table of at least ABI version
 * `needed` (what the plugin's xe_plugin_abi_version returns) and at least version 1's size.
 * Returns 0, or -1 with a message naming both versions (or both sizes) in error.
 */
static inline int32_t xe_plugin_check_host(const xe_host *host, uint32_t needed, char *error, size_t error_size) {
    char message[200];
    if (!host || !host->register_loss) {
        snprintf(message, sizeof message, "xe gave this plugin no host table");
    } else if (host->abi_version < needed) {
        snprintf(message, sizeof message, "this plugin needs xe plugin ABI version %u or later, but this xe has version %u; update xe",
                 (unsigned)needed, (unsigned)host->abi_version);
    } else if (host->struct_size < XE_HOST_SIZE_V1) {
        snprintf(message, sizeof message, "xe's host table is %u bytes, less than the %u bytes of plugin ABI version 1",
                 (unsigned)host->struct_size, (unsigned)XE_HOST_SIZE_V1);
    } else {
        return 0;
    }
    xe_plugin_write_error(error, error_size, message);
    return -1;
}

/** host->interrupted when the host table has it (ABI version 2 on), else NULL. */
static inline xe_interrupted_fn xe_plugin_interrupted(const xe_host *host) {
    return XE_HOST_HAS(host, interrupted) ? host->interrupted : NULL;
}

/**
 * Copies the loss definition a plugin registered into *out as this header knows it: the
 * struct_size bytes the plugin wrote, the members past them zero. Returns 0, or -1 (out
 * untouched) when struct_size is smaller than version 1's definition.
 */
static inline int32_t xe_plugin_read_definition(const xe_loss_definition *loss, xe_loss_definition *out) {
    uint32_t size;
    memcpy(&size, loss, sizeof size);
    if (size < XE_LOSS_DEFINITION_SIZE_V1) return -1;
    memset(out, 0, sizeof *out);
    memcpy(out, loss, size < sizeof *out ? size : sizeof *out);
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif
