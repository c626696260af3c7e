/*
 * qnb-netfront: the cases: a well-behaved one ("good") and the
 * hostile-frontend classes of docs/DESIGN "Bad input", with the checks
 * of how the backend reacted.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "evtchn.h"
#include "gnt.h"
#include "packet.h"
#include "ring.h"
#include "xs.h"

#define BAD_GREF        0xfff0u /* never granted: beyond any v1 table */

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

const Case cases[] = {
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
