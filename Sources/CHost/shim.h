// Host interfaces Glibc does not bring into Swift: zlib, extended attributes, mounts, prctl,
// glibc's GNU-only spawn action that closes inherited descriptors, pseudoterminals, and setns.
#include <zlib.h>
#include <spawn.h>
#include <sys/xattr.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

// glibc declares setns only for GNU sources. With CLONE_NEWNET it moves the calling thread alone.
extern int setns(int fd, int nstype);
static const int plinth_clone_newnet = 0x40000000;

// zlib's inflateInit2 is a macro; Swift can call this function instead (15 + 32: gzip or zlib header).
static inline int plinth_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

// zlib-format streams, as SPDY's header blocks use (inflateInit and deflateInit are macros too).
static inline int plinth_inflate_init_zlib(z_stream *stream) {
    return inflateInit(stream);
}
static inline int plinth_deflate_init(z_stream *stream, int level) {
    return deflateInit(stream, level);
}

// glibc ≥ 2.34 (declared only under _GNU_SOURCE): close every descriptor from `from` up in the child.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// glibc declares these only for X/Open or GNU sources.
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern int ptsname_r(int fd, char *buf, size_t buflen);

// A new pseudoterminal: its master in *master and its opened slave in *slave (neither becomes
// the caller's controlling terminal; both close-on-exec); -1 with errno on failure.
static inline int plinth_open_pty(int *master, int *slave) {
    char name[128];
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return -1;
    if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
        int saved = errno;
        close(m);
        errno = saved;
        return -1;
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        int saved = errno;
        close(m);
        errno = saved;
        return -1;
    }
    // Raw, so the master's side sees exactly what the command's terminal shows (no echo of
    // input written before the command's runtime sets its own modes).
    struct termios modes;
    if (tcgetattr(s, &modes) == 0) {
        cfmakeraw(&modes);
        tcsetattr(s, TCSANOW, &modes);
    }
    *master = m;
    *slave = s;
    return 0;
}

// Sets a terminal's size in characters.
static inline int plinth_set_window_size(int fd, unsigned short columns, unsigned short rows) {
    struct winsize size = { .ws_row = rows, .ws_col = columns, .ws_xpixel = 0, .ws_ypixel = 0 };
    return ioctl(fd, TIOCSWINSZ, &size);
}
