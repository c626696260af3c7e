/*
 * qnb-netfront: the bench cases ("bench" and "bench-static"), make
 * bench's userspace netfront column: the same frontend, its buffers
 * named by grant references the backend copies from (or maps), or added
 * once as static grants, so the difference between the two is the
 * backend's grant operations alone.
 *
 * Both need --sync: dom0 (scenarios/bench.sh) takes the backend's
 * counters and the CPU times at each rendezvous and sends the RX
 * traffic.  On queue 0:
 *   TX  "bench-tx MODE VIF SECS": dom0 takes its snapshot; we send
 *       MTU-sized UDP frames for --secs seconds, up to TX_POOL in flight,
 *       notifying and waiting for events as a netfront does; then
 *       "bench-tx-end MODE VIF PACKETS BYTES MICROSECONDS" (the OKAY
 *       ones), and dom0 takes its second snapshot.
 *   RX  with RX_POOL buffers posted (each reposted as soon as taken),
 *       "bench-rx MODE VIF SECS": dom0 sends for SECS seconds meanwhile,
 *       with a snapshot before and after; then "bench-rx-end MODE VIF
 *       FRAMES BYTES" with what we took.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "ctrl.h"
#include "evtchn.h"
#include "packet.h"
#include "ring.h"
#include "xs.h"

#define BENCH_PAYLOAD   1472    /* a 1514-byte frame */
#define BENCH_REPOST    16      /* RX buffers reposted at a time */

unsigned int opt_secs = 5;

typedef struct BenchRx {
    VifQueue *q;
    uint64_t frames;
    uint64_t bytes;
    unsigned int taken;         /* buffers taken, not posted again yet */
    bool extra_next;
    bool bad;
} BenchRx;

static uint64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Wait up to @ms for an event on @q's channel, then consume it. */
static void wait_event(VifQueue *q, int ms)
{
    struct pollfd p = { .fd = q->evtchn_fd, .events = POLLIN };

    poll(&p, 1, ms);
    evtchn_drain(q->evtchn_fd);
}

/* Take the TX responses there are; count the OKAY ones. */
static unsigned int tx_reap(VifQueue *q, uint64_t *okay, uint64_t *bad)
{
    RING_IDX rp = q->tx.sring->rsp_prod;
    unsigned int n = 0;

    rmb();
    for (; q->tx.rsp_cons != rp; q->tx.rsp_cons++, n++) {
        int16_t st = RING_GET_RESPONSE(&q->tx, q->tx.rsp_cons)->status;

        if (st == NETIF_RSP_OKAY) {
            (*okay)++;
        } else {
            (*bad)++;
        }
    }
    return n;
}

static bool bench_tx(Vif *v, Detail *d, const char *mode)
{
    VifQueue *q = &v->q[0];
    uint64_t okay = 0, bad = 0, start, end, us;
    uint8_t frame[1600];
    size_t len = build_udp(frame, v, "qnb-bench", BENCH_PAYLOAD, false);

    if (!sync_point("bench-tx %s %d %u", mode, v->index, opt_secs)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    start = mono_us();
    end = start + (uint64_t)opt_secs * 1000000;
    while (mono_us() < end) {
        unsigned int queued = 0;
        int more;

        /* Up to TX_POOL in flight: each one has a page of the pool. */
        while (q->tx.req_prod_pvt - q->tx.rsp_cons < TX_POOL) {
            tx_queue_frame(q, frame, len);
            queued++;
        }
        if (queued) {
            tx_push_lazy(q);
        }
        if (tx_reap(q, &okay, &bad)) {
            continue;
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
        if (!more) {
            wait_event(q, 10);
        }
    }
    /* What is in flight still counts: it was sent in the window. */
    while (q->tx.req_prod_pvt != q->tx.rsp_cons && mono_us() < end + 2000000) {
        if (!tx_reap(q, &okay, &bad)) {
            wait_event(q, 10);
        }
    }
    us = mono_us() - start;
    note(d, "TX: %" PRIu64 " frames of %zu bytes OKAY in %" PRIu64 " us "
         "(%.0f/s), %" PRIu64 " not OKAY", okay, len, us,
         us ? okay * 1e6 / us : 0.0, bad);
    if (!sync_point("bench-tx-end %s %d %" PRIu64 " %" PRIu64 " %" PRIu64,
                    mode, v->index, okay, okay * len, us)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return okay > 0 && bad == 0 && q->tx.req_prod_pvt == q->tx.rsp_cons;
}

/* Count the RX responses there are (the data stays in the pages). */
static unsigned int rx_reap(BenchRx *b)
{
    netif_rx_response_t rsp;
    unsigned int n = 0;
    RxRsp t;

    while ((t = rx_next_response(b->q, &b->extra_next, &rsp)) !=
           RX_RSP_NONE) {
        n++;
        b->taken++;
        if (t == RX_RSP_BAD) {
            b->bad = true;
        } else if (t == RX_RSP_DATA) {
            b->bytes += (uint64_t)rsp.status;
            b->frames += !(rsp.flags & NETRXF_more_data);
        }
    }
    if (b->taken >= BENCH_REPOST) {
        rx_post_lazy(b->q, b->taken);
        b->taken = 0;
    }
    return n;
}

/* While dom0 sends: take frames for 20 ms, waiting for events between. */
static void rx_run(void *opaque)
{
    BenchRx *b = opaque;
    uint64_t end = mono_us() + 20000;

    while (mono_us() < end) {
        int more;

        if (rx_reap(b)) {
            continue;
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&b->q->rx, more);
        if (!more) {
            wait_event(b->q, 5);
        }
    }
}

static bool bench_rx(Vif *v, Detail *d, const char *mode)
{
    BenchRx b = { .q = &v->q[0] };
    uint64_t until;

    rx_post(b.q, RX_POOL);
    if (!sync_point_poll(rx_run, &b, "bench-rx %s %d %u", mode, v->index,
                         opt_secs)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    /* What is still on its way. */
    until = mono_us() + 300000;
    while (mono_us() < until) {
        rx_run(&b);
    }
    note(d, "RX: %" PRIu64 " frames, %" PRIu64 " bytes%s", b.frames,
         b.bytes, b.bad ? ", bad responses" : "");
    if (!sync_point("bench-rx-end %s %d %" PRIu64 " %" PRIu64, mode,
                    v->index, b.frames, b.bytes)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return b.frames > 0 && !b.bad;
}

static bool bench(Vif *v, Detail *d, bool with_static)
{
    const char *mode = with_static ? "static" : "grant";

    if (!opt_sync) {
        note(d, "needs --sync: dom0 takes the figures and sends the RX "
             "traffic");
        return false;
    }
    v->want_static = with_static;
    if (!vif_connect(v, d)) {
        return false;
    }
    if (with_static) {
        if (!v->has_ctrl) {
            note(d, "the backend offers no control ring");
            return false;
        }
        if (!static_add_all_pools(v, d)) {
            return false;
        }
    }
    return bench_tx(v, d, mode) && bench_rx(v, d, mode);
}

bool case_bench(Vif *v, Detail *d)
{
    return bench(v, d, false);
}

bool case_bench_static(Vif *v, Detail *d)
{
    return bench(v, d, true);
}
