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
 * With static grants, when the next requests posted could take any frame
 * and all name static grants, the tap is read straight into their pages:
 * one copy, the tap's, and no grant operation.  Data goes to requests 0,
 * 2, 3, ... as a GSO frame lays out (request 1's slot takes the
 * extra-info); a frame that turns out to be a non-GSO one of several
 * pages (jumbo MTU) is gathered into the buffer and goes the copy way.
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
/*
 * Hand the guest what is copied once a batch holds this many segments,
 * as netback flushes every COPY_BATCH_SIZE (64) ops: with a backlog in
 * the tap, a batch otherwise fills the guest's whole ring before the
 * guest sees a response, and the two take turns instead of overlapping.
 */
#define RX_FLUSH_SEGS   64

G_STATIC_ASSERT(sizeof(NetifVnetHdr) == NETIF_VNET_HDR_MRG_LEN);
G_STATIC_ASSERT(sizeof(struct netif_extra_info) ==
                sizeof(netif_rx_response_t));

/*
 * Where a frame whose vnet header could go at @from goes: just before a
 * page boundary, so that its data starts a page and each guest page's
 * worth of it lies in one local page.  gntdev cuts a grant copy segment
 * wherever its local side crosses a page, each piece a page pinned and an
 * op of the hypercall (in batches of 16): frames packed end to end made
 * two of nearly every segment.
 */
static size_t rx_frame_start(const NetifQueue *q, size_t from)
{
    size_t data = from + q->cfg.vnet_hdr_len + NETIF_PAGE_SIZE - 1;

    return data - data % NETIF_PAGE_SIZE - q->cfg.vnet_hdr_len;
}

void netif_rx_init(NetifQueue *q)
{
    size_t frame = RX_READ_MAX(q) + 2 * NETIF_PAGE_SIZE - 1;

    /* Room for NETIF_RX_BUF_FRAMES frames, each page-aligned. */
    q->rx_buf_size = NETIF_RX_BUF_FRAMES * (frame - frame % NETIF_PAGE_SIZE);
    q->rx_buf = g_aligned_alloc(q->rx_buf_size / NETIF_PAGE_SIZE,
                                NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
    q->rx_fill = rx_frame_start(q, 0);
    q->rx_segs = g_new0(NetifCopySeg, q->rx_ring_size);
    q->rx_ids = g_new0(uint16_t, q->rx_ring_size);
    q->rx_pkts = g_new0(NetifRxPacket, q->cfg.max_batch);
}

void netif_rx_cleanup(NetifQueue *q)
{
    g_aligned_free(q->rx_buf);
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
 * Translate the header of a frame (@data, @len bytes after the vnet
 * header) into rx_pending's flags and GSO; false when it was dropped.
 */
static bool rx_check_frame(NetifQueue *q, const NetifVnetHdr *vh,
                           uint8_t *data, size_t len)
{
    NetifRxPending *p = &q->rx_pending;
    NetifCause cause;

    p->len = len;
    p->nr_data = NETIF_PAGES(len);
    if (!netif_hdr_to_netif(vh, data, len, &q->cfg.features, &p->flags,
                            &p->gso, &cause)) {
        rx_drop(q, cause);
        return false;
    }
    if (p->nr_data > NETIF_RX_MAX_SLOTS ||
        (p->nr_data > 1 && !q->cfg.features.sg)) {
        rx_drop(q, NETIF_CAUSE_RX_TOO_BIG);
        return false;
    }
    if (p->gso.type) {
        p->flags |= NETRXF_extra_info;
    }
    if (p->nr_data > 1) {
        p->flags |= NETRXF_more_data;
    }
    return true;
}

/*
 * The frame of @size bytes (vnet header first) at rx_fill in the buffer
 * is the pending one: 1, or 0 when it was dropped.
 */
static int rx_take_buffered(NetifQueue *q, size_t size)
{
    uint8_t *buf = q->rx_buf + q->rx_fill;
    NetifVnetHdr vh = { 0 };

    if (size < q->cfg.vnet_hdr_len + NETIF_ETH_HLEN) {
        rx_drop(q, NETIF_CAUSE_RX_RUNT);
        return 0;
    }
    memcpy(&vh, buf, q->cfg.vnet_hdr_len);
    q->rx_pending.off = q->rx_fill + q->cfg.vnet_hdr_len;
    if (!rx_check_frame(q, &vh, q->rx_buf + q->rx_pending.off,
                        size - q->cfg.vnet_hdr_len)) {
        return 0;
    }
    q->rx_have_pending = true;
    return 1;
}

/*
 * Read one frame into the buffer at rx_fill and translate its header.
 * Returns 1 with rx_pending set, 0 when the frame was dropped, -1 when the
 * tap has nothing (or failed).
 */
static int rx_read(NetifQueue *q)
{
    struct iovec iov = {
        .iov_base = q->rx_buf + q->rx_fill, .iov_len = RX_READ_MAX(q),
    };
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
    return rx_take_buffered(q, ret);
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

/* Slot @i of frame @p: the extra-info takes the 2nd request's response. */
static bool rx_respond_extra(NetifQueue *q, const NetifRxPending *p,
                             unsigned int i)
{
    if (i != 1 || !p->gso.type) {
        return false;
    }
    memcpy(RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt), &p->gso,
           sizeof(p->gso));
    q->rx.rsp_prod_pvt++;
    return true;
}

/* The flags of data slot @i of @p, whose data ends at @end. */
static uint16_t rx_slot_flags(const NetifRxPending *p, unsigned int i,
                              size_t end)
{
    if (i == 0) {
        return p->flags;
    }
    return end < p->len ? NETRXF_more_data : 0;
}

/*
 * Place the pending frame on the next requests, which the caller checked
 * are posted: a request naming a writable static grant gets its data now,
 * with memcpy into the standing mapping; the others get copy segments,
 * copied at the flush.
 */
static void rx_place(NetifQueue *q)
{
    NetifRxPending *p = &q->rx_pending;
    NetifRxPacket *pkt = &q->rx_pkts[q->rx_nr_pkts++];
    bool statics = q->cfg.max_static_grants && netif_static_count(q);
    unsigned int i, hits = 0;
    size_t off = 0;

    pkt->rsp = q->rx.rsp_prod_pvt;
    pkt->nr_rsps = rx_slots_needed(p);
    pkt->seg = q->rx_nr_segs;
    pkt->id = q->rx_nr_ids;
    pkt->len = p->len;

    for (i = 0; i < pkt->nr_rsps; i++) {
        netif_rx_request_t req;
        NetifStatic *st;
        size_t n;

        RING_COPY_REQUEST(&q->rx, q->rx.req_cons, &req);
        q->rx.req_cons++;
        q->rx_ids[q->rx_nr_ids++] = req.id;

        if (rx_respond_extra(q, p, i)) {
            continue;
        }
        n = MIN(p->len - off, NETIF_PAGE_SIZE);
        st = statics ? netif_static_find(q, req.gref, true) : NULL;
        if (st) {
            memcpy(st->page, q->rx_buf + p->off + off, n);
            hits++;
        } else {
            q->rx_segs[q->rx_nr_segs++] = (NetifCopySeg) {
                .ref = req.gref, .offset = 0, .len = n,
                .local = q->rx_buf + p->off + off,
            };
        }
        rx_respond(q, req.id, rx_slot_flags(p, i, off + n), n);
        off += n;
    }
    pkt->nr_segs = q->rx_nr_segs - pkt->seg;

    NETIF_STAT_ADD(q, rx.slots, pkt->nr_rsps);
    if (q->cfg.max_static_grants) {
        NETIF_STAT_ADD(q, rx.static_hits, hits);
        NETIF_STAT_ADD(q, rx.static_misses, p->nr_data - hits);
    }
    q->rx_fill = rx_frame_start(q, p->off + p->len);
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
        goto push;
    }

    if (q->rx_nr_segs) {
        NETIF_STAT_ADD(q, rx.copy_calls, 1);
        NETIF_STAT_ADD(q, rx.copy_segs, q->rx_nr_segs);
    }
    if (!q->rx_nr_segs ||
        q->ops->copy(q->opaque, true, q->rx_segs, q->rx_nr_segs) == 0) {
        for (i = 0; i < q->rx_nr_pkts; i++) {
            NETIF_STAT_ADD(q, rx.packets, 1);
            NETIF_STAT_ADD(q, rx.bytes, q->rx_pkts[i].len);
        }
    } else {
        /* Find the packets whose copy fails; static ones have none. */
        for (i = 0; i < q->rx_nr_pkts; i++) {
            NetifRxPacket *pkt = &q->rx_pkts[i];

            if (pkt->nr_segs) {
                NETIF_STAT_ADD(q, rx.copy_calls, 1);
                NETIF_STAT_ADD(q, rx.copy_segs, pkt->nr_segs);
            }
            if (pkt->nr_segs &&
                q->ops->copy(q->opaque, true, &q->rx_segs[pkt->seg],
                             pkt->nr_segs) < 0) {
                rx_fail(q, pkt);
            } else {
                NETIF_STAT_ADD(q, rx.packets, 1);
                NETIF_STAT_ADD(q, rx.bytes, pkt->len);
            }
        }
    }

push:
    q->rx_nr_static = 0;
    if (q->rx.rsp_prod_pvt == q->rx_pushed) {
        return;
    }
    q->rx_pushed = q->rx.rsp_prod_pvt;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
    NETIF_STAT_ADD(q, rx.batches, 1);
    if (notify) {
        NETIF_STAT_ADD(q, rx.notifications, 1);
        q->ops->notify(q->opaque, true);
    }

    q->rx_nr_pkts = 0;
    q->rx_nr_segs = 0;
    q->rx_nr_ids = 0;
    q->rx_fill = rx_frame_start(q, 0);
    if (q->rx_have_pending) {
        /* Keep the waiting frame, alone, at the start of the buffer. */
        size_t off = q->rx_fill + q->cfg.vnet_hdr_len;

        memmove(q->rx_buf + off, q->rx_buf + q->rx_pending.off,
                q->rx_pending.len);
        q->rx_pending.off = off;
        q->rx_fill = rx_frame_start(q, off + q->rx_pending.len);
    }
}

#define RX_STATIC_REQS  NETIF_RX_STATIC_REQS

/*
 * Are the next RX_STATIC_REQS posted requests all static?  Each request
 * is copied off the ring and looked up once, not once per frame: the ones
 * checked stay in rx_static_req/rx_static until consumed (a DEL empties
 * the cache).
 */
static bool rx_static_ready(NetifQueue *q)
{
    RING_IDX cons = q->rx.req_cons, prod = q->rx.sring->req_prod;

    if (prod - cons < RX_STATIC_REQS || prod - cons > q->rx_ring_size) {
        return false;
    }
    xen_rmb(); /* see the requests up to prod */
    if (q->rx_static_end - cons > NETIF_RX_STATIC_CACHE) {
        q->rx_static_end = cons;    /* consumed past, or emptied */
    }
    while (q->rx_static_end - cons < RX_STATIC_REQS) {
        unsigned int i = q->rx_static_end & (NETIF_RX_STATIC_CACHE - 1);

        RING_COPY_REQUEST(&q->rx, q->rx_static_end, &q->rx_static_req[i]);
        q->rx_static[i] = netif_static_find(q, q->rx_static_req[i].gref,
                                            true);
        if (!q->rx_static[i]) {
            return false;
        }
        q->rx_static_end++;
    }
    return true;
}

/*
 * Read the next frame straight into the static pages of the next posted
 * requests and answer them.  1: placed, 0: dropped, -1: the tap is empty,
 * 2: not possible now (use the buffer), 3: read, but it must go through
 * the buffer (it is pending there now).
 */
static int rx_read_static(NetifQueue *q)
{
    netif_rx_request_t reqs[RX_STATIC_REQS];
    NetifStatic *st[RX_STATIC_REQS];
    struct iovec iov[RX_STATIC_REQS];
    uint8_t *page[RX_STATIC_REQS - 1];
    NetifRxPending *p = &q->rx_pending;
    NetifVnetHdr vh = { 0 };
    RING_IDX cons = q->rx.req_cons;
    unsigned int i, n;
    ssize_t ret;
    size_t len, off;

    if (!q->cfg.max_static_grants || !netif_static_count(q) ||
        !rx_static_ready(q)) {
        return 2;
    }
    for (i = 0; i < RX_STATIC_REQS; i++) {
        unsigned int c = (cons + i) & (NETIF_RX_STATIC_CACHE - 1);

        reqs[i] = q->rx_static_req[c];
        st[i] = q->rx_static[c];
    }

    /*
     * vnet header, then request 0's page, then 2, 3, ... (1 is the GSO
     * extra's, if it is one); pages side by side in memory (static
     * blocks) are one iovec.
     */
    iov[0] = (struct iovec) { .iov_base = &vh,
                              .iov_len = q->cfg.vnet_hdr_len };
    for (i = 0, n = 1; i < RX_STATIC_REQS - 1; i++) {
        page[i] = st[i ? i + 1 : 0]->page;
        if (n > 1 && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len ==
                     page[i]) {
            iov[n - 1].iov_len += NETIF_PAGE_SIZE;
        } else {
            iov[n++] = (struct iovec) { .iov_base = page[i],
                                        .iov_len = NETIF_PAGE_SIZE };
        }
    }
    ret = q->ops->tap_readv(q->opaque, iov, n);
    if (ret == -EAGAIN) {
        return -1;
    }
    if (ret < 0 || (size_t)ret > NETIF_RX_FRAME_MAX + q->cfg.vnet_hdr_len) {
        rx_drop(q, NETIF_CAUSE_RX_TAP);
        return -1;
    }
    if ((size_t)ret < q->cfg.vnet_hdr_len + NETIF_ETH_HLEN) {
        rx_drop(q, NETIF_CAUSE_RX_RUNT);
        return 0;
    }
    len = ret - q->cfg.vnet_hdr_len;
    /*
     * As netif_hdr_to_netif() sees it: the ECN bit alone is no GSO (the
     * fuzzer found a frame that was, read over its first page's end).
     */
    if (!(vh.gso_type & ~NETIF_VNET_HDR_GSO_ECN) && len > NETIF_PAGE_SIZE) {
        /* Laid out for a GSO frame: gather it, send it the copy way. */
        uint8_t *buf = q->rx_buf + q->rx_fill;

        memcpy(buf, &vh, q->cfg.vnet_hdr_len);
        for (i = 0, off = 0; off < len; i++, off += NETIF_PAGE_SIZE) {
            memcpy(buf + q->cfg.vnet_hdr_len + off, page[i],
                   MIN(NETIF_PAGE_SIZE, len - off));
        }
        return rx_take_buffered(q, ret) ? 3 : 0;
    }
    /* A GSO frame's translation reads no data; a one-page one is here. */
    if (!rx_check_frame(q, &vh, st[0]->page, len)) {
        return 0;
    }

    /* Answer requests 0 .. n-1 in their slots. */
    n = rx_slots_needed(p);
    for (i = 0, off = 0; i < n; i++) {
        size_t chunk;

        if (rx_respond_extra(q, p, i)) {
            continue;
        }
        chunk = MIN(p->len - off, NETIF_PAGE_SIZE);
        rx_respond(q, reqs[i].id, rx_slot_flags(p, i, off + chunk), chunk);
        off += chunk;
    }
    q->rx.req_cons += n;
    NETIF_STAT_ADD(q, rx.slots, n);
    NETIF_STAT_ADD(q, rx.static_hits, p->nr_data);
    NETIF_STAT_ADD(q, rx.packets, 1);
    NETIF_STAT_ADD(q, rx.bytes, p->len);
    return 1;
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

/*
 * The rings were served by a backend that died (see netif_tx_resume()):
 * the buffers it left unanswered go back empty, with an error, their
 * grants unread.  An RX response keeps its request's id in place.
 */
void netif_rx_resume(NetifQueue *q)
{
    RING_IDX end = q->rx.sring->req_prod;
    bool notify;

    xen_rmb();  /* see the requests up to end */
    if (end - q->rx.req_cons > q->rx_ring_size) {
        return;     /* rx_slots_available() stops the queue for it */
    }
    while (q->rx.req_cons != end) {
        netif_rx_request_t req;
        netif_rx_response_t *rsp;

        RING_COPY_REQUEST(&q->rx, q->rx.req_cons++, &req);
        rsp = RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt++);
        rsp->id = req.id;
        rsp->offset = 0;
        rsp->flags = 0;
        rsp->status = NETIF_RSP_ERROR;
        netif_count_cause(q, NETIF_CAUSE_RX_RESTART);
    }
    q->rx_static_end = q->rx.req_cons;
    if (q->rx.rsp_prod_pvt == q->rx_pushed) {
        return;
    }
    q->rx_pushed = q->rx.rsp_prod_pvt;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
    if (notify) {
        NETIF_STAT_ADD(q, rx.notifications, 1);
        q->ops->notify(q->opaque, true);
    }
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

    if (q->rx_resume) {
        q->rx_resume = false;
        netif_rx_resume(q);
    }
    if (q->rx_stalled && q->rx.sring->req_prod != q->rx.req_cons) {
        rx_set_stalled(q, false);   /* the ring checks below validate it */
    }
    deadline = netif_rx_deadline(q);
    if (deadline && g_get_monotonic_time() >= deadline) {
        /* The waiting frame alone is in the buffer (see rx_flush()). */
        q->rx_have_pending = false;
        q->rx_stalled_since = 0;
        q->rx_fill = rx_frame_start(q, 0);
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
                q->rx_nr_static == q->cfg.max_batch ||
                q->rx_nr_segs >= RX_FLUSH_SEGS ||
                q->rx_fill > q->rx_buf_size - RX_READ_MAX(q)) {
                rx_flush(q);
            }
            ret = rx_read_static(q);
            if (ret == 1) {
                q->rx_nr_static++;
                done++;
                continue;
            }
            if (ret == 2) {
                ret = rx_read(q);
            }
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
