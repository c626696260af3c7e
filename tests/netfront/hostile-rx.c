/*
 * qnb-netfront: bad input on the RX ring: buffers the backend cannot
 * write (grefs never granted, read-only grants) under duplicate request
 * ids, an RX req_prod past the ring, and buffers posted a few at a time,
 * never enough for the large frames dom0 sends.  dom0 sends the frames at
 * the rendezvous; on a multi-queue vif (NAME@VIF/QUEUES) rx_sync() brings
 * them to the case's queue, the last, and the others get buffers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "evtchn.h"
#include "ring.h"
#include "xs.h"

#define BAD_BUFFERS     8

/* Wait up to @ms for @q's RX rsp_prod to reach @want. */
static bool rx_wait_responses(VifQueue *q, RING_IDX want, unsigned int ms)
{
    int64_t deadline = now_ms() + ms;

    while ((RING_IDX)(q->rx.sring->rsp_prod - q->rx.rsp_cons) <
           want - q->rx.rsp_cons) {
        if (now_ms() >= deadline) {
            return false;
        }
        evtchn_drain(q->evtchn_fd);
        sleep_ms(2);
    }
    rmb();
    return true;
}

/*
 * Eight buffers: two naming grefs never granted, two our read-only TX
 * pages, four good ones all with id 4.  dom0 sends small frames: the
 * first four are answered ERROR (rx_grant) in their own slots, the next
 * four land with id 4 echoed in each; then good buffers, and frames flow.
 */
bool case_rx_bad_buffers(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
    RING_IDX start;
    unsigned int i, errors = 0, data = 0, ids = 0, frames = 0, marked = 0;
    bool ok = true;
    int notify;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the frames");
        return false;
    }
    if (!case_begin(v, d, "rx-bad-buffers")) {
        return false;
    }
    rx_post_others(v);
    start = q->rx.req_prod_pvt;
    for (i = 0; i < BAD_BUFFERS; i++) {
        netif_rx_request_t *r = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);

        r->id = (uint16_t)(i < 4 ? i : 4);
        r->gref = i < 2 ? BAD_GREF : i < 4 ? q->txbuf.refs[i] :
                  q->rxbuf.refs[i];
        q->rx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
    (void)notify;
    evtchn_notify(q->evtchn_fd, q->rx_port);
    if (!rx_sync(v, "rx-frames")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    if (!rx_wait_responses(q, start + BAD_BUFFERS, 8000)) {
        note(d, "%u of %u RX responses", q->rx.sring->rsp_prod - start,
             BAD_BUFFERS);
        return false;
    }
    for (i = 0; i < BAD_BUFFERS; i++) {
        netif_rx_response_t *r = RING_GET_RESPONSE(&q->rx, q->rx.rsp_cons);

        q->rx.rsp_cons++;
        ids += r->id == (i < 4 ? i : 4);
        if (i < 4) {
            errors += r->status == NETIF_RSP_ERROR;
        } else {
            data += r->status > 0;
        }
    }
    note(d, "2 never-granted and 2 read-only buffers: %u/4 ERROR; 4 buffers "
         "sharing id 4: %u/4 with data; %u/%u ids echoed", errors, data, ids,
         BAD_BUFFERS);
    ok = errors == 4 && data == 4 && ids == BAD_BUFFERS;

    /* Good buffers (ids from 8 on): the vif must deliver again. */
    rx_post(q, RX_POOL - BAD_BUFFERS);
    if (!rx_sync(v, "rx-frames")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    ok = rx_poll(q, 3000, "qnb-rx-frames", &frames, &marked, d) && ok;
    note(d, "then good buffers: %u frames, %u of dom0's", frames, marked);
    return expect_alive(v, d, "rx-bad-buffers") && ok && marked > 0;
}

/* An RX req_prod 1000 ahead: fatal once a frame looks for buffers. */
bool case_rx_bogus_req_prod(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the frames");
        return false;
    }
    if (!case_begin(v, d, "rx-bogus-req-prod")) {
        return false;
    }
    rx_post_others(v);
    wmb();
    q->rx.sring->req_prod = q->rx.req_prod_pvt + 1000;
    wmb();
    evtchn_notify(q->evtchn_fd, q->rx_port);
    if (!rx_sync(v, "rx-frames")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    note(d, "RX req_prod = req_cons + 1000, then dom0's frames");
    return expect_fatal(v, d, "rx-bogus-req-prod", "RX: req_prod");
}

/*
 * Four buffers posted, never more, while dom0 sends 60000-byte frames
 * (15 slots each): the head frame waits for buffers that never come,
 * until rx-stall-ms, then the guest is stalled (dom0 checks the carrier
 * and the drops).  Then a full pool, and the large frames arrive.  A
 * small frame of dom0's own (its IPv6 neighbours, say) fits in the four
 * buffers: whatever takes one is answered and the buffer posted again,
 * so four stay posted throughout.
 */
#define TRICKLE_BUFFERS 4

typedef struct Trickle {
    Vif *v;
    VifQueue *q;
    unsigned int responses;
    int64_t steered;
} Trickle;

static void trickle_poll(void *opaque)
{
    Trickle *t = opaque;
    VifQueue *q = t->q;
    unsigned int n = 0;

    while (q->rx.rsp_cons != q->rx.sring->rsp_prod) {
        rmb();
        q->rx.rsp_cons++;
        n++;
    }
    if (n) {
        t->responses += n;
        rx_post(q, n);
    }
    evtchn_drain(q->evtchn_fd);
    rx_steer_tick(t->v, &t->steered);
    sleep_ms(50);
}

bool case_rx_trickle(Vif *v, Detail *d)
{
    VifQueue *q = case_queue(v);
    unsigned int frames = 0, marked = 0;
    Trickle t = { .v = v, .q = q };
    bool ok;

    if (!opt_sync) {
        note(d, "needs --sync: dom0 sends the frames");
        return false;
    }
    if (!case_begin(v, d, "rx-trickle")) {
        return false;
    }
    rx_post_others(v);
    rx_post(q, TRICKLE_BUFFERS);
    if (!sync_point_poll(trickle_poll, &t, "rx-big %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    trickle_poll(&t);
    note(d, "%u buffers kept posted while dom0 sent 60000-byte frames: %u "
         "small frames took one", TRICKLE_BUFFERS, t.responses);
    if (!expect_alive(v, d, "rx-trickle")) {
        return false;
    }
    rx_post(q, RX_POOL - TRICKLE_BUFFERS);
    if (!rx_sync(v, "rx-big-resumed")) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    ok = rx_poll(q, 4000, "qnb-rx-big", &frames, &marked, d);
    note(d, "then %u buffers: %u frames, %u of dom0's large ones", RX_POOL,
         frames, marked);
    if (!sync_point("rx-big-end %d", v->index)) {
        note(d, "no rendezvous with dom0");
        return false;
    }
    return ok && marked > 0;
}
