/*
 * qnetback netif engine: static grants (netif.h "Static Grants"), the
 * grant references a frontend asks the backend to keep mapped, per queue,
 * so requests naming them need no grant operation.
 *
 * The table belongs to the queue's thread: the glue runs netif_static_add()
 * and netif_static_del() there (the control ring is served elsewhere), so
 * the data path looks grefs up without a lock.
 *
 * An ADD table is mapped in one call per run of entries with the same
 * readonly flag (a block), so pages the frontend lists side by side are
 * side by side here, and the data path sends or fills a frame spread over
 * them with one iovec.  A mapping cannot be cut, so a DEL maps the block's
 * surviving grefs again as a new block and unmaps the old one: DEL is rare,
 * and a deleted gref is unmapped when DEL answers, as netif.h requires.
 * That is refused (per entry) while another gref of the block is in use.
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

/* Map @nr entries, all readonly or all not, as one block. */
static NetifStaticBlock *static_block_map(NetifQueue *q,
                                          NetifStatic *const *entries,
                                          unsigned int nr)
{
    NetifStaticBlock *b = g_new0(NetifStaticBlock, 1);
    unsigned int i;

    b->refs = g_new(uint32_t, nr);
    for (i = 0; i < nr; i++) {
        b->refs[i] = entries[i]->ref;
    }
    b->base = q->ops->map(q->opaque, b->refs, nr, !entries[0]->readonly);
    if (!b->base) {
        g_free(b->refs);
        g_free(b);
        return NULL;
    }
    b->entries = g_memdup2(entries, nr * sizeof(*entries));
    b->nr = b->live = nr;
    return b;
}

/* Unmap @b and free it with the entries it still has. */
static void static_block_free(NetifQueue *q, NetifStaticBlock *b)
{
    unsigned int i;

    q->ops->unmap(q->opaque, b->base, b->refs, b->nr);
    for (i = 0; i < b->nr; i++) {
        g_free(b->entries[i]);
    }
    g_free(b->entries);
    g_free(b->refs);
    g_free(b);
}

/* Point @b's entries at its pages and list it on the queue. */
static void static_block_attach(NetifQueue *q, NetifStaticBlock *b)
{
    unsigned int i;

    for (i = 0; i < b->nr; i++) {
        NetifStatic *s = b->entries[i];

        s->block = b;
        s->index = i;
        s->page = (uint8_t *)b->base + (size_t)i * NETIF_PAGE_SIZE;
    }
    b->next = q->static_blocks;
    q->static_blocks = b;
}

static void static_block_detach(NetifQueue *q, NetifStaticBlock *b)
{
    NetifStaticBlock **p = &q->static_blocks;

    while (*p != b) {
        p = &(*p)->next;
    }
    *p = b->next;
}

void netif_static_cleanup(NetifQueue *q)
{
    /* A pending TX batch was released before: nothing uses them now. */
    while (q->static_blocks) {
        NetifStaticBlock *b = q->static_blocks;

        q->static_blocks = b->next;
        static_block_free(q, b);
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
    NetifStaticBlock *blocks = NULL;
    unsigned int i, run;

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
        added[i] = g_new0(NetifStatic, 1);
        added[i]->ref = grefs[i].ref;
        added[i]->readonly = grefs[i].flags & XEN_NETIF_CTRLF_GREF_readonly;
    }
    for (i = 0; i < nr; i += run) {
        NetifStaticBlock *b;

        for (run = 1; i + run < nr &&
             added[i + run]->readonly == added[i]->readonly; run++) {
            continue;
        }
        b = static_block_map(q, &added[i], run);
        if (!b) {
            while (blocks) {
                b = blocks;
                blocks = b->next;
                static_block_free(q, b);    /* and the entries it has */
            }
            for (; i < nr; i++) {
                g_free(added[i]);
            }
            return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        }
        b->next = blocks;
        blocks = b;
    }
    while (blocks) {
        NetifStaticBlock *b = blocks;

        blocks = b->next;
        static_block_attach(q, b);
    }
    for (i = 0; i < nr; i++) {
        static_insert(q, added[i]);
    }
    static_count_changed(q);
    return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/* Is an entry of @b that DEL keeps in use by a request in flight? */
static bool static_block_kept_busy(const NetifStaticBlock *b)
{
    unsigned int i;

    for (i = 0; i < b->nr; i++) {
        if (b->entries[i] && !b->entries[i]->deleting &&
            b->entries[i]->busy) {
            return true;
        }
    }
    return false;
}

/*
 * Carry out the deletions DEL marked in @b: unmap it, with its survivors
 * first mapped again as a new block.  False if that is not possible now
 * (nothing changed, the marks are cleared).
 */
static bool static_block_delete(NetifQueue *q, NetifStaticBlock *b)
{
    g_autofree NetifStatic **kept = g_new(NetifStatic *, b->nr);
    NetifStaticBlock *nb = NULL;
    unsigned int i, n = 0;

    for (i = 0; i < b->nr; i++) {
        if (b->entries[i] && !b->entries[i]->deleting) {
            kept[n++] = b->entries[i];
        }
    }
    if (n && (static_block_kept_busy(b) ||
              !(nb = static_block_map(q, kept, n)))) {
        for (i = 0; i < b->nr; i++) {
            if (b->entries[i]) {
                b->entries[i]->deleting = false;
            }
        }
        return false;
    }
    for (i = 0; i < b->nr; i++) {
        NetifStatic *s = b->entries[i];

        if (s && s->deleting) {
            static_remove(q, s);
        }
        if (s && (s->deleting || nb)) {
            b->entries[i] = NULL;
            if (s->deleting) {
                g_free(s);
            }
        }
    }
    static_block_detach(q, b);
    static_block_free(q, b);
    if (nb) {
        static_block_attach(q, nb);
    }
    return true;
}

uint32_t netif_static_del(NetifQueue *q, NetifGref *grefs, unsigned int nr,
                          uint32_t *removed)
{
    g_autofree NetifStaticBlock **blocks = NULL;
    unsigned int i;

    *removed = 0;
    if (!q->cfg.max_static_grants) {
        return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
    }
    if (!nr || nr > NETIF_CTRL_MAX_GREFS) {
        return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
    }
    blocks = g_new(NetifStaticBlock *, nr);
    /*
     * Mark what can go: never added, or still used by a request we have
     * not answered, cannot (the mapping must not go under a packet, and a
     * frontend deletes only grefs it has back).
     */
    for (i = 0; i < nr; i++) {
        NetifStatic *s = static_find(q, grefs[i].ref);

        grefs[i].status = XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        blocks[i] = NULL;
        if (s && !s->busy && !s->deleting) {
            s->deleting = true;
            blocks[i] = s->block;
        }
    }
    /* Then each block they are in, once: its entries' marks tell which. */
    for (i = 0; i < nr; i++) {
        NetifStaticBlock *b = blocks[i];
        bool done;
        unsigned int j;

        if (!b) {
            continue;
        }
        done = static_block_delete(q, b);   /* b may be freed */
        for (j = i; j < nr; j++) {
            if (blocks[j] == b) {
                blocks[j] = NULL;
                if (done) {
                    grefs[j].status = XEN_NETIF_CTRL_STATUS_SUCCESS;
                    (*removed)++;
                }
            }
        }
    }
    static_count_changed(q);
    return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
