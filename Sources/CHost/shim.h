// Host interfaces Glibc does not bring into Swift: zlib, extended attributes, mounts, prctl,
// and glibc's GNU-only spawn action that closes inherited descriptors.
#include <zlib.h>
#include <spawn.h>
#include <sys/xattr.h>
#include <sys/mount.h>
#include <sys/prctl.h>

// zlib's inflateInit2 is a macro; Swift can call this function instead (15 + 32: gzip or zlib header).
static inline int plinth_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

// glibc ≥ 2.34 (declared only under _GNU_SOURCE): close every descriptor from `from` up in the child.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
