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
    q->statics = g_hash_table_new(g_direct_hash, g_direct_equal);
}

/* The count QMP reads from other threads. */
static void static_count_changed(NetifQueue *q)
{
    __atomic_store_n(&q->stats.static_grants,
                     g_hash_table_size(q->statics), __ATOMIC_RELAXED);
}

static void static_unmap(NetifQueue *q, NetifStatic *s)
{
    q->ops->unmap(q->opaque, s->page, &s->ref, 1);
    g_free(s);
}

void netif_static_cleanup(NetifQueue *q)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, q->statics);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        NetifStatic *s = value;

        /* A pending TX batch was released before: nothing uses it now. */
        static_unmap(q, s);
        g_hash_table_iter_remove(&iter);
    }
    g_hash_table_destroy(q->statics);
    q->statics = NULL;
}

static NetifStatic *static_find(const NetifQueue *q, uint32_t ref)
{
    return g_hash_table_lookup(q->statics, GUINT_TO_POINTER(ref));
}

NetifStatic *netif_static_find(const NetifQueue *q, uint32_t ref, bool write)
{
    NetifStatic *s;

    if (!g_hash_table_size(q->statics)) {
        return NULL;            /* the common case without static grants */
    }
    s = static_find(q, ref);
    /* A readonly gref may carry the guest's packets, never ours. */
    return s && !(write && s->readonly) ? s : NULL;
}

unsigned int netif_static_count(const NetifQueue *q)
{
    return g_hash_table_size(q->statics);
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
        g_hash_table_insert(q->statics, GUINT_TO_POINTER(added[i]->ref),
                            added[i]);
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
        g_hash_table_remove(q->statics, GUINT_TO_POINTER(s->ref));
        static_unmap(q, s);
        grefs[i].status = XEN_NETIF_CTRL_STATUS_SUCCESS;
        (*removed)++;
    }
    static_count_changed(q);
    return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
