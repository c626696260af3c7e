/*
 * qnb-netfront: the cases: a well-behaved one ("good"), the
 * hostile-frontend classes of docs/DESIGN "Bad input", stress on the
 * connection's life (faults racing a multi-queue connect or our own
 * Closing, an event storm, reconnect cycles and a stalled RX ring), and
 * static grants over a control ring ("static": steady-state traffic on
 * static TX and RX pages, dom0 reading the counters, then DEL with packets
 * in flight; "static-reconnect"; "static-off": declining the ring;
 * "static-mq": the same steady state on every queue of a 4-queue
 * connection); each with the checks of how the backend reacted.  Cases
 * send and receive on queue 0 unless they say otherwise.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cases.h"
#include "ctrl.h"
#include "evtchn.h"
#include "gnt.h"
#include "packet.h"
#include "ring.h"
#include "xs.h"

static unsigned int pkt_seq;

/*
 * The queue a case plays on: the last one, so that on a multi-queue vif
 * served by IOThreads (NAME@VIF/QUEUES) the bad input reaches a queue
 * other than the first, in another IOThread than queue 0's.
 */
VifQueue *case_queue(Vif *v)
{
    return &v->q[v->nr_queues ? v->nr_queues - 1 : 0];
}

/*
 * One single-slot UDP packet on queue 0; its response status, or -100 on
 * timeout.
 */
int send_good(Vif *v, const char *tag)
{
    VifQueue *q = case_queue(v);
    uint8_t frame[256];
    char text[96];
    int16_t st;
    size_t len;

    snprintf(text, sizeof(text), "qnb-netfront %s %u", tag, ++pkt_seq);
    len = build_udp(frame, v, text, 64, false);
    tx_queue_frame(q, frame, len);
    tx_push(q);
    if (tx_collect(q, 1, &st, 5000) != 1) {
        return -100;
    }
    return st;
}

/* Connect and check that a well-formed packet goes through. */
bool case_begin(Vif *v, Detail *d, const char *name)
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

/*
 * dom0 sends a case's RX frames through the vif's own tap, from its
 * UDP_STEER_PORT to our UDP port.  A multi-queue tap gives a flow to the
 * queue that last sent on it (the kernel's tun remembers that for 3 s):
 * on a multi-queue vif, one datagram of that flow from the case's queue
 * brings dom0's frames to that queue rather than to one of its hash
 * (rx_sync() sends one each second until dom0 answers).
 */
void rx_steer(Vif *v)
{
    VifQueue *q = case_queue(v);
    uint8_t frame[128];
    int16_t st;
    size_t len;

    if (v->nr_queues < 2) {
        return;
    }
    len = build_udp_to(frame, v, UDP_STEER_PORT, "qnb-netfront steer", 32,
                       false);
    tx_queue_frame(q, frame, len);
    tx_push(q);
    /* The tap learns the flow when QEMU writes it, whatever the answer. */
    tx_collect(q, 1, &st, 2000);
}

/*
 * rx_steer() once a second, for as long as dom0 may send: it may wait
 * for something else (a carrier) before it does.
 */
void rx_steer_tick(Vif *v, int64_t *last)
{
    int64_t t = now_ms();

    if (t - *last >= 1000) {
        rx_steer(v);
        *last = t;
    }
}

static void rx_steer_poll(void *opaque)
{
    static int64_t last;

    rx_steer_tick(opaque, &last);
    sleep_ms(100);
}

/* The rendezvous "@what VIF" at which dom0 sends us RX frames. */
bool rx_sync(Vif *v, const char *what)
{
    if (v->nr_queues < 2) {
        return sync_point("%s %d", what, v->index);
    }
    rx_steer(v);
    return sync_point_poll(rx_steer_poll, v, "%s %d", what, v->index);
}

/*
 * RX buffers on every queue but the case's, so that the frames which do
 * not go to the case's queue (dom0's own, say) stall nothing.
 */
void rx_post_others(Vif *v)
{
    unsigned int i;

    for (i = 0; i < v->nr_queues; i++) {
        if (&v->q[i] != case_queue(v)) {
            rx_post(&v->q[i], RX_POOL);
        }
    }
}

/* The vif must still be Connected with no fault, and still carry traffic. */
bool expect_alive(Vif *v, Detail *d, const char *name)
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
    /* dom0 reads the counters this connection left (it may expect some). */
    if (opt_sync && !sync_point("alive %s %d", name, v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return true;
}

/*
 * The backend must give up on us: Closing within a few seconds, with an
 * error node that says why (containing @keyword).
 */
bool expect_fatal(Vif *v, Detail *d, const char *name,
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

/*
 * @count single-slot packets of growing sizes on queue @q of @v, in
 * batches of 16 pushed at once; how many were answered OKAY.
 */
static unsigned int send_batches(Vif *v, VifQueue *q, Detail *d,
                                 const char *tag, unsigned int count)
{
    unsigned int sent = 0, okay = 0, i;
    int16_t st[16];

    while (sent < count) {
        unsigned int n = count - sent < 16 ? count - sent : 16;
        unsigned int got;

        for (i = 0; i < n; i++) {
            uint8_t frame[1600];
            char text[64];

            snprintf(text, sizeof(text), "qnb-netfront %s %u", tag,
                     ++pkt_seq);
            tx_queue_frame(q, frame, build_udp(frame, v, text,
                                               64 + 97 * i, false));
        }
        tx_push(q);
        got = tx_collect(q, n, st, 5000);
        for (i = 0; i < got; i++) {
            okay += st[i] == NETIF_RSP_OKAY;
        }
        sent += n;
        if (got < n) {
            note(d, "%u responses missing", n - got);
            break;
        }
    }
    return okay;
}

static bool case_good(Vif *v, Detail *d)
{
    unsigned int okay;

    if (!case_begin(v, d, "good")) {
        return false;
    }
    rx_post(case_queue(v), RX_POOL);
    /* case_begin()'s packet was the first. */
    okay = 1 + send_batches(v, case_queue(v), d, "good",
                            opt_count > 1 ? opt_count - 1 : 0);
    note(d, "%u/%u packets OKAY", okay, opt_count);
    return okay == opt_count;
}

static bool case_bad_gref(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
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
    tx_put(q, &req);

    len = build_udp(frame, v, "qnb-netfront bad-gref B", 64, false);
    sizes[0] = 42;
    sizes[1] = (unsigned int)len - 42;
    tx_queue_layout(q, frame, len, sizes, 2, 0, 0);
    tx_queued(q, 1)->gref = BAD_GREF;

    len = build_udp(frame, v, "qnb-netfront bad-gref C", 64, false);
    tx_queue_frame(q, frame, len);
    tx_push(q);

    if (tx_collect(q, 4, st, 5000) != 4) {
        note(d, "responses missing");
        return false;
    }
    note(d, "bad first slot %s, bad second slot %s/%s, good packet %s",
         rsp_name(st[0]), rsp_name(st[1]), rsp_name(st[2]), rsp_name(st[3]));
    ok = st[0] == NETIF_RSP_ERROR && st[1] == NETIF_RSP_ERROR &&
         st[2] == NETIF_RSP_ERROR && st[3] == NETIF_RSP_OKAY;
    return expect_alive(v, d, "bad-gref") && ok;
}

/*
 * Bad grefs, round after round: each a failed grant operation in the
 * backend.  Every bad packet is refused and every good one passes; the
 * backend's log must not grow a line per failure (dom0 counts them).
 */
#define BAD_GREF_FLOOD_ROUNDS 200

static bool case_bad_gref_flood(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
    netif_tx_request_t req = { .gref = BAD_GREF };
    unsigned int i, refused = 0, passed = 0;
    uint8_t frame[256];
    int16_t st[2];
    size_t len;

    if (!case_begin(v, d, "bad-gref-flood")) {
        return false;
    }
    len = build_udp(frame, v, "qnb-netfront bad-gref-flood", 64, false);
    req.size = (uint16_t)len;
    for (i = 0; i < BAD_GREF_FLOOD_ROUNDS; i++) {
        tx_put(q, &req);
        tx_queue_frame(q, frame, len);
        tx_push(q);
        if (tx_collect(q, 2, st, 5000) != 2) {
            note(d, "round %u: responses missing", i);
            return false;
        }
        refused += st[0] == NETIF_RSP_ERROR;
        passed += st[1] == NETIF_RSP_OKAY;
    }
    note(d, "%u rounds: %u bad packets refused, %u good ones passed",
         BAD_GREF_FLOOD_ROUNDS, refused, passed);
    return expect_alive(v, d, "bad-gref-flood") &&
           refused == BAD_GREF_FLOOD_ROUNDS && passed == BAD_GREF_FLOOD_ROUNDS;
}

/*
 * multi-queue-num-queues that is not a number, then 0: each refused at
 * connect (the backend goes Closing with its error), never taken as one
 * queue.  The key goes again afterwards.
 */
static bool case_bad_num_queues(Vif *v, Detail *d)
{
    static const char *const values[] = { "two", "0" };
    static const char *const errors[] = { "not a number", "asks for 0" };
    char path[128], *err;
    unsigned int i;
    bool ok = true;
    int st;

    snprintf(path, sizeof(path), "%s/multi-queue-num-queues", v->fe);
    for (i = 0; i < 2 && ok; i++) {
        v->nr_queues = 1;
        if (!vif_prepare(v, d)) {
            return false;
        }
        if (!xs_write(path, values[i])) {
            note(d, "cannot write %s", path);
            return false;
        }
        if (!vif_go(v, d, false)) {
            return false;
        }
        if (i == 1) {
            ok = expect_fatal(v, d, "bad-num-queues", errors[i]);
            break;
        }
        if (!be_wait(v, XB_CLOSING, 5000, &st)) {
            note(d, "'%s': backend in state %d, not Closing", values[i], st);
            ok = false;
        }
        err = be_error(v);
        if (!err || !strstr(err, errors[i])) {
            note(d, "'%s': error '%s' lacks '%s'", values[i],
                 err ? err : "", errors[i]);
            ok = false;
        } else {
            note(d, "'%s': Closing, error '%s'", values[i], err);
        }
        free(err);
        if (!vif_close(v, d)) {
            return false;
        }
    }
    xs_rm(path);
    return ok;
}

/* An impossible TX req_prod on @q: four rings ahead of its responses. */
static void tx_bogus_req_prod(VifQueue *q)
{
    wmb();
    q->tx.sring->req_prod = q->tx.sring->rsp_prod + 4 * RING_SIZE(&q->tx);
    wmb();
}

/*
 * Fatal faults a queue's TX ring can carry before anyone kicks it: the
 * requests are published but not notified, so the backend meets them
 * whenever it next looks (at connect, or after a kick).  The cases of the
 * same names kick at once; connect-fault and closing-fault rotate through
 * them.  Each has the words its error node must hold.
 */
typedef struct TxFault {
    const char *name;
    const char *keyword;
    void (*arm)(Vif *v, VifQueue *q);
} TxFault;

static void arm_too_many_slots(Vif *v, VifQueue *q)
{
    unsigned int sizes[25], i;
    uint8_t frame[25 * 64];

    build_udp(frame, v, "qnb-netfront fault", 25 * 64 - 42, false);
    for (i = 0; i < 25; i++) {
        sizes[i] = 64;
    }
    tx_queue_layout(q, frame, sizeof(frame), sizes, 25, 0, 0);
    RING_PUSH_REQUESTS(&q->tx);
}

static void arm_unknown_extra(Vif *v, VifQueue *q)
{
    struct netif_extra_info extra = {
        .type = XEN_NETIF_EXTRA_TYPE_MAX, .flags = 0,
    };
    uint8_t frame[256];
    size_t len = build_udp(frame, v, "qnb-netfront fault", 64, false);

    tx_queue_frame(q, frame, len);
    tx_queued(q, 1)->flags |= NETTXF_extra_info;
    tx_put_extra(q, &extra);
    RING_PUSH_REQUESTS(&q->tx);
}

static void arm_page_crossing(Vif *v, VifQueue *q)
{
    uint8_t frame[256];
    size_t len = build_udp(frame, v, "qnb-netfront fault", 150, false);
    unsigned int size = (unsigned int)len;

    tx_queue_layout(q, frame, len, &size, 1, 0, 0);
    /* offset 4000 + 192 bytes: the slot runs past its page. */
    tx_queued(q, 1)->offset = 4000;
    RING_PUSH_REQUESTS(&q->tx);
}

static void arm_req_prod(Vif *v, VifQueue *q)
{
    (void)v;
    tx_bogus_req_prod(q);
}

static const TxFault tx_faults[] = {
    { "req_prod", "req_prod", arm_req_prod },
    { "25 slots", "more than", arm_too_many_slots },
    { "unknown extra", "extra type", arm_unknown_extra },
    { "page crossing", "crosses the page", arm_page_crossing },
};
#define NR_TX_FAULTS    (sizeof(tx_faults) / sizeof(tx_faults[0]))

static bool case_offset_overflow(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);

    if (!case_begin(v, d, "offset-overflow")) {
        return false;
    }
    arm_page_crossing(v, q);
    tx_push(q);
    note(d, "slot offset 4000 size %u", tx_queued(q, 1)->size);
    return expect_fatal(v, d, "offset-overflow", "crosses the page");
}

static bool case_size_chain(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
    uint8_t frame[512];
    unsigned int sizes[2] = { 60, 200 };
    int16_t st[2];
    size_t len;

    if (!case_begin(v, d, "size-chain")) {
        return false;
    }
    len = build_udp(frame, v, "qnb-netfront size-chain", 250, false);
    tx_queue_layout(q, frame, len, sizes, 2, 0, 0);
    /* The first slot claims 100 bytes in all; its second slot has 200. */
    tx_queued(q, 2)->size = 100;
    tx_push(q);
    if (tx_collect(q, 2, st, 5000) != 2) {
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
    VifQueue *q = case_queue(v);

    if (!case_begin(v, d, "too-many-slots")) {
        return false;
    }
    arm_too_many_slots(v, q);
    tx_push(q);
    note(d, "one packet of 25 slots");
    return expect_fatal(v, d, "too-many-slots", "more than");
}

static bool case_bogus_req_prod(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);

    if (!case_begin(v, d, "bogus-req-prod")) {
        return false;
    }
    wmb();
    q->tx.sring->req_prod = q->tx.req_prod_pvt + 1000;
    wmb();
    evtchn_notify(q->evtchn_fd, q->port);
    note(d, "req_prod = req_cons + 1000");
    return expect_fatal(v, d, "bogus-req-prod", "req_prod");
}

static bool case_unknown_extra(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);

    if (!case_begin(v, d, "unknown-extra")) {
        return false;
    }
    arm_unknown_extra(v, q);
    tx_push(q);
    note(d, "extra-info type %u", XEN_NETIF_EXTRA_TYPE_MAX);
    return expect_fatal(v, d, "unknown-extra", "extra type");
}

static bool case_zero_length_frags(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
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

        n = tx_queue_layout(q, frame, len, s, 3, 0, 0);
    }
    len = build_udp(frame, v, "qnb-netfront zero-length-frags 2", 200, false);
    {
        unsigned int s[2] = { 0, (unsigned int)len };

        n += tx_queue_layout(q, frame, len, s, 2, 0, 0);
    }
    len = build_udp(frame, v, "qnb-netfront zero-length-frags 3", 200, false);
    {
        unsigned int s[2] = { (unsigned int)len, 0 };

        n += tx_queue_layout(q, frame, len, s, 2, 0, 0);
    }
    tx_push(q);
    if (tx_collect(q, n, st, 5000) != n) {
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
    VifQueue *q = case_queue(v);
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
        tx_queue_layout(q, frame, len, s, nr,
                        NETTXF_csum_blank | NETTXF_data_validated, 0);
        tx_push(q);
        if (tx_collect(q, nr, st, 5000) != nr) {
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
    Grants *g[] = { &case_queue(v)->rings };
    int n;

    if (!case_begin(v, d, "revoke-rings")) {
        return false;
    }
    leak_check_mark();
    grants_free(&case_queue(v)->rings);    /* its rings must not be used now */
    n = leak_check_count(g, 1);
    if (!leak_check_usable()) {
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

/*
 * Connected with no RX buffer posted while dom0 floods us (at rendezvous
 * @starved), then buffers posted (at @posted, dom0 sends datagrams
 * starting with @marker): the vif must stay Connected and deliver again.
 */
static bool rx_starve_then_post(Vif *v, Detail *d, const char *name,
                                const char *starved, const char *posted,
                                const char *marker)
{
    unsigned int frames = 0, marked = 0;
    bool ok;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the traffic");
        return false;
    }
    if (!case_begin(v, d, name)) {
        return false;
    }
    rx_post_others(v);
    if (!rx_sync(v, starved)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    if (!expect_alive(v, d, name)) {
        return false;
    }
    rx_post(case_queue(v), RX_POOL);
    if (!rx_sync(v, posted)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    ok = rx_poll(case_queue(v), 8000, marker, &frames, &marked, d);
    note(d, "after posting %u buffers: %u frames, %u of dom0's marked ones",
         RX_POOL, frames, marked);
    return ok && marked > 0;
}

/* dom0 floods a guest without buffers; QEMU must not queue the flood. */
static bool case_rx_no_buffers(Vif *v, Detail *d)
{
    return rx_starve_then_post(v, d, "rx-no-buffers", "rx-nobuf",
                               "rx-posted", "qnb-rx-posted");
}

/* ------------------------------------------------------------------ */
/* Connecting, closing and kicking under stress */

#define CLOSING_FAULT_ROUNDS    24
#define STORM_MS                5000
#define EVENT_STORM_MS          10000   /* dom0 measures two vifs meanwhile */
/* 30 cycles of one queue; of more queues, 80 queue connections in all */
#define RECONNECT_CYCLES        30
#define RECONNECT_QUEUES        80

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Busy-wait: a sleep would round a few hundred us up to timer ticks. */
static void spin_us(unsigned int us)
{
    int64_t end = now_us() + us;

    while (now_us() < end) {
        /* spin */
    }
}

/* Break every queue's TX ring with @f, then kick every queue. */
static void fault_all_queues(Vif *v, const TxFault *f)
{
    unsigned int i;

    for (i = 0; i < v->nr_queues; i++) {
        f->arm(v, &v->q[i]);
    }
    for (i = 0; i < v->nr_queues; i++) {
        evtchn_notify(v->q[i].evtchn_fd, v->q[i].port);
    }
}

#define CONNECT_FAULT_ROUNDS    8

/*
 * The backend is Closing for a fault: it must stay so, not become
 * Connected again once the connect it interrupted is over.
 */
static bool stays_closing(Vif *v, Detail *d, unsigned int round)
{
    int st;

    sleep_ms(500);
    st = be_state(v);
    if (st != XB_CLOSING) {
        note(d, "round %u: the backend went from Closing to state %d",
             round, st);
        return false;
    }
    return true;
}

/*
 * One queue's TX ring is broken before we write Connected, so the backend
 * meets the fault while it is still connecting (attaching the queues
 * after it).  It must end Closing with the error naming that queue and
 * the fault, never Connected without a data plane.  Each round breaks the
 * next queue with the next of tx_faults[]; the last round's fault (a
 * req_prod) is shown to dom0 and closed by the runner.
 */
static bool case_connect_fault(Vif *v, Detail *d)
{
    unsigned int round, named = 0, broken = 0, queues = 0;
    char want[16];
    char *err;
    bool ok = true;
    int st;

    for (round = 0; round < CONNECT_FAULT_ROUNDS && ok; round++) {
        bool last = round + 1 == CONNECT_FAULT_ROUNDS;
        const TxFault *f = &tx_faults[(round + 1) % NR_TX_FAULTS];

        v->nr_queues = QNB_MAX_QUEUES;
        if (!vif_prepare(v, d)) {
            return false;
        }
        if (v->nr_queues < 2) {
            note(d, "needs a backend with 2 queues or more, it offers %u",
                 v->be_max_queues);
            return false;
        }
        queues = v->nr_queues;
        broken = (round + 1) % queues;
        f->arm(v, &v->q[broken]);
        if (!vif_go(v, d, false)) {
            return false;
        }
        if (last) {
            ok = expect_fatal(v, d, "connect-fault", f->keyword);
        } else if (!be_wait(v, XB_CLOSING, 5000, &st)) {
            note(d, "round %u (queue %u broken: %s): backend in state %d, "
                 "not Closing", round, broken, f->name, st);
            ok = false;
        }
        ok = ok && stays_closing(v, d, round);
        err = be_error(v);
        snprintf(want, sizeof(want), "queue %u:", broken);
        if (err && strstr(err, want) && strstr(err, f->keyword)) {
            named++;
        } else {
            note(d, "round %u: error '%s' does not name queue %u and '%s'",
                 round, err ? err : "", broken, f->keyword);
            ok = false;
        }
        free(err);
        if (!last && !vif_close(v, d)) {
            return false;
        }
    }
    note(d, "%u rounds of %u queues, one broken before Connected (%zu "
         "kinds of fault in turn): Closing each time, the error naming "
         "the broken queue and its fault %u times",
         round, queues, NR_TX_FAULTS, named);
    return ok;
}

/*
 * A fault racing our own Closing.  Each round connects 4 queues; even
 * rounds write Closing and then break every TX ring, odd rounds break
 * them and then write Closing, the gap growing by 400 us and the fault
 * moving on to the next of tx_faults[] every two rounds.  Whichever the backend sees first, it must close, give back
 * every grant and come back to InitWait; a crashed QEMU makes the next
 * wait time out.
 */
static bool case_closing_fault(Vif *v, Detail *d)
{
    /* Index 0: Closing first, 1: fault first. */
    unsigned int rounds[2] = { 0, 0 }, seen[2] = { 0, 0 };
    unsigned int round, queues = 0;

    for (round = 0; round < CLOSING_FAULT_ROUNDS; round++) {
        unsigned int gap = round / 2 * 400;
        const TxFault *f = &tx_faults[round / 2 % NR_TX_FAULTS];
        bool fault_first = round & 1;
        char *err;

        v->nr_queues = QNB_MAX_QUEUES;
        if (!vif_connect(v, d)) {
            note(d, "round %u: connect failed", round);
            return false;   /* the runner closes */
        }
        queues = v->nr_queues;
        if (fault_first) {
            fault_all_queues(v, f);
            spin_us(gap);
            vif_set_state(v, XB_CLOSING);
        } else {
            vif_set_state(v, XB_CLOSING);
            spin_us(gap);
            fault_all_queues(v, f);
        }
        /* Copes with the backend Connected, Closing or Closed by now. */
        if (!vif_close(v, d)) {
            note(d, "round %u (%s first, gap %u us, %s): close failed",
                 round, fault_first ? "fault" : "Closing", gap, f->name);
            return false;
        }
        rounds[fault_first]++;
        /* The error node stays until we connect again. */
        err = be_error(v);
        if (err) {
            seen[fault_first]++;
            debug("closing-fault round %u: error '%s'", round, err);
        }
        free(err);
    }
    note(d, "%u rounds of %u queues (%zu kinds of fault in turn), all "
         "closed cleanly; the backend saw the fault in %u/%u Closing-first "
         "and %u/%u fault-first rounds", round, queues, NR_TX_FAULTS,
         seen[0], rounds[0], seen[1], rounds[1]);
    /* And it still serves: one more connection, for the runner to close. */
    return case_begin(v, d, "closing-fault");
}

/*
 * dom0 removes the device (device_del) while we break it: the unplug
 * moves the backend to Closing with our 4 queues still served, and we
 * break every TX ring around our own Closing and Closed (an oversized
 * chain, then a bogus req_prod).  xen-bus then
 * removes the device; QEMU must survive it and let go of every grant.
 * The vif is gone afterwards: this is its last case.
 */
static bool case_removal_fault(Vif *v, Detail *d)
{
    int st;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 removes the device");
        return false;
    }
    v->nr_queues = QNB_MAX_QUEUES;
    if (!vif_connect(v, d)) {
        return false;
    }
    if (!sync_point("remove %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    if (!be_wait(v, XB_CLOSING, 10000, &st)) {
        note(d, "backend in state %d after device_del, not Closing", st);
        return false;
    }
    fault_all_queues(v, &tx_faults[1]);
    vif_set_state(v, XB_CLOSING);
    spin_us(300);
    fault_all_queues(v, &tx_faults[0]);
    vif_set_state(v, XB_CLOSED);
    note(d, "%u queues broken (%s, then %s) around our Closing and Closed "
         "during the removal", v->nr_queues, tx_faults[1].name,
         tx_faults[0].name);
    return vif_wait_removed(v, d, 10000);
}

/*
 * Kick the backend as fast as we can for 5 s with nothing on the rings.
 * It must stay Connected and serving (dom0 watches it meanwhile).
 */
/* Kick @port for @ms with nothing on its ring; how many kicks. */
static unsigned int kick_storm(int fd, int port, unsigned int ms, Detail *d)
{
    unsigned int kicks = 0, i;
    int64_t t0 = now_ms(), t;

    do {
        for (i = 0; i < 64; i++) {
            evtchn_notify(fd, port);
        }
        kicks += 64;
        /* Whatever the backend sends back must not pile up. */
        if (!(kicks % 4096)) {
            evtchn_drain(fd);
        }
        t = now_ms();
    } while (t - t0 < ms);
    evtchn_drain(fd);
    note(d, "%u kicks in %lld ms (%lld/s)", kicks, (long long)(t - t0),
         (long long)kicks * 1000 / (t - t0));
    return kicks;
}

static bool case_event_storm(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
    unsigned int kicks;

    if (!case_begin(v, d, "event-storm")) {
        return false;
    }
    if (!sync_point("storm-begin %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    kicks = kick_storm(q->evtchn_fd, q->port, EVENT_STORM_MS, d);
    if (!sync_point("storm-end %d %u", v->index, kicks)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return expect_alive(v, d, "event-storm");
}

#define SPLIT_STORM_MS  3000

/*
 * The storm on split event channels (feature-split-event-channels): 3 s
 * of kicks on the TX port, then 3 s on the RX port, nothing on either
 * ring.  Each port is masked by the late EOI in turn; dom0 counts how
 * many kicks of each ran the queue.
 */
static bool case_split_storm(Vif *v, Detail *d)
{
    unsigned int tx, rx;
    VifQueue *q;

    v->want_split = true;
    if (!case_begin(v, d, "split-storm")) {
        return false;
    }
    q = case_queue(v);
    if (!v->split || q->rx_port == q->port) {
        note(d, "the backend offers no split event channels");
        return false;
    }
    if (!sync_point("split-storm-begin %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    tx = kick_storm(q->evtchn_fd, q->port, SPLIT_STORM_MS, d);
    rx = kick_storm(q->evtchn_fd, q->rx_port, SPLIT_STORM_MS, d);
    if (!sync_point("split-storm-end %d %u %u", v->index, tx, rx)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    note(d, "queue %u on split channels: TX port %d, RX port %d",
         q->index, q->port, q->rx_port);
    return expect_alive(v, d, "split-storm");
}

/*
 * Connect and close 30 times (20 times with four queues) while dom0 sends
 * us traffic, RX buffers posted on every queue each time: dom0 samples
 * QEMU's memory after cycle 10 and the last, so a leak per connection or
 * per queue shows.
 */
static bool case_reconnect_cycles(Vif *v, Detail *d)
{
    int64_t t0, t_sync = 0, ms;
    unsigned int i, q, done = 0, queues = v->nr_queues, cycles;
    bool ok = true, synced = true;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the traffic and samples QEMU");
        return false;
    }
    if (!sync_point("cycles-begin %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    cycles = RECONNECT_QUEUES / (queues ? queues : 1);
    if (cycles > RECONNECT_CYCLES) {
        cycles = RECONNECT_CYCLES;
    }
    t0 = now_ms();
    for (i = 1; i <= cycles; i++) {
        v->nr_queues = queues;      /* vif_close() left one */
        if (!vif_connect(v, d)) {
            note(d, "cycle %u: connect failed", i);
            ok = false;
            break;          /* the runner closes */
        }
        /* Somewhere for dom0's frames to go; nothing takes them. */
        for (q = 0; q < v->nr_queues; q++) {
            rx_post(&v->q[q], RX_POOL);
        }
        if (!vif_close(v, d)) {
            note(d, "cycle %u: close failed", i);
            ok = false;
            break;
        }
        done = i;
        if (i == 10 || i == cycles) {
            int64_t ts = now_ms();

            if (!sync_point("cycles %u", i)) {
                note(d, "no rendezvous with dom0 after cycle %u", i);
                ok = synced = false;
                break;
            }
            t_sync += now_ms() - ts;
        }
    }
    ms = now_ms() - t0 - t_sync;
    note(d, "%u cycles in %lld ms (%.1f/s, not counting the rendezvous)",
         done, (long long)ms, ms > 0 ? done * 1000.0 / (double)ms : 0.0);
    /* Stop dom0's traffic, even after a failure. */
    if (synced && !sync_point("cycles-end")) {
        note(d, "no rendezvous with dom0");
        ok = false;
    }
    /* And it still serves: one more connection, for the runner to close. */
    v->nr_queues = queues;
    return ok && case_begin(v, d, "reconnect-cycles");
}

/*
 * vanish: traffic both ways on every queue, each TX ring kept
 * VANISH_DEPTH requests deep (frames to a MAC nobody has, which dom0
 * drops at once) and every RX response posted again, until dom0 destroys
 * this domain in the middle of it ("vanish VIF" is never acknowledged;
 * the plan's last case: nothing runs after it).  dom0 checks that QEMU
 * let go of every grant and serves its other vifs on.
 */
#define VANISH_DEPTH    16

typedef struct Stream {
    Vif *v;
    uint64_t sent, answered, received;
} Stream;

static void stream_poll(void *opaque)
{
    Stream *s = opaque;
    Vif *v = s->v;
    uint8_t frame[1500];
    unsigned int i, n;
    size_t len;

    len = build_udp_to(frame, v, UDP_STEER_PORT, "qnb-netfront vanish", 1400,
                       false);
    memcpy(frame, "\x02\x00\x00\x00\x0f\x01", 6);
    for (i = 0; i < v->nr_queues; i++) {
        VifQueue *q = &v->q[i];
        RING_IDX rp = q->tx.sring->rsp_prod;

        rmb();
        s->answered += (RING_IDX)(rp - q->tx.rsp_cons);
        q->tx.rsp_cons = rp;
        for (n = 0; q->tx.req_prod_pvt - q->tx.rsp_cons < VANISH_DEPTH; n++) {
            tx_queue_frame(q, frame, len);
        }
        if (n) {
            tx_push(q);
            s->sent += n;
        }
        for (n = 0; q->rx.rsp_cons != q->rx.sring->rsp_prod; n++) {
            rmb();
            q->rx.rsp_cons++;
        }
        if (n) {
            rx_post(q, n);
            s->received += n;
        }
        evtchn_drain(q->evtchn_fd);
    }
    sleep_ms(1);
}

static bool case_vanish(Vif *v, Detail *d)
{
    Stream s = { .v = v };
    unsigned int i;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 destroys us");
        return false;
    }
    if (!case_begin(v, d, "vanish")) {
        return false;
    }
    for (i = 0; i < v->nr_queues; i++) {
        rx_post(&v->q[i], RX_POOL);
    }
    stream_poll(&s);
    sync_point_poll(stream_poll, &s, "vanish %d", v->index);
    note(d, "still here: %llu frames sent, %llu answered, %llu received",
         (unsigned long long)s.sent, (unsigned long long)s.answered,
         (unsigned long long)s.received);
    return false;
}

/*
 * Like rx-no-buffers, for the stall bound: with no RX buffer posted the
 * backend must declare us stalled and drop what it queued for us, stay
 * Connected, and deliver again once we post buffers.
 */
static bool case_rx_stall(Vif *v, Detail *d)
{
    return rx_starve_then_post(v, d, "rx-stall", "rx-stall", "rx-resumed",
                               "qnb-rx-resumed");
}

/* ------------------------------------------------------------------ */
/* Static grants, over the control ring */

#define STATIC_TX_PACKETS   200     /* dom0 wants at least this many */
#define STATIC_PACKETS      20
#define STATIC_ROUNDS       5
#define STATIC_CTRL_MS      5000
#define STATIC_MQ_QUEUES    4
#define STATIC_MQ_PACKETS   100     /* TX packets on each queue */

_Static_assert(STATIC_MQ_QUEUES <= QNB_MAX_QUEUES, "static-mq's queues");

/*
 * RX taken on every queue of the connection while a rendezvous waits for
 * dom0, who sends meanwhile; the counts per queue.
 */
typedef struct RxTake {
    Vif *v;
    Detail *d;
    const char *marker;
    unsigned int frames[QNB_MAX_QUEUES];
    unsigned int marked[QNB_MAX_QUEUES];
    bool ok;
} RxTake;

static void rx_take(void *opaque)
{
    RxTake *t = opaque;

    t->ok = rx_poll_all(t->v, 100, t->marker, t->frames, t->marked, t->d) &&
            t->ok;
}

/*
 * dom0's datagrams (marked with t->marker) on every queue of the
 * connection: post RX_POOL buffers on each, meet dom0 at @word (it sends
 * then, and answers once done) taking frames meanwhile, every buffer
 * reposted as soon as taken (the backend reads into static buffers only
 * with 18 posted), then take what is still on its way.  The counts per
 * queue in @t; false, with a note, if dom0 did not answer.
 */
static bool static_rx(Vif *v, Detail *d, const char *word, RxTake *t)
{
    unsigned int i;

    for (i = 0; i < v->nr_queues; i++) {
        rx_post(&v->q[i], RX_POOL);
    }
    if (!sync_point_poll(rx_take, t, "%s", word)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    /* What is still on its way. */
    t->ok = rx_poll_all(v, 500, t->marker, t->frames, t->marked, d) && t->ok;
    return true;
}

/*
 * DEL every TX pool gref of queue 0 with a packet in flight on each:
 * every entry must be removed, or refused as still in use
 * (INVALID_PARAMETER), and nothing else; the refused ones must go once
 * their packets are answered.  The pages stay granted, so packets still
 * go, the grant way.
 */
static bool static_del_in_flight(Vif *v, Detail *d)
{
    VifQueue *q = &v->q[0];
    uint16_t status[TX_POOL];
    uint32_t refused[TX_POOL];
    int16_t st[TX_POOL];
    unsigned int i, got, okay = 0, gone = 0, nr_refused = 0, other = 0;
    unsigned int removed = 0;
    uint32_t room = 0, after = 0;
    bool ok = true;
    int ret;

    ret = ctrl_call(v, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 0, 0, 0,
                    &room, STATIC_CTRL_MS);
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS) {
        note(d, "GET_GREF_MAPPING_SIZE: %s", ctrl_status_name(ret));
        return false;
    }
    /* One packet per TX page, all pushed, then DEL at once. */
    for (i = 0; i < TX_POOL; i++) {
        uint8_t frame[256];
        char text[64];

        snprintf(text, sizeof(text), "qnb-netfront static-del %u",
                 ++pkt_seq);
        tx_queue_frame(q, frame, build_udp(frame, v, text, 64, false));
    }
    tx_push(q);
    ret = static_del(v, 0, q->txbuf.refs, TX_POOL, &removed, status);
    got = tx_collect(q, TX_POOL, st, 5000);
    for (i = 0; i < got; i++) {
        okay += st[i] == NETIF_RSP_OKAY;
    }
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS) {
        note(d, "DEL_GREF_MAPPING of the %u TX grefs in flight: %s",
             TX_POOL, ctrl_status_name(ret));
        return false;
    }
    for (i = 0; i < TX_POOL; i++) {
        if (status[i] == XEN_NETIF_CTRL_STATUS_SUCCESS) {
            gone++;
        } else if (status[i] == XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER) {
            refused[nr_refused++] = q->txbuf.refs[i];
        } else {
            debug("DEL: gref %u: status %u", q->txbuf.refs[i], status[i]);
            other++;
        }
    }
    note(d, "DEL of the %u TX grefs, a packet in flight on each: %u "
         "removed, %u refused as in use, %u other statuses; the packets "
         "%u/%u OKAY", TX_POOL, gone, nr_refused, other, okay, TX_POOL);
    if (removed != gone) {
        note(d, "but the response counts %u removed", removed);
        ok = false;
    }
    ok = ok && !other && okay == TX_POOL;
    if (nr_refused) {
        unsigned int again = 0;

        ret = static_del(v, 0, refused, nr_refused, &removed, status);
        for (i = 0; i < nr_refused; i++) {
            again += status[i] == XEN_NETIF_CTRL_STATUS_SUCCESS;
        }
        note(d, "DEL of the refused ones once answered: %s, %u/%u removed",
             ctrl_status_name(ret), again, nr_refused);
        ok = ok && ret == XEN_NETIF_CTRL_STATUS_SUCCESS &&
             again == nr_refused && removed == nr_refused;
    }
    ret = ctrl_call(v, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 0, 0, 0,
                    &after, STATIC_CTRL_MS);
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS || after != room + TX_POOL) {
        note(d, "GET_GREF_MAPPING_SIZE after DEL: %s, room %u (was %u)",
             ctrl_status_name(ret), after, room);
        ok = false;
    }
    ret = send_good(v, "static-after-del");
    note(d, "a packet after: %s", ret == -100 ? "no response" :
         rsp_name((int16_t)ret));
    return ok && ret == NETIF_RSP_OKAY;
}

/*
 * Static grants in steady state: connect with a control ring, add the TX
 * and RX pools, then 200 TX packets and dom0's datagrams on RX (see
 * static_rx()).  dom0 checks the counters while we are connected: no
 * grant operation per packet.  Then DEL with TX in flight.
 */
static bool case_static(Vif *v, Detail *d)
{
    RxTake rx = { .v = v, .d = d, .marker = "qnb-static-rx", .ok = true };
    char word[64];
    unsigned int okay;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the RX traffic and reads the "
             "counters");
        return false;
    }
    v->want_static = true;
    if (!vif_connect(v, d) || !static_add_all_pools(v, d)) {
        return false;
    }
    note(d, "%u TX (%s) and %u RX pages added as static grants", TX_POOL,
         v->q[0].txbuf.writable ? "writable" : "read-only", RX_POOL);

    /* Nothing sent before: dom0 wants every TX slot served statically. */
    okay = send_batches(v, &v->q[0], d, "static", STATIC_TX_PACKETS);
    note(d, "%u/%u TX packets OKAY", okay, STATIC_TX_PACKETS);
    if (okay != STATIC_TX_PACKETS) {
        return false;
    }

    snprintf(word, sizeof(word), "static-rx %d", v->index);
    if (!static_rx(v, d, word, &rx)) {
        return false;
    }
    note(d, "RX: %u frames, %u of dom0's marked ones", rx.frames[0],
         rx.marked[0]);
    if (!rx.ok || !rx.marked[0]) {
        return false;
    }

    if (!sync_point("static-check %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return static_del_in_flight(v, d);
}

/*
 * Static grants on every queue: connect 4 queues with a control ring, add
 * each queue's TX and RX pages as that queue's static grants, send 100 TX
 * packets on each queue (their payload names the queue), then take
 * dom0's datagrams on every queue: it sends them to several UDP ports,
 * and the host's tap spreads them over the queues as it likes, so we
 * want marked frames in all, not on every queue.  dom0 checks the
 * counters while we are connected.
 */
static bool case_static_mq(Vif *v, Detail *d)
{
    RxTake rx = { .v = v, .d = d, .marker = "qnb-static-mq-rx", .ok = true };
    unsigned int i, okay, frames = 0, marked = 0, busy = 0;
    char word[64], tag[32], per[160];
    size_t len = 0;
    bool ok = true;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the RX traffic and reads the "
             "counters");
        return false;
    }
    v->want_static = true;
    v->nr_queues = STATIC_MQ_QUEUES;
    if (!vif_prepare(v, d)) {
        return false;
    }
    if (v->nr_queues < STATIC_MQ_QUEUES) {
        note(d, "needs a backend with %u queues, it offers %u",
             STATIC_MQ_QUEUES, v->be_max_queues);
        return false;
    }
    if (!vif_go(v, d, true) || !static_add_all_pools(v, d)) {
        return false;
    }
    note(d, "%u queues, each with %u TX (%s) and %u RX pages added as its "
         "static grants", v->nr_queues, TX_POOL,
         v->q[0].txbuf.writable ? "writable" : "read-only", RX_POOL);

    /* Nothing sent before: dom0 wants every TX slot served statically. */
    for (i = 0; i < v->nr_queues; i++) {
        snprintf(tag, sizeof(tag), "static-mq q%u", i);
        okay = send_batches(v, &v->q[i], d, tag, STATIC_MQ_PACKETS);
        if (okay != STATIC_MQ_PACKETS) {
            note(d, "queue %u: %u/%u TX packets OKAY", i, okay,
                 STATIC_MQ_PACKETS);
            ok = false;
        }
    }
    if (!ok) {
        return false;
    }
    note(d, "%u/%u TX packets OKAY on each queue", STATIC_MQ_PACKETS,
         STATIC_MQ_PACKETS);

    snprintf(word, sizeof(word), "static-mq-rx %d", v->index);
    if (!static_rx(v, d, word, &rx)) {
        return false;
    }
    per[0] = 0;
    for (i = 0; i < v->nr_queues; i++) {
        frames += rx.frames[i];
        marked += rx.marked[i];
        busy += rx.marked[i] > 0;
        if (len < sizeof(per)) {
            int n = snprintf(per + len, sizeof(per) - len, "%sq%u %u/%u",
                             i ? ", " : "", i, rx.marked[i], rx.frames[i]);

            len += n > 0 ? (size_t)n : 0;
        }
    }
    note(d, "RX: %u frames, %u of dom0's marked ones, on %u of %u queues "
         "(marked/frames: %s)", frames, marked, busy, v->nr_queues, per);
    if (!rx.ok || !marked) {
        return false;
    }

    if (!sync_point("static-check %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return true;
}

/*
 * Five connections with static grants, each adding the pools and carrying
 * packets; dom0 counts the backend's static grants each time (all ours,
 * none left from the connection before), the close checks that the
 * backend let go of every grant.
 */
static bool case_static_reconnect(Vif *v, Detail *d)
{
    unsigned int round, okay;

    for (round = 1; round <= STATIC_ROUNDS; round++) {
        v->want_static = true;
        if (!vif_connect(v, d) || !static_add_all_pools(v, d)) {
            note(d, "round %u: connecting with static grants failed",
                 round);
            return false;   /* the runner closes */
        }
        okay = send_batches(v, &v->q[0], d, "static-reconnect",
                            STATIC_PACKETS);
        if (okay != STATIC_PACKETS) {
            note(d, "round %u: %u/%u packets OKAY", round, okay,
                 STATIC_PACKETS);
            return false;
        }
        if (!sync_point("static-round %d %u", v->index, round)) {
            note(d, "no rendezvous with dom0");
            return false;
        }
        /* The last connection is the runner's to close. */
        if (round < STATIC_ROUNDS && !vif_close(v, d)) {
            note(d, "round %u: close failed", round);
            return false;
        }
    }
    note(d, "%u rounds: control ring, %u static grants added, %u packets "
         "OKAY, closed", STATIC_ROUNDS, TX_POOL + RX_POOL, STATIC_PACKETS);
    return true;
}

/*
 * A backend that offers a control ring, and we give none (as Linux
 * netfront does), after cases that gave one: no control ring key may be
 * left, and the plain grant path carries our packets.
 */
static bool case_static_off(Vif *v, Detail *d)
{
    static const char *const keys[] = {
        "ctrl-ring-ref", "event-channel-ctrl",
    };
    unsigned int okay, i;

    if (!vif_prepare(v, d)) {
        return false;
    }
    if (!v->be_ctrl_ring) {
        note(d, "the backend offers no control ring: nothing to decline");
        return false;
    }
    for (i = 0; i < 2; i++) {
        char *val = xs_read("%s/%s", v->fe, keys[i]);

        if (val) {
            note(d, "%s/%s is '%s' without a control ring", v->fe, keys[i],
                 val);
            free(val);
            return false;
        }
    }
    if (!vif_go(v, d, true)) {
        return false;
    }
    okay = send_batches(v, &v->q[0], d, "static-off", STATIC_PACKETS);
    note(d, "control ring offered, none given: %u/%u packets OKAY", okay,
         STATIC_PACKETS);
    return okay == STATIC_PACKETS;
}

/* Connect with a control ring, which the backend must have offered. */
static bool connect_with_ctrl(Vif *v, Detail *d)
{
    v->want_static = true;
    if (!vif_connect(v, d)) {
        return false;
    }
    if (!v->has_ctrl) {
        note(d, "connected without a control ring");
        return false;
    }
    return true;
}

/*
 * Kick the control ring's event channel for STORM_MS with no message on
 * the ring: dom0 counts the events the backend took (XSA-332), and the
 * control ring still answers afterwards.
 */
static bool case_ctrl_event_storm(Vif *v, Detail *d)
{
    unsigned int kicks;
    uint32_t room = 0;
    int st;

    if (!connect_with_ctrl(v, d)) {
        return false;
    }
    if (!sync_point("ctrl-storm-begin %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    kicks = kick_storm(v->ctrl_fd, v->ctrl_port, STORM_MS, d);
    if (!sync_point("ctrl-storm-end %d %u", v->index, kicks)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    /* Masked for up to a second after the storm, then answered. */
    st = ctrl_call(v, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 0, 0, 0,
                   &room, 3000);
    if (st != XEN_NETIF_CTRL_STATUS_SUCCESS) {
        note(d, "GET_GREF_MAPPING_SIZE after the storm: %s",
             ctrl_status_name(st));
        return false;
    }
    return expect_alive(v, d, "ctrl-event-storm");
}

/*
 * Control messages only a broken frontend sends, each answered with its
 * status while the vif keeps working: a queue out of range, counts of 0
 * and above a page, a ref twice, a ref never granted, DEL of a ref never
 * added, the hash messages and an unknown type.  Then a good ADD and
 * traffic.
 */
static bool case_ctrl_bad_messages(Vif *v, Detail *d)
{
    struct xen_netif_gref e[2];
    uint32_t data, ref;
    bool ok = true;
    unsigned int okay;
    int st;
    struct {
        const char *what;
        int got, want;
    } r[8];
    unsigned int i, n = 0;

    if (!connect_with_ctrl(v, d)) {
        return false;
    }
    ref = v->q[0].txbuf.refs[0];    /* the pools exist once connected */
#define EXPECT(w, call, status)                                         \
    r[n].what = w;                                                      \
    r[n].got = (call);                                                  \
    r[n].want = status;                                                 \
    n++
    EXPECT("GET on queue 7", ctrl_call(v,
           XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 7, 0, 0, &data, 2000),
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    e[0] = (struct xen_netif_gref) { .ref = ref };
    EXPECT("ADD of 0 entries", ctrl_table(v,
           XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, e, 1, 0, &data),
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    EXPECT("ADD of 513 entries", ctrl_table(v,
           XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, e, 1, 513, &data),
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    e[1] = e[0];
    EXPECT("ADD of a ref twice", ctrl_table(v,
           XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, e, 2, 2, &data),
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    e[1] = (struct xen_netif_gref) { .ref = BAD_GREF };
    EXPECT("ADD of a ref never granted", ctrl_table(v,
           XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, e, 2, 2, &data),
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    e[0] = (struct xen_netif_gref) { .ref = ref, .status = 0xffff };
    st = ctrl_table(v, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, 0, e, 1, 1,
                    &data);
    EXPECT("DEL of a ref never added (entry status)",
           st == XEN_NETIF_CTRL_STATUS_SUCCESS && !data ? e[0].status : -100,
           XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    EXPECT("SET_HASH_ALGORITHM", ctrl_call(v,
           XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 1, 0, 0, &data, 2000),
           XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED);
    EXPECT("type 99", ctrl_call(v, 99, 0, 0, 0, &data, 2000),
           XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED);
#undef EXPECT
    for (i = 0; i < n; i++) {
        if (r[i].got != r[i].want) {
            note(d, "%s: %s, not %s", r[i].what, ctrl_status_name(r[i].got),
                 ctrl_status_name(r[i].want));
            ok = false;
        }
    }
    note(d, "%u bad messages, %s", n, ok ? "each refused as netif.h says"
                                          : "some answered wrongly");
    if (be_state(v) != XB_CONNECTED) {
        note(d, "the backend left Connected");
        return false;
    }
    if (!static_add_all_pools(v, d)) {
        return false;
    }
    okay = send_batches(v, &v->q[0], d, "ctrl-bad-messages", 20);
    note(d, "then the pools added and %u/20 packets OKAY", okay);
    return ok && okay == 20;
}

/* A control ring producer index past the ring: fatal for the vif. */
static bool case_ctrl_bogus_prod(Vif *v, Detail *d)
{
    if (!connect_with_ctrl(v, d)) {
        return false;
    }
    wmb();
    v->ctrl.sring->req_prod = v->ctrl.req_prod_pvt + 1000;
    wmb();
    evtchn_notify(v->ctrl_fd, v->ctrl_port);
    return expect_fatal(v, d, "ctrl-bogus-prod", "control: req_prod");
}

const Case cases[] = {
    { "good", case_good },
    { "bad-gref", case_bad_gref },
    { "bad-gref-flood", case_bad_gref_flood },
    { "bad-num-queues", case_bad_num_queues },
    { "offset-overflow", case_offset_overflow },
    { "size-chain", case_size_chain },
    { "too-many-slots", case_too_many_slots },
    { "bogus-req-prod", case_bogus_req_prod },
    { "unknown-extra", case_unknown_extra },
    { "zero-length-frags", case_zero_length_frags },
    { "header-split", case_header_split },
    { "rx-no-buffers", case_rx_no_buffers },
    { "revoke-rings", case_revoke_rings },
    { "connect-fault", case_connect_fault },
    { "closing-fault", case_closing_fault },
    { "event-storm", case_event_storm },
    { "split-storm", case_split_storm },
    { "reconnect-cycles", case_reconnect_cycles },
    { "rx-stall", case_rx_stall },
    { "vanish", case_vanish },
    { "static", case_static },
    { "static-reconnect", case_static_reconnect },
    { "static-off", case_static_off },
    { "static-mq", case_static_mq },
    { "ctrl-bad-messages", case_ctrl_bad_messages },
    { "ctrl-bogus-prod", case_ctrl_bogus_prod },
    { "ctrl-event-storm", case_ctrl_event_storm },
    { "removal-fault", case_removal_fault },
    { "tx-odd-chains", case_tx_odd_chains },
    { "tx-bad-offloads", case_tx_bad_offloads },
    { "gso-size-zero", case_gso_size_zero },
    { "missing-slots", case_missing_slots },
    { "req-prod-back", case_req_prod_back },
    { "ring-tamper", case_ring_tamper },
    { "rewrite-under", case_rewrite_under },
    { "rx-bad-buffers", case_rx_bad_buffers },
    { "rx-bogus-req-prod", case_rx_bogus_req_prod },
    { "rx-trickle", case_rx_trickle },
    { "connect-keys", case_connect_keys },
    { "state-flap", case_state_flap },
    { "bench", case_bench },
    { "bench-static", case_bench_static },
};
const unsigned int nr_cases = sizeof(cases) / sizeof(cases[0]);

int find_case(const char *name)
{
    unsigned int i;

    for (i = 0; i < nr_cases; i++) {
        if (!strcmp(cases[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}
