/*
 * qnetback netif engine: the control ring (netif.h "Control ring").
 *
 * Requests are copied out of the shared ring before they are looked at,
 * and a table a message names is read once into a private copy, with its
 * page mapped only for that message: the frontend can change neither
 * under us.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-int.h"

struct NetifCtrl {
    xen_netif_ctrl_back_ring_t ring;
    unsigned int ring_size;
    unsigned int nr_queues;
    bool static_grants;
    bool disabled;
    /*
     * Resuming after a backend that died: the requests up to resume_end
     * it left unanswered (and may have overwritten with unpublished
     * responses) are refused unread.
     */
    bool resume;
    bool resuming;
    RING_IDX resume_end;
    /* Late EOI (XSA-332): messages at the last event, useless events. */
    uint64_t event_progress;
    unsigned int spurious_run;
    const NetifCtrlOps *ops;
    void *opaque;
    NetifCtrlStats stats;
    NetifGref grefs[NETIF_CTRL_MAX_GREFS];  /* the message's table */
};

NetifCtrl *netif_ctrl_new(xen_netif_ctrl_sring_t *sring,
                          unsigned int nr_queues, bool static_grants,
                          bool resume, const NetifCtrlOps *ops, void *opaque)
{
    NetifCtrl *c = g_new0(NetifCtrl, 1);

    g_assert(nr_queues > 0);
    /* As the data rings: a restarted backend picks up where answers end. */
    BACK_RING_ATTACH(&c->ring, sring,
                     __atomic_load_n(&sring->rsp_prod, __ATOMIC_RELAXED),
                     NETIF_PAGE_SIZE);
    c->ring_size = RING_SIZE(&c->ring);
    c->nr_queues = nr_queues;
    c->static_grants = static_grants;
    c->resume = resume;
    c->ops = ops;
    c->opaque = opaque;
    return c;
}

void netif_ctrl_free(NetifCtrl *c)
{
    g_free(c);
}

void netif_ctrl_get_stats(const NetifCtrl *c, NetifCtrlStats *out)
{
    out->messages = __atomic_load_n(&c->stats.messages, __ATOMIC_RELAXED);
    out->refused = __atomic_load_n(&c->stats.refused, __ATOMIC_RELAXED);
    out->events = __atomic_load_n(&c->stats.events, __ATOMIC_RELAXED);
    out->spurious = __atomic_load_n(&c->stats.spurious, __ATOMIC_RELAXED);
}

int64_t netif_ctrl_event(NetifCtrl *c)
{
    /* Messages answered since the last event count, as for the queues. */
    bool useful = c->stats.messages != c->event_progress ||
                  c->ring.sring->req_prod != c->ring.req_cons;

    c->event_progress = c->stats.messages;
    __atomic_store_n(&c->stats.events, c->stats.events + 1,
                     __ATOMIC_RELAXED);
    if (!useful) {
        __atomic_store_n(&c->stats.spurious, c->stats.spurious + 1,
                         __ATOMIC_RELAXED);
    }
    return netif_spurious_delay(&c->spurious_run, useful);
}

/* ADD or DEL_GREF_MAPPING: data[0] queue, data[1] table gref, data[2] count */
static uint32_t ctrl_gref_table(NetifCtrl *c,
                                const struct xen_netif_ctrl_request *req,
                                uint32_t *data)
{
    bool del = req->type == XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING;
    uint32_t queue = req->data[0], nr = req->data[2], status;
    NetifGref *table;
    unsigned int i;

    if (!c->static_grants) {
        return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
    }
    if (queue >= c->nr_queues || !nr || nr > NETIF_CTRL_MAX_GREFS) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }
    table = c->ops->map_table(c->opaque, req->data[1]);
    if (!table) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }
    memcpy(c->grefs, table, nr * sizeof(NetifGref));
    if (!del) {
        c->ops->unmap_table(c->opaque, table, req->data[1]);
        return c->ops->static_add(c->opaque, queue, c->grefs, nr);
    }
    status = c->ops->static_del(c->opaque, queue, c->grefs, nr, data);
    if (status == XEN_NETIF_CTRL_STATUS_SUCCESS) {
        /* Per-entry results: the only thing we write into the table. */
        for (i = 0; i < nr; i++) {
            table[i].status = c->grefs[i].status;
        }
    }
    c->ops->unmap_table(c->opaque, table, req->data[1]);
    return status;
}

static uint32_t ctrl_handle(NetifCtrl *c,
                            const struct xen_netif_ctrl_request *req,
                            uint32_t *data)
{
    *data = 0;
    switch (req->type) {
    case XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE:
        if (!c->static_grants) {
            return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
        }
        if (req->data[0] >= c->nr_queues) {
            return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        }
        *data = c->ops->static_room(c->opaque, req->data[0]);
        return XEN_NETIF_CTRL_STATUS_SUCCESS;
    case XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING:
    case XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING:
        return ctrl_gref_table(c, req, data);
    default:
        /* The hash messages, INVALID and types from the future. */
        return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
    }
}

NetifWait netif_ctrl_poll(NetifCtrl *c, unsigned int budget)
{
    unsigned int done = 0;
    RING_IDX prod;
    int more;

    if (c->disabled) {
        return NETIF_WAIT_DISABLED;
    }
    do {
        prod = c->ring.sring->req_prod;
        xen_rmb(); /* see the requests up to prod */
        /* One response per request: more than a ring is impossible. */
        if (prod - c->ring.req_cons > c->ring_size) {
            char *msg = g_strdup_printf("control: req_prod %u is %u "
                                        "requests ahead of req_cons %u, the "
                                        "ring has %u", prod,
                                        prod - c->ring.req_cons,
                                        c->ring.req_cons, c->ring_size);

            c->disabled = true;
            c->ops->fatal(c->opaque, msg);
            g_free(msg);
            return NETIF_WAIT_DISABLED;
        }
        if (c->resume) {
            c->resume = false;
            c->resuming = c->ring.req_cons != prod;
            c->resume_end = prod;
        }
        while (c->ring.req_cons != prod) {
            struct xen_netif_ctrl_request req;
            struct xen_netif_ctrl_response *rsp;
            uint32_t status, data;

            if (done == budget) {
                RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, more);
                if (more) {
                    c->ops->notify(c->opaque);
                }
                return NETIF_WAIT_MORE;
            }
            RING_COPY_REQUEST(&c->ring, c->ring.req_cons, &req);
            c->ring.req_cons++;
            if (c->resuming) {
                status = XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
                data = 0;
                c->resuming = c->ring.req_cons != c->resume_end;
            } else {
                status = ctrl_handle(c, &req, &data);
            }

            rsp = RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt);
            rsp->id = req.id;
            rsp->type = req.type;
            rsp->status = status;
            rsp->data = data;
            c->ring.rsp_prod_pvt++;
            __atomic_store_n(&c->stats.messages, c->stats.messages + 1,
                             __ATOMIC_RELAXED);
            if (status != XEN_NETIF_CTRL_STATUS_SUCCESS) {
                __atomic_store_n(&c->stats.refused, c->stats.refused + 1,
                                 __ATOMIC_RELAXED);
            }
            done++;
        }
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, more);
        if (more) {
            c->ops->notify(c->opaque);
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
    } while (more);
    return NETIF_WAIT_EVENT;
}
