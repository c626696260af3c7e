/*
 * bench-engine: the netif engine natively, without Xen (make bench-engine).
 *
 * The engine is fed by the unit tests' in-process frontend ring and grant
 * table (tests/unit/netif-fake.c) and does its tap I/O on real taps, in a
 * network namespace this program creates:
 *
 *   TX (guest -> tap): netif_tx_poll() writes the guest's frames to tap
 *       "qnbtx0", where the namespace's stack drops them (no address).
 *       Floor: the same vnet header + frame written with writev().
 *   RX (tap -> guest): frames written into tap "qnbrxb0" (broadcast: the
 *       bridge floods them) come out of tap "qnbrxa0" (both in bridge
 *       "qnbbr0", GSO kept: the taps have the offloads on), which
 *       netif_rx_poll() reads into the guest's posted buffers (a ring's
 *       worth, re-posted after every poll).  Floor: the same bursts read
 *       from "qnbrxa0" with readv() into one buffer.
 *
 * for an MTU-sized UDP frame and a 64 KiB TCPv4 GSO frame, with the
 * engine in copy, map (TX only: RX never maps) and static grant modes.
 * Only the engine's poll calls (and the floor's syscalls) are timed: the
 * fake frontend's own work (pushing requests, taking responses, posting
 * buffers) and, for RX, writing the frames into tap B are not.  Each
 * measurement runs 3 times; the table gives the median.
 *
 * The fake grant table's operations are memcpy: a copy copies the
 * segment, a map mallocs an area and copies whole pages into it (and a
 * read-only unmap compares them back).  They stand in for Xen's grant
 * copy/map hypercalls, whose cost is not measured here.
 *
 * Needs root (a network namespace, /dev/net/tun).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "netif-fake.h"

#define TAP_TX          "qnbtx0"
#define TAP_RX_A        "qnbrxa0"   /* the engine reads this one */
#define TAP_RX_B        "qnbrxb0"   /* the frames are written into this one */
#define BRIDGE          "qnbbr0"

#define REPS            3
#define RUN_WALL_NS     (400 * 1000 * 1000ull)  /* cap of one run */
#define MSS             1448
#define RX_READ_SIZE    (NETIF_VNET_HDR_LEN + 65536 + 64)
#define PAGES(len)      (((len) + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE)

enum { SMALL, LARGE, NR_SIZES };
enum { FLOOR, RING, PAGED, COPY, MAP, STATIC, NR_MODES };
enum { TX, RX, NR_DIRS };

static const char *const size_names[NR_SIZES] = {
    "1514 B (MTU)", "64 KiB GSO",
};
static const char *const mode_names[NR_MODES] = {
    "floor", "ring", "paged", "copy", "map", "static",
};
static const char *const dir_names[NR_DIRS] = { "TX", "RX" };

/* Packets per run (a run also stops after RUN_WALL_NS). */
static const unsigned int target[NR_SIZES] = { 200000, 30000 };
/* RX: frames written into tap B per burst, then drained. */
static const unsigned int rx_burst[NR_SIZES] = { 128, 8 };

typedef struct Frame {
    uint8_t *data;
    size_t len;
    NetifVnetHdr vh;            /* what the engine writes / the tap reads */
    unsigned int nr_pages;
    bool gso;
} Frame;

typedef struct Sample {
    uint64_t packets;
    uint64_t ns;                /* timed */
    double grant_ops;           /* map_ops + copy_segs, per packet */
    double static_hits;         /* per packet */
    uint64_t bad;               /* error responses, drops, lost frames */
    uint64_t bytes;
    bool valid;
} Sample;

/* The fake, with real tap fds for the engine's tap I/O. */
typedef struct Bench {
    Fake f;                     /* first: the fake's ops take this opaque */
    int fd;
} Bench;

static NetifQueueOps bench_ops;
static Frame frames[NR_DIRS][NR_SIZES];
static Sample samples[NR_DIRS][NR_SIZES][NR_MODES][REPS];
static int tx_fd, rx_a_fd, rx_b_fd;
static bool gso_split_seen;

G_NORETURN static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench-engine: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* The namespace and its taps                                          */

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (write(fd, s, strlen(s)) < 0) {
            /* best effort */
        }
        close(fd);
    }
}

static int tap_open(const char *name)
{
    struct ifreq ifr = { 0 };
    int hdr_len = NETIF_VNET_HDR_LEN;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        die("open /dev/net/tun: %s", strerror(errno));
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        die("TUNSETIFF %s: %s", name, strerror(errno));
    }
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
        die("TUNSETVNETHDRSZ %s: %s", name, strerror(errno));
    }
    if (ioctl(fd, TUNSETOFFLOAD,
              (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0) {
        die("TUNSETOFFLOAD %s: %s", name, strerror(errno));
    }
    return fd;
}

static void if_up(int sock, const char *name)
{
    struct ifreq ifr = { 0 };

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
        die("SIOCGIFFLAGS %s: %s", name, strerror(errno));
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
        die("SIOCSIFFLAGS %s: %s", name, strerror(errno));
    }
}

static void bridge_add(int sock, const char *port)
{
    struct ifreq ifr = { 0 };

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", BRIDGE);
    ifr.ifr_ifindex = if_nametoindex(port);
    if (!ifr.ifr_ifindex || ioctl(sock, SIOCBRADDIF, &ifr) < 0) {
        die("SIOCBRADDIF %s: %s", port, strerror(errno));
    }
}

/* Read and drop whatever the tap holds. */
static void tap_drain(int fd)
{
    static uint8_t buf[RX_READ_SIZE];

    while (read(fd, buf, sizeof(buf)) > 0) {
        continue;
    }
}

static void tap_wait(int fd, short events, int ms)
{
    struct pollfd p = { .fd = fd, .events = events };

    poll(&p, 1, ms);
}

/* Write a frame, waiting while the tap is full; false on an error. */
/*
 * The frame in separate pages, as a guest's buffers are: the "paged"
 * floor does the same syscall with one iovec per page, which is what
 * scatter-gather alone costs the kernel, without the engine.
 */
static uint8_t *paged[PAGES(RX_READ_SIZE)];

static unsigned int paged_iov(struct iovec *iov, void *vh, size_t len)
{
    unsigned int n = 0, i;

    iov[n++] = (struct iovec) { .iov_base = vh,
                                .iov_len = NETIF_VNET_HDR_LEN };
    for (i = 0; i * NETIF_PAGE_SIZE < len; i++) {
        if (!paged[i]) {
            paged[i] = g_aligned_alloc0(1, NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
        }
        iov[n++] = (struct iovec) {
            .iov_base = paged[i],
            .iov_len = MIN(NETIF_PAGE_SIZE, len - i * NETIF_PAGE_SIZE),
        };
    }
    return n;
}

static bool tap_write_frame(int fd, const Frame *fr)
{
    struct iovec iov[2] = {
        { .iov_base = (void *)&fr->vh, .iov_len = NETIF_VNET_HDR_LEN },
        { .iov_base = fr->data, .iov_len = fr->len },
    };

    for (;;) {
        ssize_t r = writev(fd, iov, 2);

        if (r >= 0) {
            return true;
        }
        if (errno != EAGAIN) {
            return false;
        }
        tap_wait(fd, POLLOUT, 100);
    }
}

static void setup_netns(void)
{
    int sock, i;

    if (unshare(CLONE_NEWNET) < 0) {
        die("unshare(CLONE_NEWNET): %s (needs root)", strerror(errno));
    }
    /*
     * Nothing but our frames on tap A: no IPv6 autoconfiguration and no
     * IGMP reports (for 224.0.0.x) from the namespace's own stack.
     */
    write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    write_file("/proc/sys/net/ipv4/igmp_link_local_mcast_reports", "0");

    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        die("socket: %s", strerror(errno));
    }
    tx_fd = tap_open(TAP_TX);
    rx_a_fd = tap_open(TAP_RX_A);
    rx_b_fd = tap_open(TAP_RX_B);
    if (ioctl(sock, SIOCBRADDBR, BRIDGE) < 0) {
        die("SIOCBRADDBR: %s", strerror(errno));
    }
    bridge_add(sock, TAP_RX_A);
    bridge_add(sock, TAP_RX_B);
    if_up(sock, TAP_TX);
    if_up(sock, TAP_RX_A);
    if_up(sock, TAP_RX_B);
    if_up(sock, BRIDGE);
    close(sock);

    /* Wait until the bridge forwards from B to A. */
    for (i = 0; i < 50; i++) {
        static uint8_t buf[RX_READ_SIZE];

        if (!tap_write_frame(rx_b_fd, &frames[RX][SMALL])) {
            die("write to %s: %s", TAP_RX_B, strerror(errno));
        }
        tap_wait(rx_a_fd, POLLIN, 100);
        if (read(rx_a_fd, buf, sizeof(buf)) > 0) {
            tap_drain(rx_a_fd);
            return;
        }
    }
    die("the bridge does not forward %s -> %s", TAP_RX_B, TAP_RX_A);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

static void build_frames(void)
{
    int d;

    for (d = 0; d < NR_DIRS; d++) {
        Frame *s = &frames[d][SMALL], *l = &frames[d][LARGE];

        /* A UDP frame of a 1500-byte IP packet, full checksum. */
        s->data = g_malloc(2048);
        s->len = fake_build_frame(s->data, 2048, 4, NETIF_IPPROTO_UDP,
                                  false, 1500 - 28, false);
        s->vh = (NetifVnetHdr) { 0 };

        /* 45 segments of TCPv4 as one GSO frame, checksum partial. */
        l->data = g_malloc(65536);
        l->len = fake_build_frame(l->data, 65536, 4, NETIF_IPPROTO_TCP,
                                  false, 45 * MSS, true);
        l->gso = true;
        l->vh = (NetifVnetHdr) {
            .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
            .gso_type = NETIF_VNET_HDR_GSO_TCPV4, .hdr_len = 54,
            .gso_size = MSS, .csum_start = 34, .csum_offset = 16,
        };
        if (d == RX) {
            /* broadcast: the bridge floods it to tap A */
            memset(s->data, 0xff, 6);
            memset(l->data, 0xff, 6);
        }
        s->nr_pages = PAGES(s->len);
        l->nr_pages = PAGES(l->len);
    }
}

/* ------------------------------------------------------------------ */
/* The engine's ops: the fake's grant table, real tap I/O              */

static ssize_t bench_tap_writev(void *opaque, const struct iovec *iov,
                                int iovcnt)
{
    ssize_t r = writev(((Bench *)opaque)->fd, iov, iovcnt);

    return r < 0 ? -errno : r;
}

static ssize_t bench_tap_readv(void *opaque, const struct iovec *iov,
                               int iovcnt)
{
    ssize_t r = readv(((Bench *)opaque)->fd, iov, iovcnt);

    return r < 0 ? -errno : r;
}

static Bench *bench_new(int mode, int fd, unsigned int max_static)
{
    Bench *b = g_new0(Bench, 1);

    fake_init(&b->f, mode == MAP ? NETIF_GRANT_MAP : NETIF_GRANT_COPY);
    if (mode == STATIC) {
        b->f.cfg.max_static_grants = max_static;
    }
    b->f.cfg.ops = &bench_ops;
    b->f.cfg.opaque = b;
    b->fd = fd;
    fake_start(&b->f);
    return b;
}

static void bench_free(Bench *b)
{
    fake_cleanup(&b->f);
    g_free(b);
}

/* Fill in a sample's per-packet figures from the stats' difference. */
static void sample_stats(Sample *s, const NetifDirStats *a,
                         const NetifDirStats *z)
{
    uint64_t pkts = z->packets - a->packets;

    s->packets = pkts;
    s->bytes = z->bytes - a->bytes;
    s->bad += (z->drops - a->drops) + (z->errors - a->errors);
    if (pkts) {
        s->grant_ops = (double)((z->map_ops - a->map_ops) +
                                (z->copy_segs - a->copy_segs)) / pkts;
        s->static_hits = (double)(z->static_hits - a->static_hits) / pkts;
    }
    s->valid = true;
}

/* ------------------------------------------------------------------ */
/* TX: guest -> tap                                                    */

/*
 * The "ring" floor: the frame in one buffer, as the floor has it, but the
 * next of a ring's worth of buffers, as the engine's pages come round a
 * ring of slots (@slots per frame): the working set of a guest's buffers
 * without their one iovec per page.
 */
static uint8_t *ring_frame(unsigned int slots, unsigned int *next)
{
    static uint8_t *area;
    unsigned int per = NETIF_RX_RING_SIZE / slots;

    if (!area) {
        /* a ring's worth, and room for a whole read at its last place */
        area = g_aligned_alloc0(NETIF_RX_RING_SIZE + PAGES(RX_READ_SIZE),
                                NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
    }
    return area + (size_t)((*next)++ % per) * slots * NETIF_PAGE_SIZE;
}

static void tx_floor(const Frame *fr, unsigned int size, int mode,
                     Sample *s)
{
    unsigned int slots = fr->nr_pages + fr->gso, next = 0;
    struct iovec riov[2] = {
        { .iov_base = (void *)&fr->vh, .iov_len = NETIF_VNET_HDR_LEN },
        { .iov_len = fr->len },
    };
    bool by_page = mode == PAGED;
    unsigned int batch = NETIF_TX_RING_SIZE / (fr->nr_pages + fr->gso);
    struct iovec iov[PAGES(RX_READ_SIZE) + 1];
    NetifVnetHdr vh = fr->vh;
    uint64_t start = now_ns();
    unsigned int n = paged_iov(iov, &vh, fr->len), i;

    for (i = 1; i < n; i++) {
        memcpy(iov[i].iov_base, fr->data + (i - 1) * NETIF_PAGE_SIZE,
               iov[i].iov_len);
    }
    for (i = 0; mode == RING && i < NETIF_TX_RING_SIZE / slots; i++) {
        memcpy(ring_frame(slots, &next), fr->data, fr->len);
    }
    memset(s, 0, sizeof(*s));
    while (s->packets < target[size] && now_ns() - start < RUN_WALL_NS) {
        uint64_t t0 = now_ns();

        for (i = 0; i < batch; i++) {
            if (mode == RING) {
                riov[1].iov_base = ring_frame(slots, &next);
                if (writev(tx_fd, riov, 2) < 0) {
                    s->bad++;
                }
            } else if (by_page ? writev(tx_fd, iov, n) < 0
                               : !tap_write_frame(tx_fd, fr)) {
                s->bad++;
            }
        }
        s->ns += now_ns() - t0;
        s->packets += batch;
    }
    s->bytes = s->packets * fr->len;
    s->valid = true;
}

/* One packet's requests at @reqs, naming @grefs; returns how many. */
static unsigned int tx_packet_reqs(const Frame *fr, const uint32_t *grefs,
                                   uint16_t id, netif_tx_request_t *reqs)
{
    unsigned int n = 0, i;

    reqs[n++] = (netif_tx_request_t) {
        .gref = grefs[0], .offset = 0, .id = id, .size = fr->len,
        .flags = (fr->nr_pages > 1 ? NETTXF_more_data : 0) |
                 (fr->gso ? NETTXF_csum_blank | NETTXF_data_validated |
                            NETTXF_extra_info : 0),
    };
    if (fr->gso) {
        struct netif_extra_info x = { .type = XEN_NETIF_EXTRA_TYPE_GSO };

        x.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
        x.u.gso.size = MSS;
        memset(&reqs[n], 0, sizeof(reqs[n]));
        memcpy(&reqs[n++], &x, sizeof(x));
    }
    for (i = 1; i < fr->nr_pages; i++) {
        size_t off = (size_t)i * NETIF_PAGE_SIZE;

        reqs[n++] = (netif_tx_request_t) {
            .gref = grefs[i], .offset = 0, .id = id,
            .size = MIN(NETIF_PAGE_SIZE, fr->len - off),
            .flags = i + 1 < fr->nr_pages ? NETTXF_more_data : 0,
        };
    }
    return n;
}

/* Push a ring's worth of packets, poll (timed), take the responses. */
static uint64_t tx_round(Bench *b, const Frame *fr, const uint32_t *grefs,
                         uint64_t *bad)
{
    static netif_tx_request_t reqs[NETIF_TX_RING_SIZE];
    static netif_tx_response_t rsp[NETIF_TX_RING_SIZE];
    unsigned int per = fr->nr_pages + fr->gso;
    unsigned int batch = NETIF_TX_RING_SIZE / per, n = 0, i, got;
    uint64_t ns = 0;
    NetifWait w;

    for (i = 0; i < batch; i++) {
        n += tx_packet_reqs(fr, grefs, i, &reqs[n]);
    }
    fake_tx_push(&b->f, reqs, n);
    do {
        uint64_t t0 = now_ns();

        w = netif_tx_poll(b->f.q, 1024);
        ns += now_ns() - t0;
        if (w & NETIF_WAIT_TAP_WRITE) {
            tap_wait(b->fd, POLLOUT, 100);
        }
    } while (w & (NETIF_WAIT_TAP_WRITE | NETIF_WAIT_MORE));
    if (w & NETIF_WAIT_DISABLED) {
        die("TX: the engine disabled the queue: %s", b->f.fatal_msg);
    }
    got = fake_tx_responses(&b->f, rsp, G_N_ELEMENTS(rsp));
    if (got != n) {
        die("TX: %u responses for %u requests", got, n);
    }
    for (i = 0; i < got; i++) {
        if (rsp[i].status != NETIF_RSP_OKAY &&
            rsp[i].status != NETIF_RSP_NULL) {
            (*bad)++;
        }
    }
    return ns;
}

static void tx_engine(const Frame *fr, unsigned int size, int mode,
                      Sample *s)
{
    Bench *b = bench_new(mode, tx_fd, 64);
    uint32_t grefs[NETIF_TX_MAX_SLOTS];
    NetifStats a, z;
    uint64_t start;
    unsigned int i;

    memset(s, 0, sizeof(*s));
    /* The guest's pages hold the frame once; every packet names them. */
    if (mode == STATIC) {
        fake_static_add(&b->f, grefs, fr->nr_pages, true);
    }
    for (i = 0; i < fr->nr_pages; i++) {
        size_t off = (size_t)i * NETIF_PAGE_SIZE;
        size_t n = MIN(NETIF_PAGE_SIZE, fr->len - off);

        if (mode == STATIC) {
            fake_guest_write(&b->f, grefs[i], 0, fr->data + off, n);
        } else {
            grefs[i] = fake_grant(&b->f, fr->data + off, n, 0, true);
        }
    }

    tx_round(b, fr, grefs, &s->bad);       /* warm-up */
    s->bad = 0;
    netif_queue_get_stats(b->f.q, &a);
    start = now_ns();
    while (s->packets < target[size] && now_ns() - start < RUN_WALL_NS) {
        s->ns += tx_round(b, fr, grefs, &s->bad);
        netif_queue_get_stats(b->f.q, &z);
        s->packets = z.tx.packets - a.tx.packets;
    }
    netif_queue_get_stats(b->f.q, &z);
    sample_stats(s, &a.tx, &z.tx);
    if (b->f.fatal_count) {
        die("TX: fatal: %s", b->f.fatal_msg);
    }
    bench_free(b);
}

/* ------------------------------------------------------------------ */
/* RX: tap B -> bridge -> tap A -> guest                               */

static bool rx_write_burst(const Frame *fr, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (!tap_write_frame(rx_b_fd, fr)) {
            return false;
        }
    }
    return true;
}

static void check_gso(const Frame *fr, size_t got)
{
    if (fr->gso && got != NETIF_VNET_HDR_LEN + fr->len) {
        gso_split_seen = true;
    }
}

/*
 * The paged RX floor reads each frame into the next pages of a ring's
 * worth, as the engine's modes read into the buffers the frontend posts
 * round the ring: the same working set, so the same cache misses.
 */
static void rx_ring_pages(struct iovec *iov, unsigned int n,
                          uint8_t **pages, unsigned int *next)
{
    unsigned int i;

    for (i = 1; i < n; i++) {
        uint8_t **p = &pages[(*next)++ % NETIF_RX_RING_SIZE];

        if (!*p) {
            *p = g_aligned_alloc0(1, NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
        }
        iov[i].iov_base = *p;
    }
}

static void rx_floor(const Frame *fr, unsigned int size, int mode,
                     Sample *s)
{
    /* as the engine takes them: a slot per page, and one for a GSO extra */
    unsigned int slots = PAGES(fr->len) + fr->gso, next_frame = 0;
    bool by_page = mode == PAGED;
    static uint8_t buf[RX_READ_SIZE];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    struct iovec piov[PAGES(RX_READ_SIZE) + 1];
    NetifVnetHdr vh;
    unsigned int pn = paged_iov(piov, &vh, RX_READ_SIZE - NETIF_VNET_HDR_LEN);
    static uint8_t *ring_pages[NETIF_RX_RING_SIZE];
    unsigned int next_page = 0;
    uint64_t start;

    memset(s, 0, sizeof(*s));
    tap_drain(rx_a_fd);
    start = now_ns();
    while (s->packets < target[size] && now_ns() - start < RUN_WALL_NS) {
        unsigned int got = 0;
        uint64_t t0;

        if (!rx_write_burst(fr, rx_burst[size])) {
            die("RX: write to %s: %s", TAP_RX_B, strerror(errno));
        }
        t0 = now_ns();
        for (;;) {
            ssize_t r;

            if (by_page) {
                rx_ring_pages(piov, pn, ring_pages, &next_page);
                r = readv(rx_a_fd, piov, pn);
            } else {
                if (mode == RING) {
                    iov.iov_base = ring_frame(slots, &next_frame);
                }
                r = readv(rx_a_fd, &iov, 1);
            }

            if (r > 0) {
                check_gso(fr, r);
                s->bytes += r - NETIF_VNET_HDR_LEN;
                got++;
                continue;
            }
            if (r < 0 && errno != EAGAIN) {
                die("RX: read %s: %s", TAP_RX_A, strerror(errno));
            }
            if (got >= rx_burst[size]) {
                break;
            }
            /* Not all here yet (should not happen: tun is synchronous). */
            {
                struct pollfd p = { .fd = rx_a_fd, .events = POLLIN };

                if (poll(&p, 1, 100) == 0) {
                    s->bad += rx_burst[size] - got;
                    break;
                }
            }
        }
        s->ns += now_ns() - t0;
        s->packets += got;
    }
    s->valid = true;
}

/* The frontend: take the responses, post buffers back into every slot. */
static void rx_frontend(Bench *b, const uint32_t *pool)
{
    static netif_rx_response_t rsp[NETIF_RX_RING_SIZE];
    static uint32_t grefs[NETIF_RX_RING_SIZE];
    uint32_t post[NETIF_RX_RING_SIZE];
    unsigned int n, i;

    while (fake_rx_responses(&b->f, rsp, grefs, G_N_ELEMENTS(rsp))) {
        continue;
    }
    n = RING_FREE_REQUESTS(&b->f.rxf);
    /* Slot k always gets pool page k: what it held was answered. */
    for (i = 0; i < n; i++) {
        post[i] = pool[(b->f.rxf.req_prod_pvt + i) % NETIF_RX_RING_SIZE];
    }
    if (n) {
        fake_rx_post_refs(&b->f, post, n);
    }
}

static void rx_engine(const Frame *fr, unsigned int size, int mode,
                      Sample *s)
{
    Bench *b = bench_new(mode, rx_a_fd, NETIF_RX_RING_SIZE);
    uint32_t pool[NETIF_RX_RING_SIZE];
    NetifStats a, z;
    uint64_t start, lost = 0;
    unsigned int i;

    memset(s, 0, sizeof(*s));
    tap_drain(rx_a_fd);
    if (mode == STATIC) {
        fake_static_add(&b->f, pool, NETIF_RX_RING_SIZE, false);
    } else {
        for (i = 0; i < NETIF_RX_RING_SIZE; i++) {
            pool[i] = fake_grant(&b->f, NULL, 0, 0, false);
        }
    }
    rx_frontend(b, pool);

    netif_queue_get_stats(b->f.q, &a);
    start = now_ns();
    while (s->packets < target[size] && now_ns() - start < RUN_WALL_NS) {
        uint64_t want = s->packets + rx_burst[size], have;

        if (!rx_write_burst(fr, rx_burst[size])) {
            die("RX: write to %s: %s", TAP_RX_B, strerror(errno));
        }
        for (;;) {
            uint64_t t0 = now_ns(), before = s->packets;
            NetifWait w = netif_rx_poll(b->f.q, 1024);

            s->ns += now_ns() - t0;
            if (w & NETIF_WAIT_DISABLED) {
                die("RX: the engine disabled the queue: %s", b->f.fatal_msg);
            }
            rx_frontend(b, pool);
            netif_queue_get_stats(b->f.q, &z);
            /* frames the engine took: delivered, or dropped (counted) */
            have = (z.rx.packets + z.rx.drops + z.rx.errors) -
                   (a.rx.packets + a.rx.drops + a.rx.errors);
            s->packets = have;
            if (have >= want) {
                break;
            }
            if (have == before && (w & NETIF_WAIT_TAP_READ) &&
                !(w & NETIF_WAIT_MORE)) {
                struct pollfd p = { .fd = rx_a_fd, .events = POLLIN };

                if (poll(&p, 1, 100) == 0) {
                    lost += want - have;
                    break;
                }
            }
        }
    }
    netif_queue_get_stats(b->f.q, &z);
    sample_stats(s, &a.rx, &z.rx);
    s->bad += lost;
    if (fr->gso && s->packets && s->bytes != s->packets * fr->len) {
        gso_split_seen = true;
    }
    if (b->f.fatal_count) {
        die("RX: fatal: %s", b->f.fatal_msg);
    }
    bench_free(b);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static double pps(const Sample *s)
{
    return s->ns ? s->packets * 1e9 / s->ns : 0;
}

static double ratio(const Sample *s, const Sample *base)
{
    return base->valid && pps(base) ? pps(s) / pps(base) : 0.0;
}

static const Sample *median(Sample *runs)
{
    const Sample *v[REPS];
    int i, j;

    for (i = 0; i < REPS; i++) {
        v[i] = &runs[i];
    }
    for (i = 1; i < REPS; i++) {
        for (j = i; j > 0 && pps(v[j - 1]) > pps(v[j]); j--) {
            const Sample *t = v[j];

            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
    return v[REPS / 2];
}

static void print_table(void)
{
    int d, sz, m;
    uint64_t bad_total = 0;

    printf("%-3s %-13s %-7s %8s %11s %9s %7s %7s %7s %10s %11s\n",
           "dir", "frame", "mode", "packets", "pkt/s", "ns/pkt",
           "ratio", "/ring", "/paged", "grant/pkt", "static/pkt");
    for (d = 0; d < NR_DIRS; d++) {
        for (sz = 0; sz < NR_SIZES; sz++) {
            const Sample *floor_s = median(samples[d][sz][FLOOR]);
            const Sample *paged_s = median(samples[d][sz][PAGED]);
            const Sample *ring_s = median(samples[d][sz][RING]);

            for (m = 0; m < NR_MODES; m++) {
                const Sample *s;
                int r;

                if (!samples[d][sz][m][0].valid) {
                    continue;
                }
                for (r = 0; r < REPS; r++) {
                    bad_total += samples[d][sz][m][r].bad;
                }
                s = median(samples[d][sz][m]);
                printf("%-3s %-13s %-7s %8" G_GUINT64_FORMAT " %11.0f %9.0f",
                       dir_names[d], size_names[sz], mode_names[m],
                       s->packets, pps(s),
                       s->packets ? (double)s->ns / s->packets : 0.0);
                if (m == FLOOR) {
                    printf(" %7s %7s %7s %10s %11s\n", "1", "-", "-", "-",
                           "-");
                } else if (m == RING) {
                    printf(" %7.2f %7s %7s %10s %11s\n", ratio(s, floor_s),
                           "1", "-", "-", "-");
                } else if (m == PAGED) {
                    printf(" %7.2f %7.2f %7s %10s %11s\n",
                           ratio(s, floor_s), ratio(s, ring_s), "1", "-",
                           "-");
                } else {
                    printf(" %7.2f %7.2f %7.2f %10.2f %11.2f\n",
                           ratio(s, floor_s), ratio(s, ring_s),
                           ratio(s, paged_s), s->grant_ops, s->static_hits);
                }
            }
        }
    }
    printf("\nfloor: the same frames with one writev/readv each, the "
           "frame in one buffer.\n"
           "ring: the same, the buffer the next of a ring's worth of "
           "them (256 slots, a\nslot per page): a guest's working set, "
           "which any backend must touch.\n"
           "paged: the same syscall with the frame in separate pages, one "
           "iovec each, as a\nguest's buffers are (RX: the next pages of "
           "a ring's worth, as the engine's\nbuffers come round the ring): "
           "the kernel's own cost of a guest's layout, no engine.\n");
    printf("ratio: engine pkt/s / floor pkt/s; /ring, /paged: / their "
           "pkt/s; "
           "grant/pkt: the engine's\nmap_ops + copy_segs per packet; "
           "static/pkt: slots served by a static grant per\npacket "
           "(netif_queue_get_stats).\n");
    if (bad_total) {
        printf("WARNING: %" G_GUINT64_FORMAT " packets were errors, drops "
               "or lost over all runs\n", bad_total);
    }
    if (gso_split_seen) {
        printf("WARNING: 64 KiB GSO frames did not arrive whole on tap A "
               "(segmented on the way)\n");
    }
}

/*
 * QNB_BENCH_ONLY=PATTERN runs only the measurements whose name matches
 * the glob, e.g. "TX-64K-*" or "*-static" (names are DIR-SIZE-MODE, SIZE
 * MTU or 64K), to profile one of them alone.
 */
static bool selected(int d, int sz, int m)
{
    const char *only = getenv("QNB_BENCH_ONLY");
    g_autofree char *name = NULL;

    if (!only || !*only) {
        return true;
    }
    name = g_strdup_printf("%s-%s-%s", dir_names[d],
                           sz == SMALL ? "MTU" : "64K", mode_names[m]);
    return fnmatch(only, name, FNM_CASEFOLD) == 0;
}

int main(int argc, char **argv)
{
    uint64_t t_start = now_ns();
    int rep, sz, m;

    bench_ops = fake_ops;
    bench_ops.tap_writev = bench_tap_writev;
    bench_ops.tap_readv = bench_tap_readv;

    build_frames();
    setup_netns();

    printf("bench-engine: the netif engine with an in-process fake grant "
           "table and ring, NOT Xen.\n"
           "  The fake's grant copies are memcpy; its maps malloc an area "
           "and memcpy whole pages\n"
           "  (and unmap compares them back): stand-ins for Xen's grant "
           "hypercalls, whose cost is not here.\n"
           "  Real taps in a private network namespace: TX writes to %s "
           "(dropped by the stack),\n"
           "  RX reads %s, fed through bridge %s from %s.  Timed: the "
           "engine's poll calls / the\n"
           "  floor's writev/readv calls only.  Median of %d runs.\n\n",
           TAP_TX, TAP_RX_A, BRIDGE, TAP_RX_B, REPS);
    fflush(stdout);

    /* Interleave the modes within each repetition, against drift. */
    for (rep = 0; rep < REPS; rep++) {
        for (sz = 0; sz < NR_SIZES; sz++) {
            for (m = 0; m < NR_MODES; m++) {
                Sample *s = &samples[TX][sz][m][rep];

                if (!selected(TX, sz, m)) {
                    continue;
                }
                if (m == FLOOR || m == RING || m == PAGED) {
                    tx_floor(&frames[TX][sz], sz, m, s);
                } else {
                    tx_engine(&frames[TX][sz], sz, m, s);
                }
            }
            for (m = 0; m < NR_MODES; m++) {
                Sample *s = &samples[RX][sz][m][rep];

                if (!selected(RX, sz, m)) {
                    continue;
                }
                if (m == FLOOR || m == RING || m == PAGED) {
                    rx_floor(&frames[RX][sz], sz, m, s);
                } else if (m != MAP) {      /* RX never maps */
                    rx_engine(&frames[RX][sz], sz, m, s);
                }
            }
        }
    }

    print_table();
    printf("(%.1f s)\n", (now_ns() - t_start) / 1e9);
    return 0;
}
