/*
 * qnb-netfront: xenstore, over the xenbus device (the xs_wire.h protocol,
 * no libxenstore), and the dom0 rendezvous of --sync built on it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "xs.h"

static int xs_fd = -1;
static uint32_t xs_req_id;

/* All of @len bytes through the xenbus device, or false. */
static bool full_io(int fd, void *buf, size_t len, bool write_it)
{
    char *p = buf;

    while (len) {
        ssize_t n = write_it ? write(fd, p, len) : read(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool full_write(int fd, const void *buf, size_t len)
{
    return full_io(fd, (void *)buf, len, true);
}

static bool full_read(int fd, void *buf, size_t len)
{
    return full_io(fd, buf, len, false);
}

bool xs_open(void)
{
    static const char *const paths[] = {
        "/dev/xen/xenbus", "/proc/xen/xenbus",
    };
    unsigned int i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        xs_fd = open(paths[i], O_RDWR | O_CLOEXEC);
        if (xs_fd >= 0) {
            debug("xenstore through %s", paths[i]);
            return true;
        }
    }
    say("cannot open the xenbus device: %s", strerror(errno));
    return false;
}

static int xs_error_to_errno(const char *name)
{
    unsigned int i;

    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
        if (!strcmp(name, xsd_errors[i].errstring)) {
            return xsd_errors[i].errnum;
        }
    }
    return EIO;
}

/*
 * One request: @path (sent with its NUL), then @data of @len bytes.
 * Returns the reply, NUL-terminated and malloc'd, or NULL with errno.
 */
static char *xs_talk(uint32_t type, const char *path, const void *data,
                     size_t len, size_t *reply_len)
{
    struct xsd_sockmsg hdr = {
        .type = type, .req_id = ++xs_req_id, .tx_id = 0,
    };
    size_t plen = strlen(path) + 1;
    char *msg, *body;

    hdr.len = plen + len;
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    msg = malloc(sizeof(hdr) + hdr.len);
    memcpy(msg, &hdr, sizeof(hdr));
    memcpy(msg + sizeof(hdr), path, plen);
    if (len) {
        memcpy(msg + sizeof(hdr) + plen, data, len);
    }
    if (!full_write(xs_fd, msg, sizeof(hdr) + hdr.len)) {
        free(msg);
        errno = EIO;
        return NULL;
    }
    free(msg);

    for (;;) {
        struct xsd_sockmsg rep;

        if (!full_read(xs_fd, &rep, sizeof(rep))) {
            errno = EIO;
            return NULL;
        }
        body = malloc(rep.len + 1);
        if (!full_read(xs_fd, body, rep.len)) {
            free(body);
            errno = EIO;
            return NULL;
        }
        body[rep.len] = 0;
        if (rep.type == XS_WATCH_EVENT || rep.req_id != hdr.req_id) {
            free(body);     /* not ours: we set no watches */
            continue;
        }
        if (rep.type == XS_ERROR) {
            errno = xs_error_to_errno(body);
            free(body);
            return NULL;
        }
        if (reply_len) {
            *reply_len = rep.len;
        }
        return body;
    }
}

char *xs_read(const char *fmt, ...)
{
    char path[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_talk(XS_READ, path, NULL, 0, NULL);
}

int xs_read_int(const char *path, int dflt)
{
    char *v = xs_read("%s", path);
    int ret = dflt;

    if (v) {
        char *end;
        long l = strtol(v, &end, 10);

        if (end != v) {
            ret = (int)l;
        }
        free(v);
    }
    return ret;
}

bool xs_write(const char *path, const char *value)
{
    char *r = xs_talk(XS_WRITE, path, value, strlen(value), NULL);

    if (!r) {
        say("xenstore write %s=%s: %s", path, value, strerror(errno));
        return false;
    }
    free(r);
    return true;
}

bool xs_rm(const char *path)
{
    char *r = xs_talk(XS_RM, path, NULL, 0, NULL);

    if (!r) {
        if (errno == ENOENT) {
            return true;
        }
        say("xenstore rm %s: %s", path, strerror(errno));
        return false;
    }
    free(r);
    return true;
}

/* The smallest numeric entry of a directory, or -1. */
int xs_first_index(const char *path)
{
    size_t len, off;
    char *r = xs_talk(XS_DIRECTORY, path, NULL, 0, &len);
    int best = -1;

    if (!r) {
        return -1;
    }
    for (off = 0; off < len; off += strlen(r + off) + 1) {
        char *end;
        long l = strtol(r + off, &end, 10);

        if (end != r + off && !*end && (best < 0 || l < best)) {
            best = (int)l;
        }
    }
    free(r);
    return best;
}

/* ------------------------------------------------------------------ */
/* Dom0 rendezvous (--sync) */

/* sync_point(); @poll(@opaque), if any, runs while dom0 has not answered. */
static bool G_PRINTF(3, 0) sync_wait(void (*poll)(void *opaque), void *opaque,
                                     const char *fmt, va_list ap)
{
    static unsigned int seq;
    char what[200], value[256];
    int64_t deadline;

    if (!opt_sync) {
        return true;
    }
    vsnprintf(what, sizeof(what), fmt, ap);
    snprintf(value, sizeof(value), "%u %s", ++seq, what);
    if (!xs_write("data/qnb-sync", value)) {
        return false;
    }
    debug("sync: waiting for dom0 at '%s'", value);
    deadline = now_ms() + 240000;
    while (now_ms() < deadline) {
        char *ack = xs_read("data/qnb-ack");
        bool done = ack && !strcmp(ack, value);

        free(ack);
        if (done) {
            return true;
        }
        if (poll) {
            poll(opaque);
        } else {
            sleep_ms(100);
        }
    }
    say("sync: dom0 never acknowledged '%s'", value);
    return false;
}

bool sync_point(const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = sync_wait(NULL, NULL, fmt, ap);
    va_end(ap);
    return ok;
}

bool sync_point_poll(void (*poll)(void *opaque), void *opaque,
                     const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = sync_wait(poll, opaque, fmt, ap);
    va_end(ap);
    return ok;
}
