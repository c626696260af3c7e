/*
 * qnetback netif engine: guest TX (frontend -> tap).
 *
 * A batch goes through four steps:
 *   build    copy requests off the ring once and check the slot chains;
 *   resolve  slots naming a static grant use its standing mapping (and
 *            hold it until answered); one grant map (or copy) call for
 *            the other slots of every packet; then translate each
 *            packet's headers into a vnet header;
 *   write    one writev per packet to the tap;
 *   complete one unmap call, then a response for every consumed request
 *            and one push.
 * A tap that is full stops a batch between write and complete; nothing is
 * answered (and nothing unmapped) until the batch is written.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>

#include "netif-int.h"

void netif_tx_init(NetifQueue *q)
{
    unsigned int n = q->tx_ring_size, batch = q->cfg.max_batch;

    q->tx_slots = g_new0(NetifTxSlot, n);
    q->tx_refs = g_new0(uint32_t, n);
    q->tx_segs = g_new0(NetifCopySeg, n);
    q->tx_pkts = g_new0(NetifTxPacket, batch);
    q->tx_maps = g_new0(NetifTxMapping, batch);
    q->tx_hdr = g_malloc0(sizeof(*q->tx_hdr) * batch);
    if (q->cfg.grant_mode == NETIF_GRANT_COPY) {
        /*
         * A batch consumes at most a ring of slots, each within a page:
         * slot k of a batch lands in page k at its offset in the guest's
         * page (see tx_copy()).
         */
        q->tx_buf = g_aligned_alloc(n, NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
    }
}

static void tx_unmap_all(NetifQueue *q)
{
    unsigned int i;

    for (i = 0; i < q->tx_nr_maps; i++) {
        NetifTxMapping *m = &q->tx_maps[i];

        q->ops->unmap(q->opaque, m->addr, &q->tx_refs[m->ref], m->nr);
        NETIF_STAT_ADD(q, tx.unmap_calls, 1);
        NETIF_STAT_ADD(q, tx.unmap_ops, m->nr);
    }
    q->tx_nr_maps = 0;
}

static void tx_release_statics(NetifQueue *q);

void netif_tx_cleanup(NetifQueue *q)
{
    /* A batch held by a full tap may still have guest pages mapped. */
    tx_unmap_all(q);
    tx_release_statics(q);
    g_free(q->tx_slots);
    g_free(q->tx_refs);
    g_free(q->tx_segs);
    g_free(q->tx_pkts);
    g_free(q->tx_maps);
    g_free(q->tx_hdr);
    g_aligned_free(q->tx_buf);
}

bool netif_tx_has_work(const NetifQueue *q)
{
    return !q->tx_blocked && q->tx.sring->req_prod != q->tx.req_cons;
}

static void tx_drop(NetifQueue *q, NetifTxPacket *pkt, NetifCause cause,
                    int16_t status)
{
    pkt->send = false;
    pkt->status = status;
    netif_count_cause(q, cause);
}

/*
 * Read the extra-info slots that follow a first slot with
 * NETTXF_extra_info, up to @end.  A type we don't know, a chain that runs
 * past what was produced and a GSO we never offered are what only a
 * malicious frontend sends: fatal, as in Linux's xenvif_get_extras().
 */
static bool tx_get_extras(NetifQueue *q, NetifTxPacket *pkt, RING_IDX *cons,
                          RING_IDX end, bool *mcast)
{
    struct netif_extra_info extra;
    netif_tx_request_t txp;

    do {
        if (*cons == end) {
            netif_fatal(q, NETIF_CAUSE_TX_FATAL_MISSING,
                        "TX: missing extra info at %u", *cons);
            return false;
        }
        RING_COPY_REQUEST(&q->tx, *cons, &txp);
        memcpy(&extra, &txp, sizeof(extra));
        (*cons)++;
        pkt->nr_extras++;

        switch (extra.type) {
        case XEN_NETIF_EXTRA_TYPE_GSO:
            pkt->gso = extra;
            pkt->has_gso = true;
            break;
        case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
        case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
            /* The tap takes every frame: nothing to filter. */
            *mcast = true;
            break;
        case XEN_NETIF_EXTRA_TYPE_HASH:
            break;
        default:
            netif_fatal(q, NETIF_CAUSE_TX_FATAL_EXTRA,
                        "TX: invalid extra type %u", extra.type);
            return false;
        }
    } while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);

    if (!pkt->has_gso) {
        return true;
    }
    if (!pkt->gso.u.gso.size) {
        netif_fatal(q, NETIF_CAUSE_TX_FATAL_GSO,
                    "TX: GSO size must not be zero");
        return false;
    }
    if (pkt->gso.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
        pkt->gso.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6) {
        netif_fatal(q, NETIF_CAUSE_TX_FATAL_GSO,
                    "TX: bad GSO type %u", pkt->gso.u.gso.type);
        return false;
    }
    return true;
}

/*
 * Read the data slots after the first, into @slots[1..], as Linux's
 * xenvif_count_requests() walks them: what only a malicious frontend does
 * (too many slots, a slot past the produced ones or across its page) is
 * fatal; a chain a buggy one sends (above the legacy limit, sizes that do
 * not add up) sets @drop and is read on, so the ring stays in step.
 * @size_left is what the first slot's size leaves for the first slot
 * itself.  Returns the number of slots read, or -1 when fatal.
 */
static int tx_get_frags(NetifQueue *q, NetifTxSlot *slots, RING_IDX *cons,
                        RING_IDX end, RING_IDX avail, uint16_t *size_left,
                        NetifCause *drop)
{
    netif_tx_request_t txp;
    unsigned int nr_frags = 0;

    do {
        if (*cons == end) {
            netif_fatal(q, NETIF_CAUSE_TX_FATAL_MISSING,
                        "TX: packet needs more than the %u slots produced",
                        avail);
            return -1;
        }
        if (nr_frags >= NETIF_TX_FATAL_FRAGS) {
            netif_fatal(q, NETIF_CAUSE_TX_FATAL_SLOTS,
                        "TX: malicious frontend using more than %u slots",
                        NETIF_TX_FATAL_FRAGS + 1);
            return -1;
        }
        if (*drop == NETIF_CAUSE_NONE && nr_frags >= NETIF_TX_LEGACY_FRAGS) {
            *drop = NETIF_CAUSE_TX_TOO_MANY_SLOTS;
        }

        RING_COPY_REQUEST(&q->tx, *cons, &txp);
        (*cons)++;

        /* Frames of 64 KiB or more overflow the first size: drop them. */
        if (*drop == NETIF_CAUSE_NONE) {
            if (txp.size > *size_left) {
                *drop = NETIF_CAUSE_TX_SIZE_MISMATCH;
            } else {
                *size_left -= txp.size;
            }
        }
        if (txp.offset + txp.size > NETIF_PAGE_SIZE) {
            netif_fatal(q, NETIF_CAUSE_TX_FATAL_PAGE,
                        "TX: slot crosses the page: offset %u size %u",
                        txp.offset, txp.size);
            return -1;
        }
        nr_frags++;
        slots[nr_frags] = (NetifTxSlot) {
            .gref = txp.gref, .offset = txp.offset, .size = txp.size,
            .id = txp.id,
        };
    } while (txp.flags & NETTXF_more_data);
    return nr_frags;
}

/*
 * Read one packet's requests: the first slot, its extra-info slots, then
 * the rest of its data slots, at most @avail requests in all.  Follows
 * Linux netback's rules: what only a malicious frontend does is fatal;
 * what a buggy one does drops the packet.  False when fatal.
 */
static bool tx_get_packet(NetifQueue *q, NetifTxPacket *pkt, RING_IDX avail)
{
    RING_IDX cons = q->tx.req_cons, end = cons + avail;
    NetifTxSlot *slots = &q->tx_slots[q->tx_nr_slots];
    NetifCause drop = NETIF_CAUSE_NONE;
    netif_tx_request_t first;
    bool mcast = false;
    int nr_frags = 0;
    uint16_t size_left;

    RING_COPY_REQUEST(&q->tx, cons, &first);
    cons++;

    memset(pkt, 0, sizeof(*pkt));
    pkt->slot = q->tx_nr_slots;
    pkt->flags = first.flags;
    pkt->len = first.size;

    if ((first.flags & NETTXF_extra_info) &&
        !tx_get_extras(q, pkt, &cons, end, &mcast)) {
        return false;
    }

    /*
     * The first slot's size is the packet's; its own data is what the
     * other slots leave of it.
     */
    size_left = first.size;
    if (first.flags & NETTXF_more_data) {
        nr_frags = tx_get_frags(q, slots, &cons, end, avail, &size_left,
                                &drop);
        if (nr_frags < 0) {
            return false;
        }
    }

    slots[0] = (NetifTxSlot) {
        .gref = first.gref, .offset = first.offset, .id = first.id,
        .size = drop == NETIF_CAUSE_NONE ? size_left : 0,
    };
    if (drop == NETIF_CAUSE_NONE &&
        first.offset + size_left > NETIF_PAGE_SIZE) {
        netif_fatal(q, NETIF_CAUSE_TX_FATAL_PAGE,
                    "TX: first slot crosses the page: offset %u size %u",
                    first.offset, size_left);
        return false;
    }

    pkt->nr_slots = nr_frags + 1;
    q->tx_nr_slots += pkt->nr_slots;
    q->tx.req_cons = cons;
    NETIF_STAT_ADD(q, tx.slots, pkt->nr_slots + pkt->nr_extras);

    if (drop != NETIF_CAUSE_NONE) {
        tx_drop(q, pkt, drop, NETIF_RSP_ERROR);
    } else if (mcast) {
        /* A multicast request rides on a dummy packet; answer it only. */
        pkt->status = NETIF_RSP_OKAY;
    } else if (pkt->len < NETIF_ETH_HLEN) {
        tx_drop(q, pkt, NETIF_CAUSE_TX_RUNT, NETIF_RSP_ERROR);
    } else {
        pkt->status = NETIF_RSP_OKAY;
        pkt->send = true;
    }
    return true;
}

/*
 * Copy requests off the ring for up to @max packets.  Returns the number of
 * packets, or -1 when the frontend turned out to be broken.
 */
static int tx_build(NetifQueue *q, unsigned int max)
{
    RING_IDX rp, start = q->tx.req_cons;

    q->tx_nr_pkts = 0;
    q->tx_nr_slots = 0;
    q->tx_nr_maps = 0;
    q->tx_next = 0;

    rp = q->tx.sring->req_prod;
    xen_rmb(); /* see the requests up to rp */

    if (rp - q->tx.req_cons > q->tx_ring_size) {
        netif_fatal(q, NETIF_CAUSE_TX_FATAL_RING,
                    "TX: req_prod %u is %u requests ahead of req_cons %u, "
                    "the ring has %u", rp, rp - q->tx.req_cons,
                    q->tx.req_cons, q->tx_ring_size);
        return -1;
    }

    while (q->tx_nr_pkts < max && q->tx.req_cons != rp) {
        /* A batch never takes more than a ring, whatever req_prod says. */
        RING_IDX room = q->tx_ring_size - (q->tx.req_cons - start);
        RING_IDX avail = MIN(rp - q->tx.req_cons, room);

        if (!tx_get_packet(q, &q->tx_pkts[q->tx_nr_pkts], avail)) {
            return -1;
        }
        q->tx_nr_pkts++;
    }
    return q->tx_nr_pkts;
}

/* Iterate over a packet's slots; the empty ones need no grant. */
#define FOR_EACH_SLOT(q, pkt, s)                                            \
    for (s = &(q)->tx_slots[(pkt)->slot];                                   \
         s < &(q)->tx_slots[(pkt)->slot + (pkt)->nr_slots]; s++)

/* The slots a grant operation must reach: not empty, not static. */
#define FOR_EACH_GRANT_SLOT(q, pkt, s)                                      \
    FOR_EACH_SLOT(q, pkt, s)                                                \
        if (!s->size || s->st) {                                            \
            continue;                                                       \
        } else

static void tx_point_into_map(NetifQueue *q, NetifTxPacket *pkt,
                              uint8_t *addr)
{
    unsigned int page = 0;
    NetifTxSlot *s;

    FOR_EACH_GRANT_SLOT(q, pkt, s) {
        s->data = addr + (size_t)page++ * NETIF_PAGE_SIZE + s->offset;
    }
}

static void tx_map(NetifQueue *q)
{
    unsigned int nr = 0, i;
    NetifTxSlot *s;
    void *addr;

    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];

        if (!pkt->send) {
            continue;
        }
        pkt->ref = nr;
        FOR_EACH_GRANT_SLOT(q, pkt, s) {
            q->tx_refs[nr++] = s->gref;
        }
        pkt->nr_refs = nr - pkt->ref;
    }
    if (!nr) {
        return;
    }

    addr = q->ops->map(q->opaque, q->tx_refs, nr, false);
    NETIF_STAT_ADD(q, tx.map_calls, 1);
    if (addr) {
        NETIF_STAT_ADD(q, tx.map_ops, nr);
        q->tx_maps[q->tx_nr_maps++] = (NetifTxMapping) {
            .addr = addr, .ref = 0, .nr = nr,
        };
        for (i = 0; i < q->tx_nr_pkts; i++) {
            NetifTxPacket *pkt = &q->tx_pkts[i];

            if (pkt->send) {
                tx_point_into_map(q, pkt, (uint8_t *)addr +
                                  (size_t)pkt->ref * NETIF_PAGE_SIZE);
            }
        }
        return;
    }

    /* Find the packets whose grants are bad; never use a failed map. */
    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];

        if (!pkt->send || !pkt->nr_refs) {
            continue;
        }
        addr = q->ops->map(q->opaque, &q->tx_refs[pkt->ref], pkt->nr_refs,
                           false);
        NETIF_STAT_ADD(q, tx.map_calls, 1);
        if (!addr) {
            tx_drop(q, pkt, NETIF_CAUSE_TX_GRANT, NETIF_RSP_ERROR);
            continue;
        }
        NETIF_STAT_ADD(q, tx.map_ops, pkt->nr_refs);
        q->tx_maps[q->tx_nr_maps++] = (NetifTxMapping) {
            .addr = addr, .ref = pkt->ref, .nr = pkt->nr_refs,
        };
        tx_point_into_map(q, pkt, addr);
    }
}

/*
 * Slot k of the batch lands in local page k at its offset in the guest's
 * page, as a mapping lays it out: no segment crosses a local page.  gntdev
 * cuts a segment wherever its local side crosses a page, each piece a page
 * pinned and an op of the hypercall (in batches of 16), so packing slots
 * end to end doubled both.  Slots that meet in the guest's pages (a frag
 * spanning pages) still meet here, and tx_writev() joins them.
 */
static void tx_copy(NetifQueue *q)
{
    unsigned int nr = 0, i;
    NetifTxSlot *s;

    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];

        if (!pkt->send) {
            continue;
        }
        pkt->ref = nr;
        FOR_EACH_GRANT_SLOT(q, pkt, s) {
            s->data = q->tx_buf + (size_t)nr * NETIF_PAGE_SIZE + s->offset;
            q->tx_segs[nr++] = (NetifCopySeg) {
                .ref = s->gref, .offset = s->offset, .len = s->size,
                .local = s->data,
            };
        }
        pkt->nr_refs = nr - pkt->ref;
    }
    if (!nr) {
        return;
    }

    NETIF_STAT_ADD(q, tx.copy_calls, 1);
    NETIF_STAT_ADD(q, tx.copy_segs, nr);
    if (q->ops->copy(q->opaque, false, q->tx_segs, nr) == 0) {
        return;
    }

    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];

        if (!pkt->send || !pkt->nr_refs) {
            continue;
        }
        NETIF_STAT_ADD(q, tx.copy_calls, 1);
        NETIF_STAT_ADD(q, tx.copy_segs, pkt->nr_refs);
        if (q->ops->copy(q->opaque, false, &q->tx_segs[pkt->ref],
                         pkt->nr_refs) < 0) {
            tx_drop(q, pkt, NETIF_CAUSE_TX_GRANT, NETIF_RSP_ERROR);
        }
    }
}

/*
 * Copy the packet's first bytes aside, gathered across slots however the
 * frontend split them, and build its vnet header from that copy.
 */
static void tx_translate(NetifQueue *q, NetifTxPacket *pkt, uint8_t *hdr)
{
    NetifCause cause;
    NetifTxSlot *s;
    size_t got = 0;

    pkt->hdr_len = MIN(pkt->len, NETIF_TX_HDR_COPY);
    FOR_EACH_SLOT(q, pkt, s) {
        size_t n = MIN(s->size, pkt->hdr_len - got);

        if (!n) {
            continue;
        }
        memcpy(hdr + got, s->data, n);
        got += n;
        if (got == pkt->hdr_len) {
            break;
        }
    }
    g_assert(got == pkt->hdr_len);

    if (!netif_hdr_from_netif(hdr, pkt->hdr_len, pkt->len, pkt->flags,
                              pkt->has_gso ? &pkt->gso : NULL,
                              q->cfg.tx_gso_tcpv4, q->cfg.tx_gso_tcpv6,
                              &pkt->vh, &cause)) {
        tx_drop(q, pkt, cause, NETIF_RSP_ERROR);
    }
}

/* Slots naming a static grant read its standing mapping: no grant op. */
static void tx_use_statics(NetifQueue *q)
{
    unsigned int i, hits = 0, misses = 0;
    NetifTxSlot *s;

    if (!q->cfg.max_static_grants) {
        return;
    }
    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];

        if (!pkt->send) {
            continue;
        }
        FOR_EACH_SLOT(q, pkt, s) {
            if (!s->size) {
                continue;
            }
            s->st = netif_static_find(q, s->gref, false);
            if (!s->st) {
                misses++;
                continue;
            }
            /* DEL must not unmap it until the slot is answered. */
            s->st->busy++;
            s->data = (uint8_t *)s->st->page + s->offset;
            hits++;
        }
    }
    NETIF_STAT_ADD(q, tx.static_hits, hits);
    NETIF_STAT_ADD(q, tx.static_misses, misses);
}

static void tx_resolve(NetifQueue *q)
{
    unsigned int i;

    tx_use_statics(q);
    if (q->cfg.grant_mode == NETIF_GRANT_MAP) {
        tx_map(q);
    } else {
        tx_copy(q);
    }
    for (i = 0; i < q->tx_nr_pkts; i++) {
        if (q->tx_pkts[i].send) {
            tx_translate(q, &q->tx_pkts[i], q->tx_hdr[i]);
        }
    }
}

/* vnet header, header copy, then the rest of at most every slot. */
#define TX_IOV_MAX (2 + NETIF_TX_LEGACY_FRAGS + 1)

static ssize_t tx_writev(NetifQueue *q, NetifTxPacket *pkt, uint8_t *hdr)
{
    struct iovec iov[TX_IOV_MAX];
    size_t skip = pkt->hdr_len;
    int cnt = 0;
    NetifTxSlot *s;

    iov[cnt++] = (struct iovec) {
        .iov_base = &pkt->vh, .iov_len = q->cfg.vnet_hdr_len,
    };
    iov[cnt++] = (struct iovec) { .iov_base = hdr, .iov_len = pkt->hdr_len };
    FOR_EACH_SLOT(q, pkt, s) {
        size_t n = MIN(skip, s->size);

        skip -= n;
        if (n == s->size) {
            continue;
        }
        /* Slots side by side in memory (static blocks) are one iovec. */
        if ((uint8_t *)iov[cnt - 1].iov_base + iov[cnt - 1].iov_len ==
            s->data + n) {
            iov[cnt - 1].iov_len += s->size - n;
        } else {
            iov[cnt++] = (struct iovec) {
                .iov_base = s->data + n, .iov_len = s->size - n,
            };
        }
    }
    return q->ops->tap_writev(q->opaque, iov, cnt);
}

/* Write the batch from tx_next on.  False when the tap is full. */
static bool tx_write(NetifQueue *q)
{
    for (; q->tx_next < q->tx_nr_pkts; q->tx_next++) {
        NetifTxPacket *pkt = &q->tx_pkts[q->tx_next];
        ssize_t ret;

        if (!pkt->send) {
            continue;
        }
        ret = tx_writev(q, pkt, q->tx_hdr[q->tx_next]);
        if (ret == -EAGAIN) {
            q->tx_blocked = true;
            return false;
        }
        if (ret < 0) {
            tx_drop(q, pkt, NETIF_CAUSE_TX_TAP, NETIF_RSP_DROPPED);
            continue;
        }
        NETIF_STAT_ADD(q, tx.packets, 1);
        NETIF_STAT_ADD(q, tx.bytes, pkt->len);
    }
    q->tx_blocked = false;
    return true;
}

static void tx_respond(NetifQueue *q, uint16_t id, int16_t status)
{
    netif_tx_response_t *rsp = RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);

    rsp->id = id;
    rsp->status = status;
    q->tx.rsp_prod_pvt++;
}

/* Let go of the static grants the batch's slots hold. */
static void tx_release_statics(NetifQueue *q)
{
    unsigned int i;
    NetifTxSlot *s;

    for (i = 0; i < q->tx_nr_pkts; i++) {
        FOR_EACH_SLOT(q, &q->tx_pkts[i], s) {
            if (s->st) {
                s->st->busy--;
                s->st = NULL;
            }
        }
    }
}

/* Unmap, then answer every request of the batch in one push. */
static void tx_complete(NetifQueue *q)
{
    unsigned int i, j;
    bool notify;

    tx_unmap_all(q);
    tx_release_statics(q);

    for (i = 0; i < q->tx_nr_pkts; i++) {
        NetifTxPacket *pkt = &q->tx_pkts[i];
        NetifTxSlot *slots = &q->tx_slots[pkt->slot];

        /* In ring order: first slot, its extras, the other slots. */
        tx_respond(q, slots[0].id, pkt->status);
        for (j = 0; j < pkt->nr_extras; j++) {
            tx_respond(q, 0, NETIF_RSP_NULL);
        }
        for (j = 1; j < pkt->nr_slots; j++) {
            tx_respond(q, slots[j].id, pkt->status);
        }
    }
    q->tx_nr_pkts = 0;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
    NETIF_STAT_ADD(q, tx.batches, 1);
    if (notify) {
        NETIF_STAT_ADD(q, tx.notifications, 1);
        q->ops->notify(q->opaque, false);
    }
}

/*
 * The rings were served by a backend that died.  What it left unanswered,
 * [rsp_prod, req_prod), may hold responses it wrote but never published
 * (a response takes its request's slot): every such request is answered
 * DROPPED without reading its grant.  A TX response covers only the gref
 * of the slot, so flags and id still chain the packet; an extra answered
 * (id 0, NULL) reads as type 0, flags 0: its chain ends there.
 */
void netif_tx_resume(NetifQueue *q)
{
    RING_IDX end = q->tx.sring->req_prod;
    netif_tx_request_t req;
    bool notify;

    xen_rmb();  /* see the requests up to end */
    if (end - q->tx.req_cons > q->tx_ring_size) {
        return;     /* tx_build() stops the queue for it */
    }
    while (q->tx.req_cons != end) {
        uint16_t flags;

        RING_COPY_REQUEST(&q->tx, q->tx.req_cons++, &req);
        tx_respond(q, req.id, NETIF_RSP_DROPPED);
        netif_count_cause(q, NETIF_CAUSE_TX_RESTART);
        flags = req.flags;
        if (flags & NETTXF_extra_info) {
            struct netif_extra_info extra;

            do {
                if (q->tx.req_cons == end) {
                    break;
                }
                RING_COPY_REQUEST(&q->tx, q->tx.req_cons++, &req);
                memcpy(&extra, &req, sizeof(extra));
                tx_respond(q, 0, NETIF_RSP_NULL);
            } while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
        }
        while ((flags & NETTXF_more_data) && q->tx.req_cons != end) {
            RING_COPY_REQUEST(&q->tx, q->tx.req_cons++, &req);
            tx_respond(q, req.id, NETIF_RSP_DROPPED);
            flags = req.flags;
        }
    }
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
    if (notify) {
        NETIF_STAT_ADD(q, tx.notifications, 1);
        q->ops->notify(q->opaque, false);
    }
}

NetifWait netif_tx_poll(NetifQueue *q, unsigned int budget)
{
    unsigned int done = 0;
    int more;

    if (q->disabled) {
        return NETIF_WAIT_DISABLED;
    }
    NETIF_STAT_ADD(q, tx.polls, 1);

    if (q->tx_resume) {
        q->tx_resume = false;
        netif_tx_resume(q);
    }
    if (q->tx_blocked) {
        if (!tx_write(q)) {
            return NETIF_WAIT_TAP_WRITE;
        }
        tx_complete(q);
    }

    for (;;) {
        int n;

        if (done >= budget) {
            return NETIF_WAIT_MORE;
        }
        n = tx_build(q, MIN(q->cfg.max_batch, budget - done));
        if (n < 0) {
            return NETIF_WAIT_DISABLED;
        }
        if (n == 0) {
            /* Re-arm req_event, then look once more: no kick is lost. */
            RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
            if (!more) {
                return NETIF_WAIT_EVENT;
            }
            continue;
        }
        done += n;
        tx_resolve(q);
        if (!tx_write(q)) {
            return NETIF_WAIT_TAP_WRITE;
        }
        tx_complete(q);
    }
}
