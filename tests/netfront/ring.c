/*
 * qnb-netfront: I/O on a queue's TX and RX rings: building netif
 * requests, pushing them, collecting responses.  Each queue has its own
 * data pages (VifQueue's txbuf and rxbuf), so any queue of the connection
 * can carry traffic; most cases use queue 0 only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <string.h>

#include "ring.h"
#include "evtchn.h"

static unsigned int tx_page(VifQueue *q)
{
    unsigned int p = q->tx_next_page;

    q->tx_next_page = (q->tx_next_page + 1) % TX_POOL;
    return p;
}

void tx_put(VifQueue *q, const netif_tx_request_t *req)
{
    netif_tx_front_ring_t *tx = &q->tx;
    netif_tx_request_t *r = RING_GET_REQUEST(tx, tx->req_prod_pvt);

    *r = *req;
    r->id = (uint16_t)(tx->req_prod_pvt % RING_SIZE(tx));
    tx->req_prod_pvt++;
}

/* Put @extra on @q's ring as it is: tx_put() would write an id over it. */
void tx_put_extra(VifQueue *q, const struct netif_extra_info *extra)
{
    netif_tx_front_ring_t *tx = &q->tx;

    memcpy(RING_GET_REQUEST(tx, tx->req_prod_pvt), extra, sizeof(*extra));
    tx->req_prod_pvt++;
}

netif_tx_request_t *tx_queued(VifQueue *q, unsigned int back)
{
    netif_tx_front_ring_t *tx = &q->tx;

    return RING_GET_REQUEST(tx, tx->req_prod_pvt - back);
}

void tx_push(VifQueue *q)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
    (void)notify;
    evtchn_notify(q->evtchn_fd, q->port);   /* always: we are the test */
}

void tx_push_lazy(VifQueue *q)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
    if (notify) {
        evtchn_notify(q->evtchn_fd, q->port);
    }
}

/*
 * Queue a frame as slots of the given data sizes (sizes[0] is the first
 * slot's own data; its request carries the total).  Each slot gets its own
 * page of @q, data at @offset.  Returns the number of requests queued.
 */
unsigned int tx_queue_layout(VifQueue *q, const uint8_t *frame, size_t len,
                             const unsigned int *sizes, unsigned int nr,
                             uint16_t flags0, unsigned int offset)
{
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < nr; i++) {
        unsigned int page = tx_page(q);
        netif_tx_request_t req = {
            .gref = q->txbuf.refs[page],
            .offset = (uint16_t)offset,
            .size = (uint16_t)(i == 0 ? len : sizes[i]),
            .flags = (uint16_t)((i == 0 ? flags0 : 0) |
                                (i + 1 < nr ? NETTXF_more_data : 0)),
        };

        memcpy((uint8_t *)grants_page(&q->txbuf, page) + offset,
               frame + off, sizes[i]);
        off += sizes[i];
        tx_put(q, &req);
    }
    return nr;
}

unsigned int tx_queue_frame(VifQueue *q, const uint8_t *frame, size_t len)
{
    unsigned int size = (unsigned int)len;

    return tx_queue_layout(q, frame, len, &size, 1, 0, 0);
}

/*
 * Wait for @nr responses on @q (all outstanding if 0) and store their
 * statuses.  Returns how many came.
 */
unsigned int tx_collect(VifQueue *q, unsigned int nr, int16_t *status,
                        unsigned int ms)
{
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

/* Queue @nr RX buffers and publish them; whether the backend asked. */
static int rx_queue_buffers(VifQueue *q, unsigned int nr)
{
    unsigned int i;
    int notify;

    for (i = 0; i < nr; i++) {
        netif_rx_request_t *r = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);
        unsigned int id = q->rx.req_prod_pvt % RX_POOL;

        r->id = (uint16_t)id;
        r->gref = q->rxbuf.refs[id];
        q->rx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
    return notify;
}

void rx_post(VifQueue *q, unsigned int nr)
{
    rx_queue_buffers(q, nr);
    evtchn_notify(q->evtchn_fd, q->rx_port);    /* always: we are the test */
}

void rx_post_lazy(VifQueue *q, unsigned int nr)
{
    if (rx_queue_buffers(q, nr)) {
        evtchn_notify(q->evtchn_fd, q->rx_port);
    }
}

/* A frame being put together from one queue's RX responses. */
typedef struct RxFrame {
    VifQueue *q;
    uint8_t *buf;               /* RX_FRAME_MAX bytes */
    size_t len;
    bool extra_next;            /* the next response is an extra-info */
    unsigned int used;          /* buffers taken, not posted again yet */
} RxFrame;

#define RX_FRAME_MAX    (65536 + 4096)

RxRsp rx_next_response(VifQueue *q, bool *extra_next,
                       netif_rx_response_t *rsp)
{
    RING_IDX rp = q->rx.sring->rsp_prod;

    if (q->rx.rsp_cons == rp) {
        return RX_RSP_NONE;
    }
    rmb(); /* the response after rsp_prod */
    *rsp = *RING_GET_RESPONSE(&q->rx, q->rx.rsp_cons);
    q->rx.rsp_cons++;
    if (*extra_next) {
        struct netif_extra_info *e = (void *)rsp;

        *extra_next = e->flags & XEN_NETIF_EXTRA_FLAG_MORE;
        return RX_RSP_EXTRA;
    }
    if (rsp->status < 0 || rsp->id >= RX_POOL ||
        rsp->offset + rsp->status > (int)PAGE_SIZE) {
        return RX_RSP_BAD;
    }
    *extra_next = rsp->flags & NETRXF_extra_info;
    return RX_RSP_DATA;
}

/*
 * Take the responses on f->q's RX ring now: count frames, and those
 * containing @marker.  False, with a note, on a bad response.
 */
static bool rx_take(RxFrame *f, const char *marker, unsigned int *frames,
                    unsigned int *marked, Detail *d)
{
    VifQueue *q = f->q;
    netif_rx_response_t rsp;
    RxRsp t;
    bool ok = true;

    while ((t = rx_next_response(q, &f->extra_next, &rsp)) != RX_RSP_NONE) {
        f->used++;
        if (t == RX_RSP_EXTRA) {
            continue;
        }
        if (t == RX_RSP_BAD) {
            note(d, "bad RX response on queue %u: id %u offset %u status %d",
                 q->index, rsp.id, rsp.offset, rsp.status);
            ok = false;
            continue;
        }
        if (f->len + (size_t)rsp.status <= RX_FRAME_MAX) {
            memcpy(f->buf + f->len,
                   (uint8_t *)grants_page(&q->rxbuf, rsp.id) + rsp.offset,
                   (size_t)rsp.status);
            f->len += (size_t)rsp.status;
        }
        if (!(rsp.flags & NETRXF_more_data)) {
            (*frames)++;
            if (marker && memmem(f->buf, f->len, marker, strlen(marker))) {
                (*marked)++;
            }
            f->len = 0;
        }
    }
    return ok;
}

static bool marked_any(const unsigned int *marked, unsigned int nr)
{
    unsigned int i;

    for (i = 0; i < nr; i++) {
        if (marked[i]) {
            return true;
        }
    }
    return false;
}

/*
 * Take the RX responses of the @nr queues @qs for @ms, a sweep over all
 * of them every 2 ms; the counts of @qs[i] in @frames[i] and @marked[i].
 * With @quiet, stop early once a marked frame came and then nothing for
 * @quiet ms: dom0 had sent everything before it answered the rendezvous.
 * Consumed buffers are posted again, 16 at a time, the rest at the end.
 */
static bool rx_poll_queues(VifQueue *const *qs, unsigned int nr,
                           unsigned int ms, unsigned int quiet,
                           const char *marker,
                           unsigned int *frames, unsigned int *marked,
                           Detail *d)
{
    static uint8_t bufs[QNB_MAX_QUEUES][RX_FRAME_MAX];
    RxFrame f[QNB_MAX_QUEUES];
    int64_t deadline = now_ms() + ms, last = 0;
    unsigned int i, seen = 0, any;
    bool ok = true;

    if (nr > QNB_MAX_QUEUES) {
        nr = QNB_MAX_QUEUES;
    }
    for (i = 0; i < nr; i++) {
        f[i] = (RxFrame) { .q = qs[i], .buf = bufs[i] };
    }
    while (now_ms() < deadline) {
        any = 0;
        for (i = 0; i < nr; i++) {
            ok = rx_take(&f[i], marker, &frames[i], &marked[i], d) && ok;
            any += frames[i] + marked[i];
            if (f[i].used >= 16) {
                rx_post(f[i].q, f[i].used);
                f[i].used = 0;
            }
            evtchn_drain(f[i].q->evtchn_fd);
        }
        if (any != seen) {
            seen = any;
            last = now_ms();
        }
        if (quiet && last && marked_any(marked, nr) &&
            now_ms() - last >= quiet) {
            break;
        }
        sleep_ms(2);
    }
    for (i = 0; i < nr; i++) {
        if (f[i].used) {
            rx_post(f[i].q, f[i].used);
        }
    }
    return ok;
}

bool rx_poll(VifQueue *q, unsigned int ms, const char *marker,
             unsigned int *frames, unsigned int *marked, Detail *d)
{
    return rx_poll_queues(&q, 1, ms, RX_POLL_QUIET_MS, marker, frames,
                          marked, d);
}

bool rx_poll_all(Vif *v, unsigned int ms, const char *marker,
                 unsigned int *frames, unsigned int *marked, Detail *d)
{
    VifQueue *qs[QNB_MAX_QUEUES];
    unsigned int i;

    for (i = 0; i < v->nr_queues && i < QNB_MAX_QUEUES; i++) {
        qs[i] = &v->q[i];
    }
    return rx_poll_queues(qs, i, ms, 0, marker, frames, marked, d);
}
