// The system zlib (Debian: zlib1g-dev), for gzip and raw-DEFLATE decompression in
// NeuralNetworks' file loaders.
#ifndef KRONKIT_CZLIB_SHIM_H
#define KRONKIT_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro (it passes the header's version and struct size), which
/// Swift cannot call; this wraps it. `windowBits`: 15 + 16 for gzip, -15 for raw DEFLATE.
static inline int kronkit_inflate_init(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
