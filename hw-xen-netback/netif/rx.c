/*
 * qnetback netif engine: guest RX (tap -> frontend).
 *
 * Frames are read from the tap into a per-queue staging buffer, one after
 * the other.  A frame is planned onto the guest's RX requests only when
 * enough of them are posted: one whole page per data slot, filled from
 * offset 0, plus one slot for the GSO extra-info.  Responses go in the ring
 * slots of the requests they answer (netfront relies on it).  The copy
 * segments of a batch go out in one grant copy call; then one push.
 *
 * A frame that does not fit the posted requests waits in the buffer; the
 * tap is not read meanwhile, so a guest that posts nothing costs one frame
 * of memory.  Once the frame waited rx_stall_us it is dropped and the guest
 * is stalled, as Linux netback does it: the glue turns the carrier off, and
 * every frame without room is dropped at once (the tap's queue drains)
 * until the guest posts a request again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>

#include "netif-int.h"

#define RX_READ_MAX(q)  ((q)->cfg.vnet_hdr_len + NETIF_RX_FRAME_MAX)

G_STATIC_ASSERT(sizeof(NetifVnetHdr) == NETIF_VNET_HDR_MRG_LEN);
G_STATIC_ASSERT(sizeof(struct netif_extra_info) ==
                sizeof(netif_rx_response_t));

void netif_rx_init(NetifQueue *q)
{
    q->rx_buf_size = NETIF_RX_BUF_FRAMES * RX_READ_MAX(q);
    q->rx_buf = g_malloc(q->rx_buf_size);
    q->rx_segs = g_new0(NetifCopySeg, q->rx_ring_size);
    q->rx_ids = g_new0(uint16_t, q->rx_ring_size);
    q->rx_pkts = g_new0(NetifRxPacket, q->cfg.max_batch);
}

void netif_rx_cleanup(NetifQueue *q)
{
    g_free(q->rx_buf);
    g_free(q->rx_segs);
    g_free(q->rx_ids);
    g_free(q->rx_pkts);
}

int64_t netif_rx_deadline(const NetifQueue *q)
{
    if (!q->rx_have_pending || !q->rx_stalled_since) {
        return 0;
    }
    return q->rx_stalled_since + q->cfg.rx_stall_us;
}

static void rx_drop(NetifQueue *q, NetifCause cause)
{
    netif_count_cause(q, cause);
}

/* Ring slots a frame takes: its pages, plus one for a GSO extra. */
static unsigned int rx_slots_needed(const NetifRxPending *p)
{
    return p->nr_data + (p->gso.type ? 1 : 0);
}

bool netif_rx_has_work(const NetifQueue *q)
{
    RING_IDX posted = q->rx.sring->req_prod - q->rx.req_cons;

    if (q->rx_stalled) {
        return posted > 0;
    }
    return q->rx_have_pending && posted >= rx_slots_needed(&q->rx_pending);
}

/*
 * Read one frame into the buffer at rx_fill and translate its header.
 * Returns 1 with rx_pending set, 0 when the frame was dropped, -1 when the
 * tap has nothing (or failed).
 */
static int rx_read(NetifQueue *q)
{
    uint8_t *buf = q->rx_buf + q->rx_fill;
    struct iovec iov = { .iov_base = buf, .iov_len = RX_READ_MAX(q) };
    NetifRxPending *p = &q->rx_pending;
    NetifVnetHdr vh = { 0 };
    NetifCause cause;
    ssize_t ret;

    ret = q->ops->tap_readv(q->opaque, &iov, 1);
    if (ret == -EAGAIN) {
        return -1;
    }
    if (ret < 0 || (size_t)ret > iov.iov_len) {
        /* Don't spin on a broken fd: report empty. */
        rx_drop(q, NETIF_CAUSE_RX_TAP);
        return -1;
    }
    if ((size_t)ret < q->cfg.vnet_hdr_len + NETIF_ETH_HLEN) {
        rx_drop(q, NETIF_CAUSE_RX_RUNT);
        return 0;
    }

    memcpy(&vh, buf, q->cfg.vnet_hdr_len);
    p->off = q->rx_fill + q->cfg.vnet_hdr_len;
    p->len = ret - q->cfg.vnet_hdr_len;
    p->nr_data = (p->len + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE;

    if (!netif_hdr_to_netif(&vh, q->rx_buf + p->off, p->len,
                            &q->cfg.features, &p->flags, &p->gso, &cause)) {
        rx_drop(q, cause);
        return 0;
    }
    if (p->nr_data > NETIF_RX_MAX_SLOTS ||
        (p->nr_data > 1 && !q->cfg.features.sg)) {
        rx_drop(q, NETIF_CAUSE_RX_TOO_BIG);
        return 0;
    }
    if (p->gso.type) {
        p->flags |= NETRXF_extra_info;
    }
    if (p->nr_data > 1) {
        p->flags |= NETRXF_more_data;
    }
    q->rx_have_pending = true;
    return 1;
}

static void rx_respond(NetifQueue *q, uint16_t id, uint16_t flags,
                       int16_t status)
{
    netif_rx_response_t *rsp = RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt);

    rsp->id = id;
    rsp->offset = 0;
    rsp->flags = flags;
    rsp->status = status;
    q->rx.rsp_prod_pvt++;
}

/*
 * Place the pending frame on the next requests, which the caller checked
 * are posted, and queue its copy segments.
 */
static void rx_place(NetifQueue *q)
{
    NetifRxPending *p = &q->rx_pending;
    NetifRxPacket *pkt = &q->rx_pkts[q->rx_nr_pkts++];
    size_t off = 0;
    unsigned int i;

    pkt->rsp = q->rx.rsp_prod_pvt;
    pkt->nr_rsps = rx_slots_needed(p);
    pkt->seg = q->rx_nr_segs;
    pkt->nr_segs = p->nr_data;
    pkt->id = q->rx_nr_ids;
    pkt->len = p->len;

    for (i = 0; i < pkt->nr_rsps; i++) {
        netif_rx_request_t req;
        uint16_t flags;
        size_t n;

        RING_COPY_REQUEST(&q->rx, q->rx.req_cons, &req);
        q->rx.req_cons++;
        q->rx_ids[q->rx_nr_ids++] = req.id;

        if (i == 1 && p->gso.type) {
            /* The extra-info takes the response slot of the 2nd request. */
            memcpy(RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt), &p->gso,
                   sizeof(p->gso));
            q->rx.rsp_prod_pvt++;
            continue;
        }

        n = MIN(p->len - off, NETIF_PAGE_SIZE);
        if (i == 0) {
            flags = p->flags;
        } else {
            flags = off + n < p->len ? NETRXF_more_data : 0;
        }

        q->rx_segs[q->rx_nr_segs++] = (NetifCopySeg) {
            .ref = req.gref, .offset = 0, .len = n,
            .local = q->rx_buf + p->off + off,
        };
        rx_respond(q, req.id, flags, n);
        off += n;
    }

    NETIF_STAT_ADD(q, rx.slots, pkt->nr_rsps);
    q->rx_fill = p->off + p->len;
    q->rx_have_pending = false;
    q->rx_stalled_since = 0;
}

/* Answer every slot of a packet whose copy failed with an error. */
static void rx_fail(NetifQueue *q, NetifRxPacket *pkt)
{
    RING_IDX saved = q->rx.rsp_prod_pvt;
    unsigned int i;

    q->rx.rsp_prod_pvt = pkt->rsp;
    for (i = 0; i < pkt->nr_rsps; i++) {
        rx_respond(q, q->rx_ids[pkt->id + i],
                   i + 1 < pkt->nr_rsps ? NETRXF_more_data : 0,
                   NETIF_RSP_ERROR);
    }
    q->rx.rsp_prod_pvt = saved;
    rx_drop(q, NETIF_CAUSE_RX_GRANT);
}

/* One copy call for the batch, then one push. */
static void rx_flush(NetifQueue *q)
{
    unsigned int i;
    bool notify;

    if (!q->rx_nr_pkts) {
        return;
    }

    NETIF_STAT_ADD(q, rx.copy_calls, 1);
    NETIF_STAT_ADD(q, rx.copy_segs, q->rx_nr_segs);
    if (q->ops->copy(q->opaque, true, q->rx_segs, q->rx_nr_segs) == 0) {
        for (i = 0; i < q->rx_nr_pkts; i++) {
            NETIF_STAT_ADD(q, rx.packets, 1);
            NETIF_STAT_ADD(q, rx.bytes, q->rx_pkts[i].len);
        }
    } else {
        for (i = 0; i < q->rx_nr_pkts; i++) {
            NetifRxPacket *pkt = &q->rx_pkts[i];

            NETIF_STAT_ADD(q, rx.copy_calls, 1);
            NETIF_STAT_ADD(q, rx.copy_segs, pkt->nr_segs);
            if (q->ops->copy(q->opaque, true, &q->rx_segs[pkt->seg],
                             pkt->nr_segs) < 0) {
                rx_fail(q, pkt);
            } else {
                NETIF_STAT_ADD(q, rx.packets, 1);
                NETIF_STAT_ADD(q, rx.bytes, pkt->len);
            }
        }
    }

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
    NETIF_STAT_ADD(q, rx.batches, 1);
    if (notify) {
        NETIF_STAT_ADD(q, rx.notifications, 1);
        q->ops->notify(q->opaque, true);
    }

    q->rx_nr_pkts = 0;
    q->rx_nr_segs = 0;
    q->rx_nr_ids = 0;
    q->rx_fill = 0;
    if (q->rx_have_pending) {
        /* Keep the waiting frame, alone, at the start of the buffer. */
        memmove(q->rx_buf, q->rx_buf + q->rx_pending.off, q->rx_pending.len);
        q->rx_pending.off = 0;
        q->rx_fill = q->rx_pending.len;
    }
}

/*
 * Are enough requests posted for the pending frame?  If not, ask for an
 * event once they are.  -1 when the frontend's req_prod is impossible.
 */
static int rx_slots_available(NetifQueue *q, unsigned int needed)
{
    RING_IDX prod, cons = q->rx.req_cons;

    do {
        prod = q->rx.sring->req_prod;
        xen_rmb(); /* see the requests up to prod */
        if (prod - cons > q->rx_ring_size) {
            netif_fatal(q, NETIF_CAUSE_RX_FATAL_RING,
                        "RX: req_prod %u is %u requests ahead of req_cons "
                        "%u, the ring has %u", prod, prod - cons, cons,
                        q->rx_ring_size);
            return -1;
        }
        if (prod - cons >= needed) {
            return 1;
        }
        q->rx.sring->req_event = cons + needed;
        xen_mb(); /* publish req_event before looking at req_prod again */
    } while (q->rx.sring->req_prod != prod);
    return 0;
}

static void rx_set_stalled(NetifQueue *q, bool stalled)
{
    if (q->rx_stalled != stalled) {
        q->rx_stalled = stalled;
        q->ops->rx_stall(q->opaque, stalled);
    }
}

/*
 * Stalled, wait for any request at all (Linux netback's "ready"); false if
 * one is posted already.
 */
static bool rx_arm_stalled_event(NetifQueue *q)
{
    q->rx.sring->req_event = q->rx.req_cons + 1;
    xen_mb(); /* publish req_event before looking at req_prod again */
    return q->rx.sring->req_prod == q->rx.req_cons;
}

NetifWait netif_rx_poll(NetifQueue *q, unsigned int budget)
{
    unsigned int done = 0;
    NetifWait wait = NETIF_WAIT_EVENT;
    int64_t deadline;

    if (q->disabled) {
        return NETIF_WAIT_DISABLED;
    }
    NETIF_STAT_ADD(q, rx.polls, 1);

    if (q->rx_stalled && q->rx.sring->req_prod != q->rx.req_cons) {
        rx_set_stalled(q, false);   /* the ring checks below validate it */
    }
    deadline = netif_rx_deadline(q);
    if (deadline && g_get_monotonic_time() >= deadline) {
        /* The waiting frame alone is in the buffer (see rx_flush()). */
        q->rx_have_pending = false;
        q->rx_stalled_since = 0;
        q->rx_fill = 0;
        rx_drop(q, NETIF_CAUSE_RX_STALL);
        rx_set_stalled(q, true);
    }

    for (;;) {
        unsigned int needed;
        int ret;

        if (!q->rx_have_pending) {
            if (done >= budget) {
                wait |= NETIF_WAIT_MORE;
                break;
            }
            if (q->rx_nr_pkts == q->cfg.max_batch ||
                q->rx_buf_size - q->rx_fill < RX_READ_MAX(q)) {
                rx_flush(q);
            }
            ret = rx_read(q);
            if (ret < 0) {
                break;
            }
            done++;
            if (ret == 0) {
                continue;
            }
        }

        needed = rx_slots_needed(&q->rx_pending);
        /* A batch never answers more than a ring of requests. */
        if (q->rx_nr_ids + needed > q->rx_ring_size) {
            rx_flush(q);
        }
        ret = rx_slots_available(q, needed);
        if (ret < 0) {
            return NETIF_WAIT_DISABLED;
        }
        if (ret == 0 && q->rx_stalled) {
            /* No room, and none for a while: drain the tap. */
            q->rx_have_pending = false;
            rx_drop(q, NETIF_CAUSE_RX_STALL);
            continue;
        }
        if (ret == 0) {
            if (!q->rx_stalled_since) {
                q->rx_stalled_since = g_get_monotonic_time();
            }
            break;
        }
        rx_place(q);
        rx_set_stalled(q, false);
    }

    rx_flush(q);
    if (q->rx_stalled && !rx_arm_stalled_event(q)) {
        wait |= NETIF_WAIT_MORE;    /* a request came meanwhile */
    }
    /* While a frame waits for buffers, the tap is not read. */
    return wait | (q->rx_have_pending ? NETIF_WAIT_DEADLINE
                                      : NETIF_WAIT_TAP_READ);
}
