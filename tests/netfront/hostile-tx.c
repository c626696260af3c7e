/*
 * qnb-netfront: bad input on the TX ring that the first cases (cases.c)
 * do not send: chains only an odd or hostile frontend builds (a whole
 * ring of extra-info slots, two GSO extras, gso_size 1, a multicast
 * extra over data slots, a frame of 64 KiB or more), offloads that do not
 * match the frame, a chain running past the produced requests, a req_prod
 * moved backwards, the response and event fields scribbled on, and
 * requests and pages rewritten while the backend reads them.  Each case
 * checks the answer docs/bad-input.md gives for it; dom0 reads the
 * matching cause counters at the rendezvous expect_alive() and
 * expect_fatal() hold.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "evtchn.h"
#include "packet.h"
#include "ring.h"

/* A one-slot frame whose first slot announces extra-info slots. */
static void tx_queue_with_extras(VifQueue *q, const uint8_t *frame,
                                 size_t len, uint16_t flags)
{
    unsigned int size = (unsigned int)len;

    tx_queue_layout(q, frame, len, &size, 1, flags | NETTXF_extra_info, 0);
}

static struct netif_extra_info gso_extra(uint16_t size, bool more)
{
    struct netif_extra_info e = {
        .type = XEN_NETIF_EXTRA_TYPE_GSO,
        .flags = more ? XEN_NETIF_EXTRA_FLAG_MORE : 0,
    };

    e.u.gso.size = size;
    e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    return e;
}

/*
 * Push what is queued and collect @nr statuses; false (with a note) when
 * responses are missing.
 */
static bool push_collect(VifQueue *q, Detail *d, const char *what,
                         unsigned int nr, int16_t *st)
{
    unsigned int got;

    tx_push(q);
    got = tx_collect(q, nr, st, 5000);
    if (got != nr) {
        note(d, "%s: %u of %u responses", what, got, nr);
        return false;
    }
    return true;
}

/* How many of @st[0..nr) are @want. */
static unsigned int count_status(const int16_t *st, unsigned int nr,
                                 int16_t want)
{
    unsigned int i, n = 0;

    for (i = 0; i < nr; i++) {
        n += st[i] == want;
    }
    return n;
}

/*
 * Chains a well-behaved frontend never sends but netif.h allows, and one
 * it cannot express.  Answers (docs/bad-input.md): a packet with 255
 * extra-info slots (the ring but its first slot) is accepted, each extra
 * answered NULL; of two GSO extras the last counts (the first, with size
 * 0, would be fatal alone); gso_size 1 is accepted; a multicast extra
 * makes its packet a carrier that is answered but never sent, even with
 * data slots, one naming a bad gref; a frame of 64 KiB or more, whose
 * size wraps the first slot's 16 bits, is an error (tx_size_mismatch).
 */
#define WRAP_SLOTS  18

bool case_tx_odd_chains(Vif *v, Detail *d)
{
    static uint8_t big[WRAP_SLOTS * PAGE_SIZE];
    static int16_t st[256];
    VifQueue *q;
    struct netif_extra_info e;
    uint8_t frame[1600];
    unsigned int i, n, sizes[WRAP_SLOTS];
    size_t len;
    bool ok = true;

    if (!case_begin(v, d, "tx-odd-chains")) {
        return false;
    }
    q = case_queue(v);

    /* 1. 255 extra-info slots (hash extras, which TX accepts) on a packet. */
    n = RING_SIZE(&q->tx) - 1;
    len = build_udp(frame, v, "qnb-netfront tx-odd-chains extras", 64, false);
    tx_queue_with_extras(q, frame, len, 0);
    for (i = 0; i < n; i++) {
        e = (struct netif_extra_info) {
            .type = XEN_NETIF_EXTRA_TYPE_HASH,
            .flags = i + 1 < n ? XEN_NETIF_EXTRA_FLAG_MORE : 0,
        };
        e.u.hash.type = XEN_NETIF_CTRL_HASH_TYPE_IPV4;
        e.u.hash.value[0] = (uint8_t)i;
        tx_put_extra(q, &e);
    }
    if (!push_collect(q, d, "255 extras", n + 1, st)) {
        return false;
    }
    note(d, "255 extras: packet %s, %u/%u extras NULL", rsp_name(st[0]),
         count_status(st + 1, n, NETIF_RSP_NULL), n);
    ok = ok && st[0] == NETIF_RSP_OKAY &&
         count_status(st + 1, n, NETIF_RSP_NULL) == n;

    /* 2. Two GSO extras: size 0 (fatal alone), then 536. */
    len = build_tcp(frame, v, "qnb-netfront tx-odd-chains two-gso", 1200, true);
    tx_queue_with_extras(q, frame, len, NETTXF_csum_blank);
    e = gso_extra(0, true);
    tx_put_extra(q, &e);
    e = gso_extra(536, false);
    tx_put_extra(q, &e);
    if (!push_collect(q, d, "two GSO extras", 3, st)) {
        return false;
    }
    note(d, "two GSO extras (0, 536): %s", rsp_name(st[0]));
    ok = ok && st[0] == NETIF_RSP_OKAY;

    /* 3. gso_size 1 on 200 bytes of TCP payload. */
    len = build_tcp(frame, v, "qnb-netfront tx-odd-chains gso-1", 200, true);
    tx_queue_with_extras(q, frame, len, NETTXF_csum_blank);
    e = gso_extra(1, false);
    tx_put_extra(q, &e);
    if (!push_collect(q, d, "gso_size 1", 2, st)) {
        return false;
    }
    note(d, "gso_size 1: %s", rsp_name(st[0]));
    ok = ok && st[0] == NETIF_RSP_OKAY;

    /*
     * 4. A multicast extra over two data slots, the second naming a gref
     * never granted: answered, never sent (dom0 checks its listener).
     */
    len = build_udp(frame, v, "qnb-netfront tx-odd-chains mcast-data", 200,
                    false);
    sizes[0] = 100;
    sizes[1] = (unsigned int)len - 100;
    tx_queue_layout(q, frame, len, sizes, 1,
                    NETTXF_extra_info | NETTXF_more_data, 0);
    e = (struct netif_extra_info) { .type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD };
    memcpy(e.u.mcast.addr, "\x01\x00\x5e\x00\x00\x01", 6);
    tx_put_extra(q, &e);
    tx_queue_layout(q, frame + 100, len - 100, sizes + 1, 1, 0, 0);
    tx_queued(q, 1)->size = (uint16_t)sizes[1];
    tx_queued(q, 1)->gref = BAD_GREF;
    if (!push_collect(q, d, "multicast with data", 3, st)) {
        return false;
    }
    note(d, "multicast extra over 2 data slots (one bad gref): %s/%s/%s",
         rsp_name(st[0]), rsp_name(st[1]), rsp_name(st[2]));
    ok = ok && st[0] == NETIF_RSP_OKAY && st[1] == NETIF_RSP_NULL &&
         st[2] == NETIF_RSP_OKAY;

    /* 5. 18 full pages: 73728 bytes, which the first size wraps to 8192. */
    memset(big, 'w', sizeof(big));
    build_udp(big, v, "qnb-netfront tx-odd-chains wrap", 1400, false);
    for (i = 0; i < WRAP_SLOTS; i++) {
        sizes[i] = PAGE_SIZE;
    }
    tx_queue_layout(q, big, sizeof(big), sizes, WRAP_SLOTS, 0, 0);
    if (!push_collect(q, d, "64 KiB wrap", WRAP_SLOTS, st)) {
        return false;
    }
    note(d, "a %zu-byte frame (first size %u): %u/%u slots ERROR",
         sizeof(big), (unsigned int)(uint16_t)sizeof(big),
         count_status(st, WRAP_SLOTS, NETIF_RSP_ERROR), WRAP_SLOTS);
    ok = ok && count_status(st, WRAP_SLOTS, NETIF_RSP_ERROR) == WRAP_SLOTS;

    return expect_alive(v, d, "tx-odd-chains") && ok;
}

/*
 * Offloads that do not match the frame: GSO on UDP and a TCPv6 GSO on
 * IPv4 (tx_gso), and csum_blank on headers the backend cannot parse
 * (tx_csum): an IPv4 header length below 20, a TCP data offset below 20,
 * a transport that is neither TCP nor UDP, an IPv4 fragment, an IPv6
 * header cut short and an IPv4 frame too short for its header.  Each is
 * an error for its packet only; a good packet between them passes.
 */
bool case_tx_bad_offloads(Vif *v, Detail *d)
{
    static const char *const what[] = {
        "GSO on UDP", "TCPv6 GSO on IPv4", "IPv4 ihl 3", "TCP doff 2",
        "ICMP", "IPv4 fragment", "IPv6 cut short", "IPv4 cut short",
    };
    unsigned int k, errors = 0, nr = sizeof(what) / sizeof(what[0]);
    uint8_t frame[1600], *ip = frame + 14;
    struct netif_extra_info e;
    VifQueue *q;
    int16_t st[4];
    size_t len;
    bool ok = true;

    if (!case_begin(v, d, "tx-bad-offloads")) {
        return false;
    }
    q = case_queue(v);
    for (k = 0; k < nr; k++) {
        unsigned int slots = 1;

        if (k == 0) {
            len = build_udp(frame, v, "qnb-netfront tx-bad-offloads", 1000,
                            true);
        } else {
            len = build_tcp(frame, v, "qnb-netfront tx-bad-offloads", 1000,
                            true);
        }
        switch (k) {
        case 2:
            ip[0] = 0x43;
            break;
        case 3:
            ip[20 + 12] = 2 << 4;
            break;
        case 4:
            ip[9] = 1;
            break;
        case 5:
            ip[6] = 0x20;       /* MF */
            break;
        case 6:
            frame[12] = 0x86;
            frame[13] = 0xdd;
            ip[0] = 0x60;
            len = 14 + 30;      /* an IPv6 header needs 40 */
            break;
        case 7:
            len = 14 + 12;
            break;
        }
        if (k < 2) {
            tx_queue_with_extras(q, frame, len, NETTXF_csum_blank);
            e = gso_extra(536, false);
            if (k == 1) {
                e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
            }
            tx_put_extra(q, &e);
            slots = 2;
        } else {
            unsigned int size = (unsigned int)len;

            tx_queue_layout(q, frame, len, &size, 1, NETTXF_csum_blank, 0);
        }
        if (!push_collect(q, d, what[k], slots, st)) {
            return false;
        }
        errors += st[0] == NETIF_RSP_ERROR;
        if (st[0] != NETIF_RSP_ERROR) {
            note(d, "%s: %s, not ERROR", what[k], rsp_name(st[0]));
            ok = false;
        }
        if (send_good(v, "tx-bad-offloads") != NETIF_RSP_OKAY) {
            note(d, "the good packet after '%s' was refused", what[k]);
            ok = false;
        }
    }
    note(d, "%u/%u mismatched offloads answered ERROR, a good packet "
         "passing after each", errors, nr);
    return expect_alive(v, d, "tx-bad-offloads") && ok;
}

/* A GSO extra of size 0, alone: fatal (tx_fatal_gso). */
bool case_gso_size_zero(Vif *v, Detail *d)
{
    struct netif_extra_info e = gso_extra(0, false);
    uint8_t frame[1600];
    VifQueue *q;
    size_t len;

    if (!case_begin(v, d, "gso-size-zero")) {
        return false;
    }
    q = case_queue(v);
    len = build_tcp(frame, v, "qnb-netfront gso-size-zero", 1200, true);
    tx_queue_with_extras(q, frame, len, NETTXF_csum_blank);
    tx_put_extra(q, &e);
    tx_push(q);
    note(d, "a GSO extra of size 0 on queue %u", q->index);
    return expect_fatal(v, d, "gso-size-zero", "GSO size");
}

/*
 * A packet whose last produced slot still says more_data: the chain runs
 * past what was produced, which a frontend pushing whole packets never
 * does.  Fatal (tx_fatal_missing), as in Linux netback.
 */
bool case_missing_slots(Vif *v, Detail *d)
{
    unsigned int sizes[3] = { 60, 60, 60 };
    uint8_t frame[512];
    VifQueue *q;
    size_t len;

    if (!case_begin(v, d, "missing-slots")) {
        return false;
    }
    q = case_queue(v);
    len = build_udp(frame, v, "qnb-netfront missing-slots", 180 - 42, false);
    tx_queue_layout(q, frame, len, sizes, 3, 0, 0);
    tx_queued(q, 1)->flags |= NETTXF_more_data;
    tx_push(q);
    note(d, "3 slots pushed, the third with more_data, on queue %u",
         q->index);
    return expect_fatal(v, d, "missing-slots", "slots produced");
}

/*
 * req_prod moved back behind what the backend consumed, after traffic:
 * the unsigned distance is then above the ring, fatal (tx_fatal_ring).
 */
bool case_req_prod_back(Vif *v, Detail *d)
{
    VifQueue *q;
    unsigned int okay;

    if (!case_begin(v, d, "req-prod-back")) {
        return false;
    }
    q = case_queue(v);
    okay = send_good(v, "req-prod-back") == NETIF_RSP_OKAY;
    okay += send_good(v, "req-prod-back") == NETIF_RSP_OKAY;
    wmb();
    q->tx.sring->req_prod = q->tx.req_prod_pvt - 2;
    wmb();
    evtchn_notify(q->evtchn_fd, q->port);
    note(d, "%u/2 packets OKAY, then req_prod moved back by 2 on queue %u",
         okay, q->index);
    return expect_fatal(v, d, "req-prod-back", "req_prod") && okay == 2;
}

/*
 * Scribble on the fields of the shared rings the backend writes or only
 * reads for notifications: TX rsp_prod, rsp_event, req_event and RX
 * rsp_event, req_event, before each of 64 packets.  The backend keeps its
 * own indices: every packet is answered OKAY, at the right place, and
 * rsp_prod is put back where it belongs.
 */
#define TAMPER_ROUNDS   64

bool case_ring_tamper(Vif *v, Detail *d)
{
    unsigned int round, okay = 0;
    uint8_t frame[256];
    VifQueue *q;
    size_t len;

    if (!case_begin(v, d, "ring-tamper")) {
        return false;
    }
    q = case_queue(v);
    srandom(4242);
    for (round = 0; round < TAMPER_ROUNDS; round++) {
        int64_t deadline = now_ms() + 5000;
        netif_tx_response_t *r;
        char text[64];

        q->tx.sring->rsp_prod = (RING_IDX)random();
        q->tx.sring->rsp_event = (RING_IDX)random();
        q->tx.sring->req_event = (RING_IDX)random();
        q->rx.sring->rsp_event = (RING_IDX)random();
        q->rx.sring->req_event = (RING_IDX)random();
        snprintf(text, sizeof(text), "qnb-netfront ring-tamper %u", round);
        len = build_udp(frame, v, text, 64, false);
        tx_queue_frame(q, frame, len);
        tx_push(q);
        /* Not tx_collect(): it would trust our own junk in rsp_prod. */
        while (q->tx.sring->rsp_prod != q->tx.req_prod_pvt &&
               now_ms() < deadline) {
            sleep_ms(1);
        }
        rmb();
        if (q->tx.sring->rsp_prod != q->tx.req_prod_pvt) {
            note(d, "round %u: rsp_prod %u, not %u after 5 s", round,
                 q->tx.sring->rsp_prod, q->tx.req_prod_pvt);
            break;
        }
        r = RING_GET_RESPONSE(&q->tx, q->tx.rsp_cons);
        okay += r->status == NETIF_RSP_OKAY &&
                r->id == (uint16_t)(q->tx.rsp_cons % RING_SIZE(&q->tx));
        q->tx.rsp_cons++;
        evtchn_drain(q->evtchn_fd);
    }
    note(d, "%u rounds of junk in the rings' response and event fields: "
         "%u packets answered OKAY in their own slot", round, okay);
    return expect_alive(v, d, "ring-tamper") && okay == TAMPER_ROUNDS;
}

/*
 * XSA-155's class: rewrite requests and data pages while the backend
 * reads them.  Each round pushes 16 two-slot packets and, until they are
 * answered, keeps rewriting those requests (gref, offset, size, id; flags
 * only lose more_data) and their pages.  Every value written is one a
 * buggy frontend could send, so nothing may be fatal: the backend must
 * answer each request exactly once, whatever it read, and survive; dom0
 * checks QEMU and its grant mappings afterwards.  A rewrite can land just
 * after the backend answered the slot, over the response's id and status
 * (they share the gref's bytes): statuses are counted, not judged.
 */
#define REWRITE_MS      2000
#define REWRITE_BATCH   16

bool case_rewrite_under(Vif *v, Detail *d)
{
    unsigned int rounds = 0, answered = 0, pushed = 0, writes = 0;
    unsigned int by_status[4] = { 0 };
    int64_t end = now_ms() + REWRITE_MS;
    static int16_t st[2 * REWRITE_BATCH];
    uint8_t frame[2048];
    VifQueue *q;
    bool ok = true;

    if (!case_begin(v, d, "rewrite-under")) {
        return false;
    }
    q = case_queue(v);
    srandom(155);
    while (now_ms() < end && ok) {
        RING_IDX start = q->tx.req_prod_pvt;
        unsigned int i, n, got = 0;
        int64_t deadline;

        for (i = 0; i < REWRITE_BATCH; i++) {
            unsigned int sizes[2] = { 1000, 0 };
            size_t len = build_udp(frame, v, "qnb-netfront rewrite-under",
                                   1500 - 42 - 14 + i, false);

            sizes[1] = (unsigned int)len - sizes[0];
            tx_queue_layout(q, frame, len, sizes, 2, 0, 0);
        }
        n = q->tx.req_prod_pvt - start;
        tx_push(q);
        pushed += n;
        deadline = now_ms() + 5000;
        while (got < n && now_ms() < deadline) {
            unsigned int j = (unsigned int)random() % n;
            netif_tx_request_t *r = RING_GET_REQUEST(&q->tx, start + j);
            uint8_t *page;

            /* Only before its response: that slot is the backend's then. */
            if (start + j >= q->tx.sring->rsp_prod) {
                r->gref = random() & 1 ? q->txbuf.refs[random() % TX_POOL]
                                       : BAD_GREF;
                r->offset = (uint16_t)(random() % 2048);
                r->size = (uint16_t)(random() % 2048);
                r->id = (uint16_t)random();
                r->flags &= (uint16_t)~(NETTXF_more_data | NETTXF_extra_info);
                writes++;
            }
            page = grants_page(&q->txbuf, (unsigned int)random() % TX_POOL);
            memset(page + random() % 2048, (int)random(), random() % 2048);
            got += tx_collect(q, n - got, st + got, 0);
        }
        if (got < n) {
            note(d, "round %u: %u of %u requests answered in 5 s", rounds,
                 got, n);
            ok = false;
        }
        for (i = 0; i < got; i++) {
            switch (st[i]) {
            case NETIF_RSP_OKAY: by_status[0]++; break;
            case NETIF_RSP_ERROR: by_status[1]++; break;
            case NETIF_RSP_DROPPED: by_status[2]++; break;
            default: by_status[3]++; break;
            }
        }
        answered += got;
        rounds++;
    }
    note(d, "%u rounds, %u requests, %u rewrites under the backend: %u "
         "answered (%u OKAY, %u ERROR, %u DROPPED, %u other)", rounds,
         pushed, writes, answered, by_status[0], by_status[1], by_status[2],
         by_status[3]);
    return expect_alive(v, d, "rewrite-under") && ok && answered == pushed;
}
