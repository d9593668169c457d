/* Test plugins written in C against xe_plugin.h, each broken in one way chosen by MODE:
 *   1  exports no entry points at all
 *   2  needs a newer xe: reports ABI version 999
 *   3  has xe_plugin_abi_version but no xe_plugin_init
 *   4  xe_plugin_init fails with a message
 *   5  registers a loss named "bce", which collides with the built-in
 *   6  works: "sq" (elementwise (p-y)^2, no gradient) and "rowsq" (row-wise Σ(p-y)^2, with gradient)
 *   7  its forward function reports an error
 *   8  as 6, but sq's forward leaves the last element of its output unwritten
 *   9  as 6, but rowsq's gradient leaves the first element of its output unwritten
 *  10  as 6, but registers only sq (a later build that dropped rowsq)
 *  11  as 6, but an older plugin: reports ABI version 1 and uses only version 1's members
 *  12  as 6, but sq's definition says it is 8 bytes (struct_size wrong)
 *  13  as 6, but sq's forward waits for Ctrl-C (xe_host.interrupted, version 2) and gives up then
 *  14  as 11, but its init refuses a host whose abi_version is not exactly 1, as a plugin built
 *      on the XEPlugin library of version 1 does
 *  15  as 11, but sq's forward takes a second first (and, of version 1, never asks for Ctrl-C)
 *  16  reports ABI version 0, which no xe has
 * OFFSET (default 0) is added to every loss sq computes: two builds that differ only in it
 * tell which one is loaded.
 */
#include <unistd.h>
#include "xe_plugin.h"

#ifndef OFFSET
#define OFFSET 0
#endif

#if MODE != 1
uint32_t xe_plugin_abi_version(void) {
    switch (MODE) {
    case 2: return 999;
    case 16: return 0;
    case 11: case 14: case 15: return 1;
    default: return XE_PLUGIN_ABI_VERSION;
    }
}
#endif

static xe_interrupted_fn interrupted;

static int32_t square(const xe_loss_call *c, double *out, char *error, size_t size) {
    if (MODE == 7) { xe_plugin_write_error(error, size, "the forward function is broken on purpose"); return 1; }
    if (MODE == 13) {
        for (int i = 0; i < 1000 && !interrupted(); i++) usleep(10000);
        xe_plugin_write_error(error, size, "stopped");
        return 1;
    }
    if (MODE == 15) sleep(1);
    int64_t n = c->rows * c->cols;
    for (int64_t i = 0; i < (MODE == 8 ? n - 1 : n); i++) { double d = c->p[i] - c->y[i]; out[i] = c->parameters[0] * d * d + OFFSET; }
    return 0;
}

static int32_t rowsquare(const xe_loss_call *c, double *out, char *error, size_t size) {
    for (int64_t r = 0; r < c->rows; r++) {
        double s = 0;
        for (int64_t k = 0; k < c->cols; k++) { double d = c->p[r * c->cols + k] - c->y[r * c->cols + k]; s += d * d; }
        out[r] = s;
    }
    return 0;
}

static int32_t rowsquare_gradient(const xe_loss_call *c, double *out, char *error, size_t size) {
    for (int64_t i = MODE == 9 ? 1 : 0; i < c->rows * c->cols; i++) out[i] = 2 * (c->p[i] - c->y[i]);
    return 0;
}

#if MODE != 1 && MODE != 3
int32_t xe_plugin_init(const xe_host *host, char *error, size_t size) {
    if (xe_plugin_check_host(host, xe_plugin_abi_version(), error, size) != 0) return 1;
    if (MODE == 14 && host->abi_version != 1) { xe_plugin_write_error(error, size, "this plugin was built for xe plugin ABI 1"); return 1; }
    if (MODE == 4) { xe_plugin_write_error(error, size, "no licence key found"); return 3; }
    if (MODE == 13 && !(interrupted = xe_plugin_interrupted(host))) return 1;
    static const xe_loss_parameter scale = {"scale", 1.0, "multiplies the loss"};
    xe_loss_definition sq = {MODE == 12 ? 8 : sizeof(xe_loss_definition), XE_LOSS_ELEMENTWISE, MODE == 5 ? "bce" : "sq",
        "squared error, no gradient", "(p - y)^2 times scale", &scale, 1, square, NULL, NULL};
    int32_t status = host->register_loss(host->host_context, &sq, error, size);
    if (status != 0 || MODE == 10) return status;
    xe_loss_definition rowsq = {sizeof(xe_loss_definition), XE_LOSS_ROWWISE, "rowsq",
        "row-wise squared error", "sum over the last axis of (p - y)^2", NULL, 0, rowsquare, rowsquare_gradient, NULL};
    return host->register_loss(host->host_context, &rowsq, error, size);
}
#endif
