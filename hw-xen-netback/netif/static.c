/*
 * qnetback netif engine: static grants (netif.h "Static Grants"), the
 * grant references a frontend asks the backend to keep mapped, per queue,
 * so requests naming them need no grant operation.
 *
 * The table belongs to the queue's thread: the glue runs netif_static_add()
 * and netif_static_del() there (the control ring is served elsewhere), so
 * the data path looks grefs up without a lock.  Each gref is mapped alone
 * when it is added (ADD is rare, and a gref can then be deleted alone) and
 * unmapped when it is deleted or the queue is freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-int.h"

void netif_static_init(NetifQueue *q)
{
    unsigned int slots = 16;

    if (!q->cfg.max_static_grants) {
        return;
    }
    while (slots < 2 * q->cfg.max_static_grants) {
        slots *= 2;
    }
    q->static_slots = g_new0(NetifStatic *, slots);
    q->static_mask = slots - 1;
    q->static_seed = g_random_int();
}

/* The count QMP reads from other threads. */
static void static_count_changed(NetifQueue *q)
{
    __atomic_store_n(&q->stats.static_grants, q->static_count,
                     __ATOMIC_RELAXED);
}

static void static_unmap(NetifQueue *q, NetifStatic *s)
{
    q->ops->unmap(q->opaque, s->page, &s->ref, 1);
    g_free(s);
}

void netif_static_cleanup(NetifQueue *q)
{
    unsigned int i;

    for (i = 0; q->static_slots && i <= q->static_mask; i++) {
        /* A pending TX batch was released before: nothing uses it now. */
        if (q->static_slots[i]) {
            static_unmap(q, q->static_slots[i]);
        }
    }
    g_free(q->static_slots);
    q->static_slots = NULL;
    q->static_count = 0;
}

static unsigned int static_hash(const NetifQueue *q, uint32_t ref)
{
    /* Fibonacci hashing of the seeded ref; the high bits are the good ones */
    return ((ref ^ q->static_seed) * 0x9e3779b97f4a7c15ull) >> 32 &
           q->static_mask;
}

/* The slot of @ref, or the empty one where it would go. */
static unsigned int static_slot(const NetifQueue *q, uint32_t ref)
{
    unsigned int i = static_hash(q, ref);

    while (q->static_slots[i] && q->static_slots[i]->ref != ref) {
        i = (i + 1) & q->static_mask;
    }
    return i;
}

static NetifStatic *static_find(const NetifQueue *q, uint32_t ref)
{
    return q->static_count ? q->static_slots[static_slot(q, ref)] : NULL;
}

static void static_insert(NetifQueue *q, NetifStatic *s)
{
    q->static_slots[static_slot(q, s->ref)] = s;
    q->static_count++;
}

/* Remove, shifting back the entries the hole would cut off their slot. */
static void static_remove(NetifQueue *q, NetifStatic *s)
{
    unsigned int hole = static_slot(q, s->ref), i = hole;

    for (;;) {
        unsigned int home;

        i = (i + 1) & q->static_mask;
        if (!q->static_slots[i]) {
            break;
        }
        home = static_hash(q, q->static_slots[i]->ref);
        /* Can the entry at i move to the hole?  Not if its home lies in
         * (hole, i], cyclically. */
        if ((i > hole && (home <= hole || home > i)) ||
            (i < hole && home <= hole && home > i)) {
            q->static_slots[hole] = q->static_slots[i];
            hole = i;
        }
    }
    q->static_slots[hole] = NULL;
    q->static_count--;
    /* The RX path's cache of posted static requests may name it. */
    q->rx_static_end = q->rx.req_cons;
}

NetifStatic *netif_static_find(const NetifQueue *q, uint32_t ref, bool write)
{
    NetifStatic *s = static_find(q, ref);

    /* A readonly gref may carry the guest's packets, never ours. */
    return s && !(write && s->readonly) ? s : NULL;
}

unsigned int netif_static_count(const NetifQueue *q)
{
    return q->static_count;
}

unsigned int netif_static_room(const NetifQueue *q)
{
    return q->cfg.max_static_grants - netif_static_count(q);
}

void *netif_static_page(const NetifQueue *q, uint32_t ref, bool write)
{
    NetifStatic *s = netif_static_find(q, ref, write);

    return s ? s->page : NULL;
}

void netif_static_hold(NetifQueue *q, uint32_t ref, bool hold)
{
    NetifStatic *s = static_find(q, ref);

    g_assert(s && (hold || s->busy));
    s->busy += hold ? 1 : -1;
}

static int cmp_ref(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* No ref twice in @grefs, none already in the table. */
static bool static_all_new(const NetifQueue *q, const NetifGref *grefs,
                           unsigned int nr)
{
    g_autofree uint32_t *refs = g_new(uint32_t, nr);
    unsigned int i;

    for (i = 0; i < nr; i++) {
        if (static_find(q, grefs[i].ref)) {
            return false;
        }
        refs[i] = grefs[i].ref;
    }
    qsort(refs, nr, sizeof(*refs), cmp_ref);
    for (i = 1; i < nr; i++) {
        if (refs[i] == refs[i - 1]) {
            return false;
        }
    }
    return true;
}

uint32_t netif_static_add(NetifQueue *q, const NetifGref *grefs,
                          unsigned int nr)
{
    g_autofree NetifStatic **added = NULL;
    unsigned int i;

    if (!q->cfg.max_static_grants) {
        return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
    }
    if (!nr || nr > NETIF_CTRL_MAX_GREFS || nr > netif_static_room(q) ||
        q->disabled) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }
    for (i = 0; i < nr; i++) {
        if (grefs[i].flags & ~XEN_NETIF_CTRLF_GREF_readonly) {
            return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        }
    }
    if (!static_all_new(q, grefs, nr)) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }

    /* All or nothing: map every gref before the table sees any. */
    added = g_new(NetifStatic *, nr);
    for (i = 0; i < nr; i++) {
        NetifStatic *s = g_new0(NetifStatic, 1);

        s->ref = grefs[i].ref;
        s->readonly = grefs[i].flags & XEN_NETIF_CTRLF_GREF_readonly;
        s->page = q->ops->map(q->opaque, &s->ref, 1, !s->readonly);
        if (!s->page) {
            g_free(s);
            while (i--) {
                static_unmap(q, added[i]);
            }
            return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        }
        added[i] = s;
    }
    for (i = 0; i < nr; i++) {
        static_insert(q, added[i]);
    }
    static_count_changed(q);
    return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

uint32_t netif_static_del(NetifQueue *q, NetifGref *grefs, unsigned int nr,
                          uint32_t *removed)
{
    unsigned int i;

    *removed = 0;
    if (!q->cfg.max_static_grants) {
        return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
    }
    if (!nr || nr > NETIF_CTRL_MAX_GREFS) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }
    for (i = 0; i < nr; i++) {
        NetifStatic *s = static_find(q, grefs[i].ref);

        /*
         * Never added, or still used by a request we have not answered:
         * the mapping must not go under a packet, and a frontend deletes
         * only grefs it has back.
         */
        if (!s || s->busy) {
            grefs[i].status = XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
            continue;
        }
        static_remove(q, s);
        static_unmap(q, s);
        grefs[i].status = XEN_NETIF_CTRL_STATUS_SUCCESS;
        (*removed)++;
    }
    static_count_changed(q);
    return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
