#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

/// Starts a raw deflate stream (no zlib or gzip wrapper, as in a zip entry): `inflateInit2`
/// is a macro Swift cannot call.
static inline int xe_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

#endif
