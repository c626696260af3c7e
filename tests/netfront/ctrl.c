/*
 * qnb-netfront: the control ring and static grants.  vif.c sets the ring
 * up when a case asks for it (v->want_static) and the backend offers one;
 * here we send it one message at a time and wait for the answer, polling
 * like the data rings.  ADD and DEL name a table page we grant for that
 * message only: the backend must have let go of it once it answered,
 * which the grant release check sees.  Static grants belong to a queue
 * (data[0] of GET_GREF_MAPPING_SIZE, ADD and DEL): each queue's are its
 * own data pages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"
#include "evtchn.h"
#include "gnt.h"

#define CTRL_MS         5000    /* ADD maps each gref: allow it time */

int ctrl_call(Vif *v, uint16_t type, uint32_t d0, uint32_t d1, uint32_t d2,
              uint32_t *data, unsigned int ms)
{
    xen_netif_ctrl_front_ring_t *r = &v->ctrl;
    struct xen_netif_ctrl_request *req;
    int64_t deadline = now_ms() + ms;
    uint16_t id;
    int notify;

    if (!v->has_ctrl || RING_FULL(r)) {
        return CTRL_LOCAL_ERROR;
    }
    id = ++v->ctrl_id;
    req = RING_GET_REQUEST(r, r->req_prod_pvt);
    req->id = id;
    req->type = type;
    req->data[0] = d0;
    req->data[1] = d1;
    req->data[2] = d2;
    r->req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
    (void)notify;
    evtchn_notify(v->ctrl_fd, v->ctrl_port);    /* always: we are the test */

    for (;;) {
        RING_IDX rp = r->sring->rsp_prod;

        rmb();
        /* More responses than requests: nothing to trust on this ring. */
        if (rp - r->rsp_cons > r->req_prod_pvt - r->rsp_cons) {
            say("control ring: rsp_prod %u, but %u requests unanswered", rp,
                r->req_prod_pvt - r->rsp_cons);
            return CTRL_BAD_RESPONSE;
        }
        while (r->rsp_cons != rp) {
            struct xen_netif_ctrl_response rsp =
                *RING_GET_RESPONSE(r, r->rsp_cons);

            r->rsp_cons++;
            if (rsp.id != id) {
                /* The late answer to a call that timed out. */
                debug("control ring: stray response id %u type %u status %u",
                      rsp.id, rsp.type, rsp.status);
                continue;
            }
            if (rsp.type != type || rsp.status > INT_MAX) {
                say("control ring: request %u type %u answered with type %u "
                    "status %u", id, type, rsp.type, rsp.status);
                return CTRL_BAD_RESPONSE;
            }
            if (data) {
                *data = rsp.data;
            }
            return (int)rsp.status;
        }
        if (now_ms() >= deadline) {
            return CTRL_TIMEOUT;
        }
        evtchn_drain(v->ctrl_fd);
        sleep_ms(1);
    }
}

const char *ctrl_status_name(int status)
{
    switch (status) {
    case XEN_NETIF_CTRL_STATUS_SUCCESS: return "SUCCESS";
    case XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED: return "NOT_SUPPORTED";
    case XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER: return "INVALID_PARAMETER";
    case XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW: return "BUFFER_OVERFLOW";
    case CTRL_TIMEOUT: return "no response";
    case CTRL_BAD_RESPONSE: return "bad response";
    case CTRL_LOCAL_ERROR: return "not sent";
    case CTRL_TABLE_HELD: return "answered, table page still mapped";
    case CTRL_STATUS_UNSET: return "status not written";
    default: return "?";
    }
}

/*
 * ADD or DEL for queue @queue with the @n entries of @e as the table,
 * read back into @e afterwards (DEL writes each entry's status).  The
 * table page is ours for this message only: the backend must have
 * unmapped it when it answered, else CTRL_TABLE_HELD.
 */
static int ctrl_table_call(Vif *v, uint16_t type, unsigned int queue,
                           struct xen_netif_gref *e, unsigned int n,
                           uint32_t *data)
{
    return ctrl_table(v, type, queue, e, n, n, data);
}

int ctrl_table(Vif *v, uint16_t type, uint32_t queue,
               struct xen_netif_gref *e, unsigned int n, uint32_t count,
               uint32_t *data)
{
    Grants table = { .count = 0 };
    Grants *g[] = { &table };
    struct xen_netif_gref *page;
    int ret, held;

    if (!v->has_ctrl || !n || n > CTRL_MAX_GREFS ||
        !grants_alloc(&table, v->backend_id, 1, true)) {
        return CTRL_LOCAL_ERROR;
    }
    page = grants_page(&table, 0);
    memcpy(page, e, n * sizeof(*e));
    ret = ctrl_call(v, type, queue, table.refs[0], count, data, CTRL_MS);
    memcpy(e, page, n * sizeof(*e));

    leak_check_mark();
    grants_free(&table);
    held = leak_check_count(g, 1);
    free(table.refs);
    if (held) {
        say("control ring: the backend still maps the table page of a "
            "type %u message (%s)", type, ctrl_status_name(ret));
        return ret < 0 ? ret : CTRL_TABLE_HELD;
    }
    return ret;
}

/* Entries for every page of @g, from @e[*n] on. */
static void static_fill(struct xen_netif_gref *e, unsigned int *n,
                        const Grants *g)
{
    unsigned int i;

    for (i = 0; i < g->count; i++) {
        e[*n] = (struct xen_netif_gref) {
            .ref = g->refs[i],
            /* The backend would fail to map a read-only grant writable. */
            .flags = g->writable ? 0 : XEN_NETIF_CTRLF_GREF_readonly,
            .status = CTRL_STATUS_UNSET,
        };
        (*n)++;
    }
}

bool static_add_pools(Vif *v, unsigned int queue, Detail *d)
{
    struct xen_netif_gref e[TX_POOL + RX_POOL];
    uint32_t room = 0, after = 0;
    unsigned int n = 0;
    VifQueue *q;
    int ret;

    if (!v->has_ctrl) {
        note(d, "%s", v->be_ctrl_ring ? "no control ring on this connection"
                                      : "the backend offers no control ring");
        return false;
    }
    if (queue >= v->nr_queues) {
        note(d, "no queue %u on this connection (%u queues)", queue,
             v->nr_queues);
        return false;
    }
    q = &v->q[queue];
    ret = ctrl_call(v, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, queue, 0, 0,
                    &room, CTRL_MS);
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS) {
        note(d, "GET_GREF_MAPPING_SIZE of queue %u: %s", queue,
             ctrl_status_name(ret));
        return false;
    }
    if (room < TX_POOL + RX_POOL) {
        note(d, "the backend keeps %u more grefs for queue %u, we have %u "
             "pages", room, queue, TX_POOL + RX_POOL);
        return false;
    }
    static_fill(e, &n, &q->txbuf);
    static_fill(e, &n, &q->rxbuf);
    ret = ctrl_table_call(v, XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, queue, e,
                          n, NULL);
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS) {
        note(d, "ADD_GREF_MAPPING of %u grefs to queue %u: %s", n, queue,
             ctrl_status_name(ret));
        return false;
    }
    ret = ctrl_call(v, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, queue, 0, 0,
                    &after, CTRL_MS);
    if (ret != XEN_NETIF_CTRL_STATUS_SUCCESS || after != room - n) {
        note(d, "GET_GREF_MAPPING_SIZE of queue %u after adding %u: %s, "
             "room %u (was %u)", queue, n, ctrl_status_name(ret), after,
             room);
        return false;
    }
    debug("vif %d: %u static grants added to queue %u (TX %s), room %u -> "
          "%u", v->index, n, queue,
          q->txbuf.writable ? "writable" : "read-only", room, after);
    return true;
}

bool static_add_all_pools(Vif *v, Detail *d)
{
    unsigned int i;

    for (i = 0; i < v->nr_queues; i++) {
        if (!static_add_pools(v, i, d)) {
            return false;
        }
    }
    return true;
}

int static_del(Vif *v, unsigned int queue, const uint32_t *refs,
               unsigned int n, unsigned int *removed, uint16_t *status_out)
{
    struct xen_netif_gref e[CTRL_MAX_GREFS];
    uint32_t data = 0;
    unsigned int i;
    int ret;

    *removed = 0;
    if (n > CTRL_MAX_GREFS) {
        return CTRL_LOCAL_ERROR;
    }
    for (i = 0; i < n; i++) {
        e[i] = (struct xen_netif_gref) {
            .ref = refs[i], .flags = 0, .status = CTRL_STATUS_UNSET,
        };
    }
    ret = ctrl_table_call(v, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, queue, e,
                          n, &data);
    for (i = 0; i < n; i++) {
        status_out[i] = e[i].status;
    }
    *removed = data;
    return ret;
}
