// Host interfaces Glibc does not bring into Swift: zlib, extended attributes, mounts, prctl.
#include <zlib.h>
#include <sys/xattr.h>
#include <sys/mount.h>
#include <sys/prctl.h>

// zlib's inflateInit2 is a macro; Swift can call this function instead (15 + 32: gzip or zlib header).
static inline int plinth_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
