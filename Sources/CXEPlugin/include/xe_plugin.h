#ifndef XE_PLUGIN_H
#define XE_PLUGIN_H
/*
 * The native plugin ABI of xe: a C-level table of function pointers, like SQLite's loadable
 * extensions and PostgreSQL's PG_MODULE_MAGIC. Only C types cross the boundary, so xe and a
 * plugin never share Swift type metadata (each may carry its own copy of any Swift module).
 *
 * A plugin is a shared library that exports two functions with C linkage:
 *
 *   uint32_t xe_plugin_abi_version(void);   // must return XE_PLUGIN_ABI_VERSION
 *   int32_t  xe_plugin_init(const xe_host *host, char *error, size_t error_size);
 *
 * xe calls xe_plugin_abi_version first and refuses the plugin if the number differs from its
 * own; only then does it call xe_plugin_init, which registers the plugin's losses through
 * host->register_loss and returns 0, or writes a message into error and returns non-zero.
 *
 * A loss computes per-sample losses from targets y and predictions p (already broadcast to one
 * shape by xe, as float64 in C order) and numeric parameters; xe applies weight= and
 * reduction= itself. Everything a definition points to must stay valid while the process runs
 * (plugins are never unloaded).
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this ABI; a plugin built against another version is refused. */
#define XE_PLUGIN_ABI_VERSION 1

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

/** A loss as a plugin registers it. */
typedef struct xe_loss_definition {
    /** sizeof(xe_loss_definition), for later extension. */
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

/** What xe gives a plugin's init function. */
typedef struct xe_host {
    uint32_t abi_version;
    uint32_t struct_size;
    void *host_context;
    /** Registers a loss; 0 on success, else a message in error (a name clash, a bad name). */
    int32_t (*register_loss)(void *host_context, const xe_loss_definition *loss, char *error, size_t error_size);
} xe_host;

typedef uint32_t (*xe_plugin_abi_version_fn)(void);
typedef int32_t (*xe_plugin_init_fn)(const xe_host *host, char *error, size_t error_size);

/** The ABI version this header describes. */
static inline uint32_t xe_plugin_header_abi_version(void) { return XE_PLUGIN_ABI_VERSION; }

#ifdef __cplusplus
}
#endif
#endif
