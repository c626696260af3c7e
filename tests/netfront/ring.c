/*
 * qnb-netfront: I/O on the vif's TX and RX rings: building netif
 * requests, pushing them, collecting responses.  All of it on queue 0,
 * the one with the data pages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <string.h>

#include "ring.h"
#include "evtchn.h"

static unsigned int tx_page(Vif *v)
{
    unsigned int p = v->tx_next_page;

    v->tx_next_page = (v->tx_next_page + 1) % TX_POOL;
    return p;
}

void tx_put(Vif *v, const netif_tx_request_t *req)
{
    netif_tx_front_ring_t *tx = &v->q[0].tx;
    netif_tx_request_t *r = RING_GET_REQUEST(tx, tx->req_prod_pvt);

    *r = *req;
    r->id = (uint16_t)(tx->req_prod_pvt % RING_SIZE(tx));
    tx->req_prod_pvt++;
}

netif_tx_request_t *tx_queued(Vif *v, unsigned int back)
{
    netif_tx_front_ring_t *tx = &v->q[0].tx;

    return RING_GET_REQUEST(tx, tx->req_prod_pvt - back);
}

void tx_push(Vif *v)
{
    VifQueue *q = &v->q[0];
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
    (void)notify;
    evtchn_notify(q->evtchn_fd, q->port);   /* always: we are the test */
}

/*
 * Queue a frame as slots of the given data sizes (sizes[0] is the first
 * slot's own data; its request carries the total).  Each slot gets its own
 * page, data at @offset.  Returns the number of requests queued.
 */
unsigned int tx_queue_layout(Vif *v, const uint8_t *frame, size_t len,
                             const unsigned int *sizes, unsigned int nr,
                             uint16_t flags0, unsigned int offset)
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

unsigned int tx_queue_frame(Vif *v, const uint8_t *frame, size_t len)
{
    unsigned int size = (unsigned int)len;

    return tx_queue_layout(v, frame, len, &size, 1, 0, 0);
}

/*
 * Wait for @nr responses (all outstanding if 0) and store their statuses.
 * Returns how many came.
 */
unsigned int tx_collect(Vif *v, unsigned int nr, int16_t *status,
                        unsigned int ms)
{
    VifQueue *q = &v->q[0];
    int64_t deadline = now_ms() + ms;
    unsigned int got = 0;

    if (!nr) {
        nr = q->tx.req_prod_pvt - q->tx.rsp_cons;
    }
    while (got < nr) {
        RING_IDX rp = q->tx.sring->rsp_prod;

        rmb();
        while (q->tx.rsp_cons != rp && got < nr) {
            netif_tx_response_t *r = RING_GET_RESPONSE(&q->tx,
                                                       q->tx.rsp_cons);
            if (status) {
                status[got] = r->status;
            }
            got++;
            q->tx.rsp_cons++;
        }
        if (got == nr || now_ms() >= deadline) {
            break;
        }
        evtchn_drain(q->evtchn_fd);
        sleep_ms(1);
    }
    return got;
}

const char *rsp_name(int16_t st)
{
    switch (st) {
    case NETIF_RSP_OKAY: return "OKAY";
    case NETIF_RSP_ERROR: return "ERROR";
    case NETIF_RSP_DROPPED: return "DROPPED";
    case NETIF_RSP_NULL: return "NULL";
    default: return "?";
    }
}

/* ---- RX ---- */

void rx_post(Vif *v, unsigned int nr)
{
    VifQueue *q = &v->q[0];
    unsigned int i;
    int notify;

    for (i = 0; i < nr; i++) {
        netif_rx_request_t *r = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);
        unsigned int id = q->rx.req_prod_pvt % RX_POOL;

        r->id = (uint16_t)id;
        r->gref = v->rxbuf.refs[id];
        q->rx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
    (void)notify;
    evtchn_notify(q->evtchn_fd, q->port);
}

/*
 * Take RX responses for @ms: count frames, and those containing @marker.
 * Every consumed buffer is posted again.  Returns false on a bad response.
 */
bool rx_poll(Vif *v, unsigned int ms, const char *marker,
             unsigned int *frames, unsigned int *marked, Detail *d)
{
    VifQueue *q = &v->q[0];
    int64_t deadline = now_ms() + ms;
    static uint8_t frame[65536 + 4096];
    size_t flen = 0;
    bool extra_next = false, ok = true;
    unsigned int used = 0;

    while (now_ms() < deadline) {
        RING_IDX rp = q->rx.sring->rsp_prod;

        rmb();
        while (q->rx.rsp_cons != rp) {
            netif_rx_response_t *r = RING_GET_RESPONSE(&q->rx,
                                                       q->rx.rsp_cons);
            netif_rx_response_t rsp = *r;

            q->rx.rsp_cons++;
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
        evtchn_drain(q->evtchn_fd);
        sleep_ms(2);
    }
    if (used) {
        rx_post(v, used);
    }
    return ok;
}

