/*
 * Unit tests of the netif engine's control ring and static grants.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define ADD     XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING
#define DEL     XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING
#define SIZE    XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE
#define OK      XEN_NETIF_CTRL_STATUS_SUCCESS
#define NOTSUP  XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED
#define INVAL   XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER
#define RO      XEN_NETIF_CTRLF_GREF_readonly

static void start(Fake *f, unsigned int max_static, unsigned int nr_queues)
{
    fake_init(f, NETIF_GRANT_COPY);
    f->cfg.max_static_grants = max_static;
    fake_start(f);
    fake_ctrl_start(f, nr_queues);
}

/* Grant @nr data pages, each filled with its index. */
static void grant_pages(Fake *f, uint32_t *refs, unsigned int nr, bool ro)
{
    uint8_t page[NETIF_PAGE_SIZE];
    unsigned int i;

    for (i = 0; i < nr; i++) {
        memset(page, (int)i + 1, sizeof(page));
        refs[i] = fake_grant(f, page, sizeof(page), 0, ro);
    }
}

/* A granted table page listing @refs, each with @flags. */
static uint32_t grant_table(Fake *f, const uint32_t *refs, unsigned int nr,
                            uint16_t flags)
{
    NetifGref table[NETIF_CTRL_MAX_GREFS] = { 0 };
    unsigned int i;

    g_assert_cmpuint(nr, <=, NETIF_CTRL_MAX_GREFS);
    for (i = 0; i < nr; i++) {
        table[i].ref = refs[i];
        table[i].flags = flags;
        table[i].status = 0xdead;
    }
    return fake_grant(f, table, sizeof(table), 0, false);
}

static const NetifGref *table_of(Fake *f, uint32_t gref)
{
    return (const NetifGref *)f->grants[gref].page;
}

/* Without static grants, and for every hash message: NOT_SUPPORTED. */
static void test_not_supported(void)
{
    static const uint16_t types[] = {
        XEN_NETIF_CTRL_TYPE_INVALID, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS,
        XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY,
        XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE,
        XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
        XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING,
        XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, SIZE, ADD, DEL, 11, 0xffff,
    };
    NetifCtrlStats st;
    uint32_t data, refs[1];
    unsigned int i;
    Fake f;

    start(&f, 0, 1);
    grant_pages(&f, refs, 1, false);
    for (i = 0; i < G_N_ELEMENTS(types); i++) {
        data = 7;
        g_assert_cmpuint(fake_ctrl_call(&f, types[i], 0,
                                        grant_table(&f, refs, 1, 0), 1,
                                        &data), ==, NOTSUP);
        g_assert_cmpuint(data, ==, 0);
    }
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    netif_ctrl_get_stats(f.ctrl, &st);
    g_assert_cmpuint(st.messages, ==, G_N_ELEMENTS(types));
    g_assert_cmpuint(st.refused, ==, G_N_ELEMENTS(types));
    fake_cleanup(&f);
}

static void test_mapping_size(void)
{
    uint32_t data;
    Fake f;

    start(&f, 600, 2);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0, 0, 0, &data), ==, OK);
    g_assert_cmpuint(data, ==, 600);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 1, 0, 0, &data), ==, OK);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 2, 0, 0, &data), ==, INVAL);
    g_assert_cmpuint(data, ==, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0xffffffff, 0, 0, NULL), ==,
                     INVAL);
    fake_cleanup(&f);
}

/*
 * ADD maps every entry, readonly ones read-only; the table is mapped only
 * for the message; GET then reports the room left; DEL unmaps with a
 * status per entry written back into the table.
 */
static void test_add_del(void)
{
    uint32_t refs[8], data, table, before;
    const NetifGref *t;
    uint8_t *page;
    Fake f;

    start(&f, 16, 1);
    grant_pages(&f, refs, 8, false);
    table = grant_table(&f, refs, 6, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 6, NULL), ==, OK);
    g_assert_cmpuint(netif_static_count(f.q), ==, 6);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 6);
    g_assert_cmpint(f.grants[table].mapped, ==, 0);

    /* the standing mapping is the page the guest granted */
    page = netif_static_page(f.q, refs[3], true);
    g_assert_nonnull(page);
    g_assert_cmpuint(page[0], ==, 4);
    g_assert_cmpuint(page[NETIF_PAGE_SIZE - 1], ==, 4);
    g_assert_null(netif_static_page(f.q, refs[6], false));

    /* readonly: for what the guest sends, never for what it receives */
    table = grant_table(&f, &refs[6], 1, RO);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 1, NULL), ==, OK);
    g_assert_nonnull(netif_static_page(f.q, refs[6], false));
    g_assert_null(netif_static_page(f.q, refs[6], true));

    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0, 0, 0, &data), ==, OK);
    g_assert_cmpuint(data, ==, 16 - 7);

    /* DEL: refs[1], a never-added one, refs[6] */
    before = fake_nr_mapped(&f);
    table = grant_table(&f, (uint32_t[]){ refs[1], refs[7], refs[6] }, 3, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 3, &data), ==, OK);
    g_assert_cmpuint(data, ==, 2);
    t = table_of(&f, table);
    g_assert_cmpuint(t[0].status, ==, OK);
    g_assert_cmpuint(t[1].status, ==, INVAL);
    g_assert_cmpuint(t[2].status, ==, OK);
    g_assert_cmpuint(t[0].ref, ==, refs[1]);     /* only statuses written */
    g_assert_cmpuint(fake_nr_mapped(&f), ==, before - 2);
    g_assert_null(netif_static_page(f.q, refs[1], false));
    /* the guest may revoke what was deleted */
    fake_revoke(&f, refs[1]);
    fake_revoke(&f, refs[6]);

    /* the rest goes with the queue (fake_cleanup checks) */
    g_assert_cmpuint(netif_static_count(f.q), ==, 5);
    fake_cleanup(&f);
}

/* Every refused ADD leaves nothing mapped and the table as it was. */
static void test_add_refused(void)
{
    uint32_t refs[NETIF_CTRL_MAX_GREFS + 1], table, bad[3];
    uint8_t junk[16] = { 0 };
    unsigned int i;
    Fake f;

    start(&f, 600, 2);
    grant_pages(&f, refs, G_N_ELEMENTS(refs), false);

    /* counts: 0, above a page of entries */
    table = grant_table(&f, refs, 4, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 0, NULL), ==, INVAL);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table,
                                    NETIF_CTRL_MAX_GREFS + 1, NULL), ==,
                     INVAL);
    /* queue out of range */
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 2, table, 4, NULL), ==, INVAL);
    /* a table gref that cannot be mapped: never granted, or readonly */
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, 0xfff0, 4, NULL), ==, INVAL);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0,
                                    fake_grant(&f, junk, sizeof(junk), 0,
                                               true), 1, NULL), ==, INVAL);
    /* a ref twice */
    bad[0] = refs[0];
    bad[1] = refs[1];
    bad[2] = refs[0];
    table = grant_table(&f, bad, 3, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 3, NULL), ==, INVAL);
    /* a ref never granted, last: the ones mapped before are undone */
    bad[2] = 0xfff0;
    table = grant_table(&f, bad, 3, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 3, NULL), ==, INVAL);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    /* a readonly grant the frontend says is writable */
    bad[2] = fake_grant(&f, junk, sizeof(junk), 0, true);
    table = grant_table(&f, bad, 3, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 3, NULL), ==, INVAL);
    /* unknown flags */
    table = grant_table(&f, refs, 2, 0x8000);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 2, NULL), ==, INVAL);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    g_assert_cmpuint(netif_static_count(f.q), ==, 0);

    /* a full page of entries is fine; then one already added is refused */
    table = grant_table(&f, refs, NETIF_CTRL_MAX_GREFS, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, NETIF_CTRL_MAX_GREFS,
                                    NULL), ==, OK);
    table = grant_table(&f, (uint32_t[]){ refs[NETIF_CTRL_MAX_GREFS],
                                          refs[5] }, 2, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 2, NULL), ==, INVAL);
    g_assert_cmpuint(netif_static_count(f.q), ==, NETIF_CTRL_MAX_GREFS);

    /* above the room left (600 - 512 = 88) */
    for (i = 0; i < 89; i++) {
        refs[i] = fake_grant(&f, junk, sizeof(junk), 0, false);
    }
    table = grant_table(&f, refs, 89, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 89, NULL), ==, INVAL);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 88, NULL), ==, OK);
    g_assert_cmpuint(netif_static_room(f.q), ==, 0);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 600);
    fake_cleanup(&f);
}

/*
 * DEL never takes a mapping from under a request in flight: not the
 * gref's own, nor its block's (the survivors are mapped again).
 */
static void test_del_in_use(void)
{
    uint32_t refs[3], table, data;
    Fake f;

    start(&f, 8, 1);
    grant_pages(&f, refs, 3, false);
    table = grant_table(&f, refs, 2, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 2, NULL), ==, OK);
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0,
                                    grant_table(&f, &refs[2], 1, 0), 1,
                                    NULL), ==, OK);
    netif_static_hold(f.q, refs[0], true);
    table = grant_table(&f, refs, 3, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 3, &data), ==, OK);
    /* refs[0] is in use, refs[1] shares its mapping, refs[2] does not */
    g_assert_cmpuint(data, ==, 1);
    g_assert_cmpuint(table_of(&f, table)[0].status, ==, INVAL);
    g_assert_cmpuint(table_of(&f, table)[1].status, ==, INVAL);
    g_assert_cmpuint(table_of(&f, table)[2].status, ==, OK);
    g_assert_nonnull(netif_static_page(f.q, refs[0], true));
    g_assert_nonnull(netif_static_page(f.q, refs[1], true));
    g_assert_null(netif_static_page(f.q, refs[2], true));
    netif_static_hold(f.q, refs[0], false);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 2, &data), ==, OK);
    g_assert_cmpuint(data, ==, 2);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    /* a DEL of more than a page of entries is refused whole */
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table,
                                    NETIF_CTRL_MAX_GREFS + 1, NULL), ==,
                     INVAL);
    fake_cleanup(&f);
}

/*
 * An ADD maps each run of same-flag entries in one call, so neighbours in
 * the table are neighbours in memory; a DEL maps the block's survivors
 * again, still side by side and with their contents, and one unmap call
 * per block frees what is left.
 */
static void test_blocks(void)
{
    uint32_t refs[6], table, data, calls;
    NetifGref t[6];
    uint8_t *page[6];
    unsigned int i;
    Fake f;

    start(&f, 16, 1);
    grant_pages(&f, refs, 6, false);
    /* writable, writable, readonly, readonly, writable, writable */
    for (i = 0; i < 6; i++) {
        t[i] = (NetifGref) { .ref = refs[i],
                             .flags = i == 2 || i == 3 ? RO : 0 };
    }
    table = fake_grant(&f, t, sizeof(t), 0, false);
    calls = f.map_calls;
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table, 6, NULL), ==, OK);
    g_assert_cmpuint(f.map_calls - calls, ==, 1 + 3); /* table, runs */
    for (i = 0; i < 6; i++) {
        page[i] = netif_static_page(f.q, refs[i], false);
        g_assert_nonnull(page[i]);
        g_assert_cmpuint(page[i][0], ==, i + 1);
    }
    g_assert(page[1] == page[0] + NETIF_PAGE_SIZE);
    g_assert(page[3] == page[2] + NETIF_PAGE_SIZE);
    g_assert(page[5] == page[4] + NETIF_PAGE_SIZE);

    /* what the backend wrote stays across the DEL of a neighbour */
    page[5][1] = 0xaa;
    table = grant_table(&f, &refs[4], 1, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 1, &data), ==, OK);
    g_assert_cmpuint(data, ==, 1);
    g_assert_null(netif_static_page(f.q, refs[4], false));
    g_assert_cmpint(f.grants[refs[4]].mapped, ==, 0);
    page[5] = netif_static_page(f.q, refs[5], true);
    g_assert_cmpuint(page[5][0], ==, 6);
    g_assert_cmpuint(page[5][1], ==, 0xaa);
    g_assert_cmpint(f.grants[refs[5]].mapped, ==, 1);

    /* the middle of a run: the two ends are side by side again */
    table = grant_table(&f, (uint32_t[]){ refs[1], refs[1] }, 2, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 2, &data), ==, OK);
    g_assert_cmpuint(data, ==, 1);  /* the second is gone already */
    g_assert_cmpuint(table_of(&f, table)[0].status, ==, OK);
    g_assert_cmpuint(table_of(&f, table)[1].status, ==, INVAL);
    g_assert_cmpuint(netif_static_count(f.q), ==, 4);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 4);

    /* a block whose survivors cannot be mapped again: nothing changes */
    f.fail_map_calls = 1;   /* the survivors' map (no table here) */
    t[0] = (NetifGref) { .ref = refs[2] };
    g_assert_cmpuint(netif_static_del(f.q, t, 1, &data), ==, OK);
    g_assert_cmpuint(data, ==, 0);
    g_assert_cmpuint(t[0].status, ==, INVAL);
    g_assert_nonnull(netif_static_page(f.q, refs[2], false));
    table = grant_table(&f, &refs[2], 1, 0);
    g_assert_cmpuint(fake_ctrl_call(&f, DEL, 0, table, 1, &data), ==, OK);
    g_assert_cmpuint(data, ==, 1);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 3);

    /* the rest: one unmap call per block, blocks {0, 2}, {3}, {5} */
    calls = f.unmap_calls;
    fake_cleanup(&f);       /* which checks that nothing stays mapped */
    g_assert_cmpuint(f.unmap_calls - calls, ==, 3);
}

/* The budget bounds a poll; ids and types are echoed in order. */
static void test_budget(void)
{
    struct xen_netif_ctrl_response rsp;
    uint16_t ids[10];
    unsigned int i;
    Fake f;

    start(&f, 8, 1);
    for (i = 0; i < 10; i++) {
        ids[i] = fake_ctrl_queue(&f, SIZE, 0, 0, 0);
    }
    fake_ctrl_push(&f);
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 4), ==, NETIF_WAIT_MORE);
    for (i = 0; i < 4; i++) {
        g_assert_true(fake_ctrl_response(&f, &rsp));
        g_assert_cmpuint(rsp.id, ==, ids[i]);
        g_assert_cmpuint(rsp.data, ==, 8);
    }
    g_assert_false(fake_ctrl_response(&f, &rsp));
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 64), ==, NETIF_WAIT_EVENT);
    for (; i < 10; i++) {
        g_assert_true(fake_ctrl_response(&f, &rsp));
        g_assert_cmpuint(rsp.id, ==, ids[i]);
    }
    g_assert_cmpuint(f.notify_ctrl, >=, 1);
    fake_cleanup(&f);
}

/* A producer index past the ring is fatal; the ring is left alone. */
static void test_bogus_req_prod(void)
{
    Fake f;

    start(&f, 8, 1);
    f.ctrl_sring->req_prod = 1000;
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 64), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpuint(f.fatal_count, ==, 1);
    g_assert_nonnull(strstr(f.fatal_msg, "control: req_prod 1000"));
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 64), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpuint(f.fatal_count, ==, 1);
    g_assert_cmpuint(f.ctrl_sring->rsp_prod, ==, 0);
    fake_cleanup(&f);
}

/*
 * The table under churn: every ref added is found, every ref deleted is
 * gone, whatever the order (deletion shifts entries back in the probe
 * chains).
 */
static void test_table_churn(void)
{
    static NetifGref t[NETIF_CTRL_MAX_GREFS];
    static uint32_t refs[NETIF_CTRL_MAX_GREFS];
    bool in[NETIF_CTRL_MAX_GREFS] = { 0 };
    unsigned int round, i, n = G_N_ELEMENTS(refs);
    uint32_t removed;
    GRand *rnd = g_rand_new_with_seed(42);
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    f.cfg.max_static_grants = n;
    fake_start(&f);
    for (i = 0; i < n; i++) {
        refs[i] = fake_grant(&f, NULL, 0, 0, false);
    }
    for (round = 0; round < 40; round++) {
        unsigned int nr = 0;
        bool add = round % 2 == 0;

        /* a random subset of those absent (add) or present (del) */
        for (i = 0; i < n; i++) {
            if (in[i] != add && g_rand_int_range(rnd, 0, 3)) {
                t[nr++] = (NetifGref) { .ref = refs[i] };
                in[i] = add;
            }
        }
        if (!nr) {
            continue;
        }
        if (add) {
            g_assert_cmpuint(netif_static_add(f.q, t, nr), ==, OK);
        } else {
            g_assert_cmpuint(netif_static_del(f.q, t, nr, &removed), ==, OK);
            g_assert_cmpuint(removed, ==, nr);
        }
        for (i = 0; i < n; i++) {
            g_assert(!!netif_static_page(f.q, refs[i], true) == in[i]);
        }
        /* refs never granted are never found */
        g_assert_null(netif_static_page(f.q, 0, false));
        g_assert_null(netif_static_page(f.q, 0xfffffff0, false));
    }
    g_rand_free(rnd);
    fake_cleanup(&f);
}

/*
 * A restarted backend's control engine (resume): the messages the dead one
 * left unanswered get NOT_SUPPORTED unread; the next ones are served.
 */
static void test_resume(void)
{
    struct xen_netif_ctrl_response rsp;
    uint16_t id[2];
    uint32_t data;
    Fake f;

    start(&f, 600, 1);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0, 0, 0, &data), ==, OK);
    id[0] = fake_ctrl_queue(&f, SIZE, 0, 0, 0);
    id[1] = fake_ctrl_queue(&f, SIZE, 0, 0, 0);
    fake_ctrl_push(&f);
    f.cfg.resume = true;
    fake_ctrl_restart(&f);
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 64), ==, NETIF_WAIT_EVENT);
    g_assert_true(fake_ctrl_response(&f, &rsp));
    g_assert_cmpuint(rsp.id, ==, id[0]);
    g_assert_cmpuint(rsp.status, ==, NOTSUP);
    g_assert_true(fake_ctrl_response(&f, &rsp));
    g_assert_cmpuint(rsp.id, ==, id[1]);
    g_assert_cmpuint(rsp.status, ==, NOTSUP);
    g_assert_false(fake_ctrl_response(&f, &rsp));
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0, 0, 0, &data), ==, OK);
    g_assert_cmpuint(data, ==, 600);
    fake_cleanup(&f);
}

/*
 * XSA-332 on the control event channel: kicks that bring nothing keep the
 * port masked for a delay doubling up to a cap, from the second in a row;
 * a kick that brings a message, or follows one answered, is useful.
 */
static void test_spurious_events(void)
{
    struct xen_netif_ctrl_response rsp;
    NetifCtrlStats st;
    uint32_t data;
    Fake f;

    start(&f, 600, 1);
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, 0);
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, NETIF_SPURIOUS_DELAY_MIN_US);
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==,
                    2 * NETIF_SPURIOUS_DELAY_MIN_US);
    for (unsigned int i = 0; i < 40; i++) {
        g_assert_cmpint(netif_ctrl_event(f.ctrl), <=,
                        NETIF_SPURIOUS_DELAY_MAX_US);
    }
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, NETIF_SPURIOUS_DELAY_MAX_US);

    /* A message waiting: useful, and the run starts again. */
    fake_ctrl_queue(&f, SIZE, 0, 0, 0);
    fake_ctrl_push(&f);
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, 0);
    g_assert_cmpint(netif_ctrl_poll(f.ctrl, 64), ==, NETIF_WAIT_EVENT);
    g_assert_true(fake_ctrl_response(&f, &rsp));
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, 0);  /* one answered */
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, 0);  /* first useless */
    g_assert_cmpint(netif_ctrl_event(f.ctrl), ==, NETIF_SPURIOUS_DELAY_MIN_US);
    g_assert_cmpuint(fake_ctrl_call(&f, SIZE, 0, 0, 0, &data), ==, OK);

    netif_ctrl_get_stats(f.ctrl, &st);
    g_assert_cmpuint(st.events, ==, 48);
    g_assert_cmpuint(st.spurious, ==, 46);
    fake_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/ctrl/not-supported", test_not_supported);
    g_test_add_func("/netif/ctrl/mapping-size", test_mapping_size);
    g_test_add_func("/netif/ctrl/add-del", test_add_del);
    g_test_add_func("/netif/ctrl/add-refused", test_add_refused);
    g_test_add_func("/netif/ctrl/del-in-use", test_del_in_use);
    g_test_add_func("/netif/ctrl/blocks", test_blocks);
    g_test_add_func("/netif/ctrl/budget", test_budget);
    g_test_add_func("/netif/ctrl/bogus-req-prod", test_bogus_req_prod);
    g_test_add_func("/netif/ctrl/resume", test_resume);
    g_test_add_func("/netif/ctrl/spurious-events", test_spurious_events);
    g_test_add_func("/netif/static/table-churn", test_table_churn);
    return g_test_run();
}
