/*
 * qnb-netfront: a userspace Xen netfront for the test bed.
 *
 * It runs inside a PV domU and speaks to the real hypervisor: xenstore over
 * the xenbus device (the xs_wire.h protocol, no libxenstore), grants with
 * /dev/xen/gntalloc, event channels with /dev/xen/evtchn.  It connects to
 * its vif like Linux netfront does, then plays one or more cases: a
 * well-behaved one ("good") and the hostile-frontend classes of
 * docs/DESIGN "Bad input".  Each case connects, sends a good packet, does
 * its thing, checks how the backend reacted, and disconnects, so the next
 * case reconnects on the same vif (the first one, or --vif N, or N for a
 * case given as NAME@N).  One line per case:
 *
 *     qnb-netfront: case NAME: PASS (vif N; details)
 *     qnb-netfront: case NAME: FAIL (vif N; details)
 *
 * and "qnb-netfront: done: N passed, M failed"; the exit status is non-zero
 * when a case failed.  On disconnect it checks that the kernel could take
 * back every grant (Linux netfront's "grant still in use by backend").
 * With --sync, the program meets dom0 at points named
 * in the guest's data/qnb-sync node (dom0 answers in data/qnb-ack), so the
 * test bed can check the backend, send traffic and exercise other guests
 * between cases.
 *
 * Built static and without sanitizers: it is copied into a busybox guest.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* ring.h wants the barriers of the including environment. */
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#include <xen/io/netif.h>
#include <xen/io/xs_wire.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>

#define G_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define PAGE_SIZE       4096u
#define TX_POOL         64      /* TX data pages */
#define RX_POOL         64      /* RX buffers */
#define UDP_SPORT       7008
#define UDP_DPORT       7009    /* dom0's listener */
#define BAD_GREF        0xfff0u /* never granted: beyond any v1 table */

enum {
    XB_UNKNOWN, XB_INITIALISING, XB_INITWAIT, XB_INITIALISED, XB_CONNECTED,
    XB_CLOSING, XB_CLOSED,
};

/* ------------------------------------------------------------------ */
/* Options and output */

static bool opt_sync;
static bool opt_verbose;
static int opt_vif = -1;
static unsigned int opt_count = 20;
static struct in_addr opt_ip, opt_peer;


static void G_PRINTF(1, 2) say(const char *fmt, ...)
{
    va_list ap;

    fputs("qnb-netfront: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

#define debug(...) do { if (opt_verbose) { say(__VA_ARGS__); } } while (0)

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

/* A case's running description, returned in its result line. */
typedef struct Detail {
    char text[1024];
    size_t len;
} Detail;

static void G_PRINTF(2, 3) note(Detail *d, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (d->len >= sizeof(d->text) - 1) {
        return;
    }
    if (d->len) {
        d->text[d->len++] = ';';
        d->text[d->len++] = ' ';
        d->text[d->len] = 0;
    }
    va_start(ap, fmt);
    n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        d->len += (size_t)n;
        if (d->len > sizeof(d->text) - 1) {
            d->len = sizeof(d->text) - 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Xenstore, over the xenbus device */

static int xs_fd = -1;
static uint32_t xs_req_id;

static bool full_write(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

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

static bool full_read(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

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

static bool xs_open(void)
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

static char *G_PRINTF(1, 2) xs_read(const char *fmt, ...)
{
    char path[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_talk(XS_READ, path, NULL, 0, NULL);
}

static int xs_read_int(const char *path, int dflt)
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

static bool xs_write(const char *path, const char *value)
{
    char *r = xs_talk(XS_WRITE, path, value, strlen(value), NULL);

    if (!r) {
        say("xenstore write %s=%s: %s", path, value, strerror(errno));
        return false;
    }
    free(r);
    return true;
}

/* The smallest numeric entry of a directory, or -1. */
static int xs_first_index(const char *path)
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

static bool sync_point(const char *fmt, ...) G_PRINTF(1, 2);

static bool sync_point(const char *fmt, ...)
{
    static unsigned int seq;
    char what[200], value[256];
    int64_t deadline;
    va_list ap;

    if (!opt_sync) {
        return true;
    }
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
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
        sleep_ms(100);
    }
    say("sync: dom0 never acknowledged '%s'", value);
    return false;
}

/* ------------------------------------------------------------------ */
/* Grants, with gntalloc */

static int gnt_fd = -1;

typedef struct Grants {
    unsigned int count;
    uint64_t index;
    uint32_t *refs;
    uint8_t *addr;
} Grants;

static bool grants_alloc(Grants *g, uint16_t domid, unsigned int count,
                         bool writable)
{
    size_t size = sizeof(struct ioctl_gntalloc_alloc_gref) +
                  (count - 1) * sizeof(uint32_t);
    struct ioctl_gntalloc_alloc_gref *op = calloc(1, size);

    op->domid = domid;
    op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
    op->count = count;
    if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, op) < 0) {
        say("gntalloc: cannot grant %u pages: %s", count, strerror(errno));
        free(op);
        return false;
    }
    g->count = count;
    g->index = op->index;
    g->refs = malloc(count * sizeof(uint32_t));
    memcpy(g->refs, op->gref_ids, count * sizeof(uint32_t));
    free(op);
    g->addr = mmap(NULL, (size_t)count * PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED, gnt_fd, (off_t)g->index);
    if (g->addr == MAP_FAILED) {
        struct ioctl_gntalloc_dealloc_gref d = { g->index, count };

        say("gntalloc: cannot map %u pages: %s", count, strerror(errno));
        ioctl(gnt_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
        free(g->refs);
        g->refs = NULL;
        g->addr = NULL;
        return false;
    }
    memset(g->addr, 0, (size_t)count * PAGE_SIZE);
    return true;
}

static void *grants_page(Grants *g, unsigned int i)
{
    return g->addr + (size_t)i * PAGE_SIZE;
}

static bool grants_free(Grants *g)
{
    struct ioctl_gntalloc_dealloc_gref d = { g->index, g->count };
    bool ok = true;

    if (!g->addr) {
        return true;
    }
    munmap(g->addr, (size_t)g->count * PAGE_SIZE);
    if (ioctl(gnt_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d) < 0) {
        say("gntalloc: cannot release %u pages: %s", g->count,
            strerror(errno));
        ok = false;
    }
    g->addr = NULL;
    return ok;
}

/*
 * Whether the backend still maps a grant when we give it up.  gntalloc's
 * release ends foreign access; when the remote domain still maps the page
 * the kernel cannot, and puts the grant on its deferred list ("deferring
 * g.e. 0x..", a pr_debug since Linux 6.1.4x, a printk before) or leaks it
 * ("leaking g.e."); that is netfront's "grant still in use by backend".
 * We turn the pr_debug on with dynamic debug and read the kernel log.
 */
static bool kmsg_usable;
static int kmsg_fd = -1;

static void leak_check_init(void)
{
    static const char *const controls[] = {
        "/proc/dynamic_debug/control",
        "/sys/kernel/debug/dynamic_debug/control",
    };
    static const char query[] = "file grant-table.c +p";
    unsigned int i;

    mkdir("/sys/kernel/debug", 0755);
    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
    for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
        int fd = open(controls[i], O_WRONLY);

        if (fd < 0) {
            continue;
        }
        if (write(fd, query, sizeof(query) - 1) == sizeof(query) - 1) {
            close(fd);
            kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            kmsg_usable = kmsg_fd >= 0;
            break;
        }
        close(fd);
    }
    say("grant release check: %s", kmsg_usable ?
        "on (dynamic debug of grant-table.c, /dev/kmsg)" :
        "UNAVAILABLE (no dynamic debug control or /dev/kmsg)");
}

static void leak_check_mark(void)
{
    if (kmsg_usable) {
        lseek(kmsg_fd, 0, SEEK_END);
    }
}

static bool ref_is_ours(uint32_t ref, Grants *const *gs, unsigned int nr)
{
    unsigned int i, j;

    for (i = 0; i < nr; i++) {
        for (j = 0; gs[i]->refs && j < gs[i]->count; j++) {
            if (gs[i]->refs[j] == ref) {
                return true;
            }
        }
    }
    return false;
}

/* How many of the grants in @gs the kernel could not take back. */
static int leak_check_count(Grants *const *gs, unsigned int nr)
{
    char rec[1024];
    int leaked = 0;

    if (!kmsg_usable) {
        return 0;
    }
    for (;;) {
        ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
        const char *p;
        unsigned int ref;

        if (n < 0 && errno == EPIPE) {
            continue;   /* overwritten records: go on */
        }
        if (n <= 0) {
            break;
        }
        rec[n] = 0;
        p = strstr(rec, "g.e. 0x");
        if (!p || (!strstr(rec, "deferring") && !strstr(rec, "leaking"))) {
            continue;
        }
        if (sscanf(p, "g.e. %x", &ref) == 1 && ref_is_ours(ref, gs, nr)) {
            leaked++;
            debug("kernel: %s", rec);
        }
    }
    return leaked;
}

/* ------------------------------------------------------------------ */
/* Event channels */

static int evtchn_bind(int fd, unsigned int remote)
{
    struct ioctl_evtchn_bind_unbound_port op = { .remote_domain = remote };

    return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &op);
}

static void evtchn_notify(int fd, int port)
{
    struct ioctl_evtchn_notify op = { .port = (unsigned int)port };

    ioctl(fd, IOCTL_EVTCHN_NOTIFY, &op);
}

/* Consume pending events and unmask their ports; we poll the rings. */
static void evtchn_drain(int fd)
{
    uint32_t ports[32];
    ssize_t n;

    while ((n = read(fd, ports, sizeof(ports))) > 0) {
        if (write(fd, ports, (size_t)n) < 0) {
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* The vif */

typedef struct Vif {
    int index;
    char fe[64];                /* device/vif/N, relative to our domain */
    char be[256];
    uint16_t backend_id;
    uint8_t mac[6];

    Grants rings;               /* page 0: TX ring, page 1: RX ring */
    Grants txbuf;
    Grants rxbuf;
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    int evtchn_fd;
    int port;
    unsigned int tx_next_page;
    bool connected;
} Vif;

static bool fe_printf(Vif *v, const char *key, const char *fmt, ...)
    G_PRINTF(3, 4);

static bool fe_printf(Vif *v, const char *key, const char *fmt, ...)
{
    char path[128], value[128];
    va_list ap;

    snprintf(path, sizeof(path), "%s/%s", v->fe, key);
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xs_write(path, value);
}

static int be_state(Vif *v)
{
    char path[300];

    snprintf(path, sizeof(path), "%s/state", v->be);
    return xs_read_int(path, -1);
}

static char *be_error(Vif *v)
{
    return xs_read("%s/error", v->be);
}

/* Wait until the backend is in @want; false (with the state seen) if not. */
static bool be_wait(Vif *v, int want, unsigned int ms, int *seen)
{
    int64_t deadline = now_ms() + ms;
    int st;

    for (;;) {
        st = be_state(v);
        if (st == want || now_ms() >= deadline) {
            break;
        }
        sleep_ms(20);
    }
    if (seen) {
        *seen = st;
    }
    return st == want;
}

static bool vif_find(Vif *v, int index)
{
    char *s;
    unsigned int m[6];

    v->index = index >= 0 ? index : xs_first_index("device/vif");
    if (v->index < 0) {
        say("no vif under device/vif");
        return false;
    }
    snprintf(v->fe, sizeof(v->fe), "device/vif/%d", v->index);
    s = xs_read("%s/backend", v->fe);
    if (!s) {
        say("%s/backend: %s", v->fe, strerror(errno));
        return false;
    }
    snprintf(v->be, sizeof(v->be), "%s", s);
    free(s);
    {
        char path[128];

        snprintf(path, sizeof(path), "%s/backend-id", v->fe);
        v->backend_id = (uint16_t)xs_read_int(path, 0);
    }
    s = xs_read("%s/mac", v->fe);
    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                     &m[4], &m[5]) != 6) {
        say("%s/mac is missing or bad", v->fe);
        free(s);
        return false;
    }
    free(s);
    for (int i = 0; i < 6; i++) {
        v->mac[i] = (uint8_t)m[i];
    }
    say("vif %d: backend %s (domain %u), mac %02x:%02x:%02x:%02x:%02x:%02x",
        v->index, v->be, v->backend_id, v->mac[0], v->mac[1], v->mac[2],
        v->mac[3], v->mac[4], v->mac[5]);
    return true;
}

static void vif_release(Vif *v, int *leaked)
{
    Grants *all[] = { &v->rings, &v->txbuf, &v->rxbuf };

    if (v->evtchn_fd >= 0) {
        close(v->evtchn_fd);    /* unbinds the port */
        v->evtchn_fd = -1;
    }
    leak_check_mark();
    grants_free(&v->rings);
    grants_free(&v->txbuf);
    grants_free(&v->rxbuf);
    if (leaked) {
        /* The kernel logs synchronously, in the release ioctl. */
        *leaked = leak_check_count(all, 3);
    }
    free(v->rings.refs);
    free(v->txbuf.refs);
    free(v->rxbuf.refs);
    v->rings.refs = v->txbuf.refs = v->rxbuf.refs = NULL;
}

/* Allocate rings and buffers, write our keys, go Connected. */
static bool vif_connect(Vif *v, Detail *d)
{
    int st;
    char *err;

    if (!be_wait(v, XB_INITWAIT, 30000, &st)) {
        note(d, "backend in state %d, not InitWait", st);
        return false;
    }
    v->evtchn_fd = -1;
    if (!grants_alloc(&v->rings, v->backend_id, 2, true) ||
        !grants_alloc(&v->txbuf, v->backend_id, TX_POOL, false) ||
        !grants_alloc(&v->rxbuf, v->backend_id, RX_POOL, true)) {
        note(d, "cannot grant pages");
        vif_release(v, NULL);
        return false;
    }
    {
        netif_tx_sring_t *txs = grants_page(&v->rings, 0);
        netif_rx_sring_t *rxs = grants_page(&v->rings, 1);

        SHARED_RING_INIT(txs);
        SHARED_RING_INIT(rxs);
        FRONT_RING_INIT(&v->tx, txs, PAGE_SIZE);
        FRONT_RING_INIT(&v->rx, rxs, PAGE_SIZE);
    }
    v->tx_next_page = 0;
    v->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (v->evtchn_fd < 0) {
        note(d, "/dev/xen/evtchn: %s", strerror(errno));
        vif_release(v, NULL);
        return false;
    }
    v->port = evtchn_bind(v->evtchn_fd, v->backend_id);
    if (v->port < 0) {
        note(d, "cannot bind an event channel: %s", strerror(errno));
        vif_release(v, NULL);
        return false;
    }

    if (!fe_printf(v, "tx-ring-ref", "%u", v->rings.refs[0]) ||
        !fe_printf(v, "rx-ring-ref", "%u", v->rings.refs[1]) ||
        !fe_printf(v, "event-channel", "%d", v->port) ||
        !fe_printf(v, "request-rx-copy", "1") ||
        !fe_printf(v, "feature-rx-notify", "1") ||
        !fe_printf(v, "feature-sg", "1") ||
        !fe_printf(v, "feature-gso-tcpv4", "0") ||
        !fe_printf(v, "feature-gso-tcpv6", "0") ||
        !fe_printf(v, "state", "%d", XB_CONNECTED)) {
        note(d, "cannot write the frontend's keys");
        vif_release(v, NULL);
        return false;
    }
    if (!be_wait(v, XB_CONNECTED, 20000, &st)) {
        err = be_error(v);
        note(d, "backend went to state %d, not Connected (error: %s)", st,
             err ? err : "none");
        free(err);
        return false;   /* the caller closes */
    }
    v->connected = true;
    debug("connected: tx-ring-ref %u rx-ring-ref %u port %d",
          v->rings.refs[0], v->rings.refs[1], v->port);
    return true;
}

/*
 * Disconnect like netfront: Closing, Closed, give the grants back (and
 * check the backend let go of every one), then Initialising so the
 * backend goes back to InitWait for the next case.
 */
static bool vif_close(Vif *v, Detail *d)
{
    bool ok = true;
    int st, leaked = 0;

    st = be_state(v);
    if (st == XB_CONNECTED || st == XB_INITWAIT) {
        fe_printf(v, "state", "%d", XB_CLOSING);
        if (!be_wait(v, XB_CLOSING, 10000, &st) && st != XB_CLOSED) {
            note(d, "close: backend in %d, not Closing", st);
            ok = false;
        }
    }
    fe_printf(v, "state", "%d", XB_CLOSED);
    if (!be_wait(v, XB_CLOSED, 10000, &st)) {
        note(d, "close: backend in %d, not Closed", st);
        ok = false;
    }
    vif_release(v, &leaked);
    v->connected = false;
    if (leaked) {
        note(d, "%d grant(s) still in use by backend domain after Closed",
             leaked);
        ok = false;
    }
    fe_printf(v, "state", "%d", XB_INITIALISING);
    if (!be_wait(v, XB_INITWAIT, 10000, &st)) {
        note(d, "reinit: backend in %d, not InitWait", st);
        ok = false;
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Packets */

static uint16_t ip_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/*
 * A broadcast Ethernet frame with a UDP datagram from our address to dom0's
 * listener, carrying @text padded to @plen bytes.  With @partial, the UDP
 * checksum holds the pseudo-header sum, for NETTXF_csum_blank.
 */
static size_t build_udp(uint8_t *f, const Vif *v, const char *text,
                        size_t plen, bool partial)
{
    size_t tlen = strlen(text), ulen, iplen;
    uint8_t *ip = f + 14, *udp = ip + 20;
    uint32_t sum;

    if (plen < tlen) {
        plen = tlen;
    }
    ulen = 8 + plen;
    iplen = 20 + ulen;
    memset(f, 0xff, 6);
    memcpy(f + 6, v->mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;

    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(iplen >> 8);
    ip[3] = (uint8_t)iplen;
    ip[6] = 0x40;               /* DF */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, &opt_ip, 4);
    memcpy(ip + 16, &opt_peer, 4);
    sum = ip_csum(ip, 20, 0);
    ip[10] = (uint8_t)(~sum >> 8);
    ip[11] = (uint8_t)~sum;

    udp[0] = UDP_SPORT >> 8;
    udp[1] = UDP_SPORT & 0xff;
    udp[2] = UDP_DPORT >> 8;
    udp[3] = UDP_DPORT & 0xff;
    udp[4] = (uint8_t)(ulen >> 8);
    udp[5] = (uint8_t)ulen;
    udp[6] = udp[7] = 0;
    memcpy(udp + 8, text, tlen);
    memset(udp + 8 + tlen, '.', plen - tlen);
    if (plen > tlen) {
        udp[8 + plen - 1] = '\n';
    }
    if (partial) {
        /* ~csum_tcpudp_magic(): the folded pseudo-header, not inverted. */
        sum = ip_csum(ip + 12, 8, 17 + (uint32_t)ulen);
        udp[6] = (uint8_t)(sum >> 8);
        udp[7] = (uint8_t)sum;
    }
    return 14 + iplen;
}

static unsigned int tx_page(Vif *v)
{
    unsigned int p = v->tx_next_page;

    v->tx_next_page = (v->tx_next_page + 1) % TX_POOL;
    return p;
}

static void tx_put(Vif *v, const netif_tx_request_t *req)
{
    netif_tx_request_t *r = RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt);

    *r = *req;
    r->id = (uint16_t)(v->tx.req_prod_pvt % RING_SIZE(&v->tx));
    v->tx.req_prod_pvt++;
}

static void tx_push(Vif *v)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->tx, notify);
    (void)notify;
    evtchn_notify(v->evtchn_fd, v->port);   /* always: we are the test */
}

/*
 * Queue a frame as slots of the given data sizes (sizes[0] is the first
 * slot's own data; its request carries the total).  Each slot gets its own
 * page, data at @offset.  Returns the number of requests queued.
 */
static unsigned int tx_queue_layout(Vif *v, const uint8_t *frame, size_t len,
                                    const unsigned int *sizes,
                                    unsigned int nr, uint16_t flags0,
                                    unsigned int offset)
{
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < nr; i++) {
        unsigned int page = tx_page(v);
        netif_tx_request_t req = {
            .gref = v->txbuf.refs[page],
            .offset = (uint16_t)offset,
            .size = (uint16_t)(i == 0 ? len : sizes[i]),
            .flags = (uint16_t)((i == 0 ? flags0 : 0) |
                                (i + 1 < nr ? NETTXF_more_data : 0)),
        };

        memcpy((uint8_t *)grants_page(&v->txbuf, page) + offset,
               frame + off, sizes[i]);
        off += sizes[i];
        tx_put(v, &req);
    }
    return nr;
}

static unsigned int tx_queue_frame(Vif *v, const uint8_t *frame, size_t len)
{
    unsigned int size = (unsigned int)len;

    return tx_queue_layout(v, frame, len, &size, 1, 0, 0);
}

/*
 * Wait for @nr responses (all outstanding if 0) and store their statuses.
 * Returns how many came.
 */
static unsigned int tx_collect(Vif *v, unsigned int nr, int16_t *status,
                               unsigned int ms)
{
    int64_t deadline = now_ms() + ms;
    unsigned int got = 0;

    if (!nr) {
        nr = v->tx.req_prod_pvt - v->tx.rsp_cons;
    }
    while (got < nr) {
        RING_IDX rp = v->tx.sring->rsp_prod;

        rmb();
        while (v->tx.rsp_cons != rp && got < nr) {
            netif_tx_response_t *r = RING_GET_RESPONSE(&v->tx,
                                                       v->tx.rsp_cons);
            if (status) {
                status[got] = r->status;
            }
            got++;
            v->tx.rsp_cons++;
        }
        if (got == nr || now_ms() >= deadline) {
            break;
        }
        evtchn_drain(v->evtchn_fd);
        sleep_ms(1);
    }
    return got;
}

static const char *rsp_name(int16_t st)
{
    switch (st) {
    case NETIF_RSP_OKAY: return "OKAY";
    case NETIF_RSP_ERROR: return "ERROR";
    case NETIF_RSP_DROPPED: return "DROPPED";
    case NETIF_RSP_NULL: return "NULL";
    default: return "?";
    }
}

static unsigned int pkt_seq;

/* One single-slot UDP packet; its response status, or -100 on timeout. */
static int send_good(Vif *v, const char *tag)
{
    uint8_t frame[256];
    char text[96];
    int16_t st;
    size_t len;

    snprintf(text, sizeof(text), "qnb-netfront %s %u", tag, ++pkt_seq);
    len = build_udp(frame, v, text, 64, false);
    tx_queue_frame(v, frame, len);
    tx_push(v);
    if (tx_collect(v, 1, &st, 5000) != 1) {
        return -100;
    }
    return st;
}

/* ---- RX ---- */

static void rx_post(Vif *v, unsigned int nr)
{
    unsigned int i;
    int notify;

    for (i = 0; i < nr; i++) {
        netif_rx_request_t *r = RING_GET_REQUEST(&v->rx, v->rx.req_prod_pvt);
        unsigned int id = v->rx.req_prod_pvt % RX_POOL;

        r->id = (uint16_t)id;
        r->gref = v->rxbuf.refs[id];
        v->rx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->rx, notify);
    (void)notify;
    evtchn_notify(v->evtchn_fd, v->port);
}

/*
 * Take RX responses for @ms: count frames, and those containing @marker.
 * Every consumed buffer is posted again.  Returns false on a bad response.
 */
static bool rx_poll(Vif *v, unsigned int ms, const char *marker,
                    unsigned int *frames, unsigned int *marked, Detail *d)
{
    int64_t deadline = now_ms() + ms;
    static uint8_t frame[65536 + 4096];
    size_t flen = 0;
    bool extra_next = false, ok = true;
    unsigned int used = 0;

    while (now_ms() < deadline) {
        RING_IDX rp = v->rx.sring->rsp_prod;

        rmb();
        while (v->rx.rsp_cons != rp) {
            netif_rx_response_t *r = RING_GET_RESPONSE(&v->rx,
                                                       v->rx.rsp_cons);
            netif_rx_response_t rsp = *r;

            v->rx.rsp_cons++;
            used++;
            if (extra_next) {
                struct netif_extra_info *e = (void *)&rsp;

                extra_next = e->flags & XEN_NETIF_EXTRA_FLAG_MORE;
                continue;
            }
            if (rsp.status < 0 || rsp.id >= RX_POOL ||
                rsp.offset + rsp.status > (int)PAGE_SIZE) {
                note(d, "bad RX response: id %u offset %u status %d",
                     rsp.id, rsp.offset, rsp.status);
                ok = false;
                continue;
            }
            if (flen + (size_t)rsp.status <= sizeof(frame)) {
                memcpy(frame + flen,
                       (uint8_t *)grants_page(&v->rxbuf, rsp.id) + rsp.offset,
                       (size_t)rsp.status);
                flen += (size_t)rsp.status;
            }
            extra_next = rsp.flags & NETRXF_extra_info;
            if (!(rsp.flags & NETRXF_more_data)) {
                (*frames)++;
                if (marker && memmem(frame, flen, marker, strlen(marker))) {
                    (*marked)++;
                }
                flen = 0;
            }
        }
        if (used >= 16) {
            rx_post(v, used);
            used = 0;
        }
        evtchn_drain(v->evtchn_fd);
        sleep_ms(2);
    }
    if (used) {
        rx_post(v, used);
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Cases */

typedef bool (*CaseFn)(Vif *v, Detail *d);

/* Connect and check that a well-formed packet goes through. */
static bool case_begin(Vif *v, Detail *d, const char *name)
{
    int st;

    if (!vif_connect(v, d)) {
        return false;
    }
    st = send_good(v, name);
    if (st != NETIF_RSP_OKAY) {
        note(d, "first good packet: %s (%d)", st == -100 ? "no response" :
             rsp_name((int16_t)st), st);
        return false;
    }
    return true;
}

/* The vif must still be Connected with no fault, and still carry traffic. */
static bool expect_alive(Vif *v, Detail *d, const char *name)
{
    int st;

    sleep_ms(200);
    st = be_state(v);
    if (st != XB_CONNECTED) {
        char *err = be_error(v);

        note(d, "backend left Connected: state %d, error '%s'", st,
             err ? err : "");
        free(err);
        return false;
    }
    st = send_good(v, name);
    if (st != NETIF_RSP_OKAY) {
        note(d, "good packet after: %s", st == -100 ? "no response" :
             rsp_name((int16_t)st));
        return false;
    }
    note(d, "vif still Connected, next packet OKAY");
    return true;
}

/*
 * The backend must give up on us: Closing within a few seconds, with an
 * error node that says why (containing @keyword).
 */
static bool expect_fatal(Vif *v, Detail *d, const char *name,
                         const char *keyword)
{
    int64_t t0 = now_ms();
    char *err;
    bool ok = true;
    int st;

    if (!be_wait(v, XB_CLOSING, 5000, &st)) {
        err = be_error(v);
        note(d, "backend in state %d after 5 s, not Closing, error node "
             "'%s'", st, err ? err : "");
        free(err);
        if (st == XB_CONNECTED) {
            /* Is the vif still served, or dead behind a Connected state? */
            st = send_good(v, "after-fault");
            note(d, "a good packet then: %s", st == -100 ?
                 "no response in 5 s" : rsp_name((int16_t)st));
        }
        return false;
    }
    err = be_error(v);
    if (!err || !strstr(err, keyword)) {
        note(d, "error node '%s' lacks '%s'", err ? err : "(none)", keyword);
        ok = false;
    } else {
        note(d, "Closing after %lld ms, error '%s'",
             (long long)(now_ms() - t0), err);
    }
    free(err);
    /* dom0 looks at the backend while it is Closing. */
    sync_point("fatal %s %d", name, v->index);
    return ok;
}

static bool case_good(Vif *v, Detail *d)
{
    unsigned int sent = 0, okay = 0, i;
    int16_t st[16];

    if (!case_begin(v, d, "good")) {
        return false;
    }
    rx_post(v, RX_POOL);
    okay++;
    sent++;
    while (sent < opt_count) {
        unsigned int n = opt_count - sent < 16 ? opt_count - sent : 16;
        unsigned int got;

        for (i = 0; i < n; i++) {
            uint8_t frame[1600];
            char text[64];

            snprintf(text, sizeof(text), "qnb-netfront good %u", ++pkt_seq);
            tx_queue_frame(v, frame, build_udp(frame, v, text,
                                               64 + 97 * i, false));
        }
        tx_push(v);
        got = tx_collect(v, n, st, 5000);
        for (i = 0; i < got; i++) {
            okay += st[i] == NETIF_RSP_OKAY;
        }
        sent += n;
        if (got < n) {
            note(d, "%u responses missing", n - got);
            break;
        }
    }
    note(d, "%u/%u packets OKAY", okay, opt_count);
    return okay == opt_count;
}

static bool case_bad_gref(Vif *v, Detail *d)
{
    uint8_t frame[256];
    unsigned int sizes[2];
    int16_t st[4];
    size_t len;
    netif_tx_request_t req = { .gref = BAD_GREF };
    bool ok;

    if (!case_begin(v, d, "bad-gref")) {
        return false;
    }
    /* In one batch: a bad first slot, a bad second slot, a good packet. */
    len = build_udp(frame, v, "qnb-netfront bad-gref A", 64, false);
    req.size = (uint16_t)len;
    tx_put(v, &req);

    len = build_udp(frame, v, "qnb-netfront bad-gref B", 64, false);
    sizes[0] = 42;
    sizes[1] = (unsigned int)len - 42;
    tx_queue_layout(v, frame, len, sizes, 2, 0, 0);
    RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt - 1)->gref = BAD_GREF;

    len = build_udp(frame, v, "qnb-netfront bad-gref C", 64, false);
    tx_queue_frame(v, frame, len);
    tx_push(v);

    if (tx_collect(v, 4, st, 5000) != 4) {
        note(d, "responses missing");
        return false;
    }
    note(d, "bad first slot %s, bad second slot %s/%s, good packet %s",
         rsp_name(st[0]), rsp_name(st[1]), rsp_name(st[2]), rsp_name(st[3]));
    ok = st[0] == NETIF_RSP_ERROR && st[1] == NETIF_RSP_ERROR &&
         st[2] == NETIF_RSP_ERROR && st[3] == NETIF_RSP_OKAY;
    return expect_alive(v, d, "bad-gref") && ok;
}

static bool case_offset_overflow(Vif *v, Detail *d)
{
    uint8_t frame[256];
    size_t len;
    unsigned int size;

    if (!case_begin(v, d, "offset-overflow")) {
        return false;
    }
    len = build_udp(frame, v, "qnb-netfront offset-overflow", 150, false);
    size = (unsigned int)len;
    /* offset 4000 + ~200 bytes: the slot runs past its page. */
    tx_queue_layout(v, frame, len, &size, 1, 0, 0);
    RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt - 1)->offset = 4000;
    tx_push(v);
    note(d, "slot offset 4000 size %zu", len);
    return expect_fatal(v, d, "offset-overflow", "crosses the page");
}

static bool case_size_chain(Vif *v, Detail *d)
{
    uint8_t frame[512];
    unsigned int sizes[2] = { 60, 200 };
    int16_t st[2];
    size_t len;

    if (!case_begin(v, d, "size-chain")) {
        return false;
    }
    len = build_udp(frame, v, "qnb-netfront size-chain", 250, false);
    tx_queue_layout(v, frame, len, sizes, 2, 0, 0);
    /* The first slot claims 100 bytes in all; its second slot has 200. */
    RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt - 2)->size = 100;
    tx_push(v);
    if (tx_collect(v, 2, st, 5000) != 2) {
        note(d, "responses missing");
        return false;
    }
    note(d, "total 100 < fragment 200: %s/%s", rsp_name(st[0]),
         rsp_name(st[1]));
    return expect_alive(v, d, "size-chain") &&
           st[0] == NETIF_RSP_ERROR && st[1] == NETIF_RSP_ERROR;
}

static bool case_too_many_slots(Vif *v, Detail *d)
{
    unsigned int sizes[25], i;
    uint8_t frame[25 * 64];

    if (!case_begin(v, d, "too-many-slots")) {
        return false;
    }
    build_udp(frame, v, "qnb-netfront too-many-slots", 25 * 64 - 42, false);
    for (i = 0; i < 25; i++) {
        sizes[i] = 64;
    }
    tx_queue_layout(v, frame, 25 * 64, sizes, 25, 0, 0);
    tx_push(v);
    note(d, "one packet of 25 slots");
    return expect_fatal(v, d, "too-many-slots", "more than");
}

static bool case_bogus_req_prod(Vif *v, Detail *d)
{
    if (!case_begin(v, d, "bogus-req-prod")) {
        return false;
    }
    wmb();
    v->tx.sring->req_prod = v->tx.req_prod_pvt + 1000;
    wmb();
    evtchn_notify(v->evtchn_fd, v->port);
    note(d, "req_prod = req_cons + 1000");
    return expect_fatal(v, d, "bogus-req-prod", "req_prod");
}

static bool case_unknown_extra(Vif *v, Detail *d)
{
    uint8_t frame[256];
    struct netif_extra_info extra = {
        .type = XEN_NETIF_EXTRA_TYPE_MAX, .flags = 0,
    };
    netif_tx_request_t *r;
    size_t len;

    if (!case_begin(v, d, "unknown-extra")) {
        return false;
    }
    len = build_udp(frame, v, "qnb-netfront unknown-extra", 64, false);
    tx_queue_frame(v, frame, len);
    RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt - 1)->flags |=
        NETTXF_extra_info;
    r = RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt);
    memcpy(r, &extra, sizeof(extra));
    v->tx.req_prod_pvt++;
    tx_push(v);
    note(d, "extra-info type %u", extra.type);
    return expect_fatal(v, d, "unknown-extra", "extra type");
}

static bool case_zero_length_frags(Vif *v, Detail *d)
{
    uint8_t frame[512];
    int16_t st[8];
    unsigned int i, n, ok = 0;
    size_t len;

    if (!case_begin(v, d, "zero-length-frags")) {
        return false;
    }
    /* 1: zero-length middle fragment; 2: empty first slot; 3: empty tail. */
    len = build_udp(frame, v, "qnb-netfront zero-length-frags 1", 200, false);
    {
        unsigned int s[3] = { 60, 0, (unsigned int)len - 60 };

        n = tx_queue_layout(v, frame, len, s, 3, 0, 0);
    }
    len = build_udp(frame, v, "qnb-netfront zero-length-frags 2", 200, false);
    {
        unsigned int s[2] = { 0, (unsigned int)len };

        n += tx_queue_layout(v, frame, len, s, 2, 0, 0);
    }
    len = build_udp(frame, v, "qnb-netfront zero-length-frags 3", 200, false);
    {
        unsigned int s[2] = { (unsigned int)len, 0 };

        n += tx_queue_layout(v, frame, len, s, 2, 0, 0);
    }
    tx_push(v);
    if (tx_collect(v, n, st, 5000) != n) {
        note(d, "responses missing");
        return false;
    }
    for (i = 0; i < n; i++) {
        ok += st[i] == NETIF_RSP_OKAY;
    }
    note(d, "3 packets with empty slots: %u/%u slots OKAY", ok, n);
    return expect_alive(v, d, "zero-length-frags") && ok == n;
}

static bool case_header_split(Vif *v, Detail *d)
{
    static const char *const what[] = {
        "split in the IP header", "split in the Ethernet header",
        "16 one-byte slots",
    };
    uint8_t frame[512];
    unsigned int s[18], i, k, nr;
    int16_t st[18];
    bool fine = true;
    size_t len;

    if (!case_begin(v, d, "header-split")) {
        return false;
    }
    for (k = 0; k < 3; k++) {
        char text[64];

        snprintf(text, sizeof(text), "qnb-netfront header-split %u", k + 1);
        len = build_udp(frame, v, text, 100, true);
        if (k == 0) {
            s[0] = 20;
            s[1] = (unsigned int)len - 20;
            nr = 2;
        } else if (k == 1) {
            s[0] = 8;
            s[1] = (unsigned int)len - 8;
            nr = 2;
        } else {
            for (i = 0; i < 16; i++) {
                s[i] = 1;
            }
            s[16] = (unsigned int)len - 16;
            nr = 17;
        }
        tx_queue_layout(v, frame, len, s, nr,
                        NETTXF_csum_blank | NETTXF_data_validated, 0);
        tx_push(v);
        if (tx_collect(v, nr, st, 5000) != nr) {
            note(d, "%s: responses missing", what[k]);
            return false;
        }
        /* Accepted or refused, but the same answer for every slot. */
        for (i = 1; i < nr; i++) {
            if (st[i] != st[0]) {
                fine = false;
            }
        }
        if (st[0] != NETIF_RSP_OKAY && st[0] != NETIF_RSP_ERROR) {
            fine = false;
        }
        note(d, "%s: %s", what[k], rsp_name(st[0]));
    }
    return expect_alive(v, d, "header-split") && fine;
}

/*
 * Give the ring grants back while the backend maps them.  The kernel must
 * defer them: this proves the "grant still in use" check sees a leak, and
 * the backend must survive the frontend pulling its rings.
 */
static bool case_revoke_rings(Vif *v, Detail *d)
{
    Grants *g[] = { &v->rings };
    int n;

    if (!case_begin(v, d, "revoke-rings")) {
        return false;
    }
    leak_check_mark();
    grants_free(&v->rings);     /* v->tx and v->rx must not be used now */
    n = leak_check_count(g, 1);
    if (!kmsg_usable) {
        note(d, "released the ring grants while Connected; "
             "cannot tell whether the kernel deferred them");
        return true;
    }
    note(d, "released the 2 ring grants while Connected: the kernel "
         "deferred %d (the leak check %s)", n,
         n == 2 ? "works" : "MISSED them");
    sleep_ms(500);
    if (be_state(v) != XB_CONNECTED) {
        note(d, "backend left Connected");
    }
    return n == 2;
}

static bool case_rx_no_buffers(Vif *v, Detail *d)
{
    unsigned int frames = 0, marked = 0;
    bool ok;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the traffic");
        return false;
    }
    if (!case_begin(v, d, "rx-no-buffers")) {
        return false;
    }
    /* No RX buffer posted: dom0 floods us meanwhile. */
    if (!sync_point("rx-nobuf")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    if (!expect_alive(v, d, "rx-no-buffers")) {
        return false;
    }
    rx_post(v, RX_POOL);
    if (!sync_point("rx-posted")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    ok = rx_poll(v, 8000, "qnb-rx-posted", &frames, &marked, d);
    note(d, "after posting %u buffers: %u frames, %u of dom0's marked ones",
         RX_POOL, frames, marked);
    return ok && marked > 0;
}

static const struct {
    const char *name;
    CaseFn fn;
} cases[] = {
    { "good", case_good },
    { "bad-gref", case_bad_gref },
    { "offset-overflow", case_offset_overflow },
    { "size-chain", case_size_chain },
    { "too-many-slots", case_too_many_slots },
    { "bogus-req-prod", case_bogus_req_prod },
    { "unknown-extra", case_unknown_extra },
    { "zero-length-frags", case_zero_length_frags },
    { "header-split", case_header_split },
    { "rx-no-buffers", case_rx_no_buffers },
    { "revoke-rings", case_revoke_rings },
};
#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

static int find_case(const char *name)
{
    unsigned int i;

    for (i = 0; i < NR_CASES; i++) {
        if (!strcmp(cases[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

static void usage(FILE *f)
{
    unsigned int i;

    fprintf(f,
            "usage: qnb-netfront [--case NAME[@VIF][,NAME...]|all] [--count N]\n"
            "                    [--vif N] [--ip A.B.C.D] [--peer A.B.C.D]\n"
            "                    [--sync] [--verbose]\n"
            "cases:");
    for (i = 0; i < NR_CASES; i++) {
        fprintf(f, " %s", cases[i].name);
    }
    fprintf(f, "\n");
}

/* The vifs used so far, found on first use. */
static Vif vifs[8];
static unsigned int nr_vifs;

static Vif *vif_get(int index)
{
    unsigned int i;
    Vif *v;

    for (i = 0; i < nr_vifs; i++) {
        if (vifs[i].index == index) {
            return &vifs[i];
        }
    }
    if (nr_vifs == sizeof(vifs) / sizeof(vifs[0])) {
        return NULL;
    }
    v = &vifs[nr_vifs];
    memset(v, 0, sizeof(*v));
    v->evtchn_fd = -1;
    if (!vif_find(v, index)) {
        return NULL;
    }
    nr_vifs++;
    return v;
}

int main(int argc, char **argv)
{
    int list[64], at[64], nr = 0, i, passed = 0, failed = 0, first;
    const char *ip = NULL, *peer = NULL;
    Vif *v;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--sync")) {
            opt_sync = true;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            opt_verbose = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (val && !strcmp(a, "--count")) {
            opt_count = (unsigned int)strtoul(val, NULL, 0);
            i++;
        } else if (val && !strcmp(a, "--vif")) {
            opt_vif = atoi(val);
            i++;
        } else if (val && !strcmp(a, "--ip")) {
            ip = val;
            i++;
        } else if (val && !strcmp(a, "--peer")) {
            peer = val;
            i++;
        } else if (val && !strcmp(a, "--case")) {
            char *s = strdup(val), *tok, *save = NULL;

            for (tok = strtok_r(s, ",+", &save); tok;
                 tok = strtok_r(NULL, ",+", &save)) {
                char *vif_at = strchr(tok, '@');
                int where = -1, c;

                if (vif_at) {
                    *vif_at = 0;
                    where = atoi(vif_at + 1);
                }
                if (!strcmp(tok, "all")) {
                    for (c = 0; c < (int)NR_CASES && nr < 64; c++) {
                        at[nr] = where;
                        list[nr++] = c;
                    }
                    continue;
                }
                c = find_case(tok);
                if (c < 0) {
                    fprintf(stderr, "qnb-netfront: unknown case '%s'\n", tok);
                    usage(stderr);
                    return 2;
                }
                if (nr < 64) {
                    at[nr] = where;
                    list[nr++] = c;
                }
            }
            free(s);
            i++;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!nr) {
        at[nr] = -1;
        list[nr++] = find_case("good");
    }

    if (!xs_open()) {
        return 1;
    }
    gnt_fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
    if (gnt_fd < 0) {
        say("/dev/xen/gntalloc: %s", strerror(errno));
        return 1;
    }
    /* The default vif: --vif, else the first one. */
    v = vif_get(opt_vif >= 0 ? opt_vif : -1);
    if (!v) {
        return 1;
    }
    first = v->index;
    /* Default addresses: 10.0.N.2 -> 10.0.N.1, N from the MAC's 5th byte. */
    {
        char a[32], b[32];

        snprintf(a, sizeof(a), "10.0.%u.2", v->mac[4]);
        snprintf(b, sizeof(b), "10.0.%u.1", v->mac[4]);
        inet_aton(ip ? ip : a, &opt_ip);
        inet_aton(peer ? peer : b, &opt_peer);
    }
    leak_check_init();

    for (i = 0; i < nr; i++) {
        const char *name = cases[list[i]].name;
        Detail d = { .len = 0 };
        bool ok;

        d.text[0] = 0;
        v = vif_get(at[i] >= 0 ? at[i] : first);
        if (!v) {
            say("case %s: FAIL (vif %d not found)", name, at[i]);
            failed++;
            sync_point("done %s %d FAIL", name, at[i]);
            continue;
        }
        debug("case %s on vif %d: start", name, v->index);
        ok = cases[list[i]].fn(v, &d);
        /* Whatever happened, leave the vif ready for the next case. */
        if (!vif_close(v, &d)) {
            ok = false;
        }
        say("case %s: %s (vif %d; %s)", name, ok ? "PASS" : "FAIL",
            v->index, d.text);
        if (ok) {
            passed++;
        } else {
            failed++;
        }
        sync_point("done %s %d %s", name, v->index, ok ? "PASS" : "FAIL");
    }
    say("done: %d passed, %d failed", passed, failed);
    return failed ? 1 : 0;
}
