/*
 * Fault injection: the netif engine when what it talks to fails for a
 * while (a grant map or copy hypercall, the tap).  Each failure is
 * answered and counted, nothing stays mapped, the queue stays enabled,
 * and what follows is served as if nothing had happened.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define BUDGET 1024

#define ADD     XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING
#define OK      XEN_NETIF_CTRL_STATUS_SUCCESS
#define INVAL   XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER

/* Send @nr single-slot UDP frames of distinct lengths; returns the first. */
static size_t tx_send_frames(Fake *f, unsigned int nr, uint8_t *frame,
                             size_t size)
{
    size_t first = 0;
    unsigned int i;

    for (i = 0; i < nr; i++) {
        size_t len = fake_build_frame(frame, size, 4, NETIF_IPPROTO_UDP,
                                      false, 100 + i, false);

        fake_tx_send(f, frame, len, NETIF_PAGE_SIZE, 0, NULL, 0);
        if (!i) {
            first = len;
        }
    }
    return first;
}

/* The statuses of the TX responses, in order (none RSP_NULL here). */
static unsigned int tx_statuses(Fake *f, int16_t *status, unsigned int max)
{
    netif_tx_response_t rsp[NETIF_TX_RING_SIZE];
    unsigned int n = fake_tx_responses(f, rsp, G_N_ELEMENTS(rsp)), i;

    g_assert_cmpuint(n, <=, max);
    for (i = 0; i < n; i++) {
        status[i] = rsp[i].status;
    }
    return n;
}

/* Fail the next @n grant calls of the way @mode reaches guest data. */
static void fail_grant_calls(Fake *f, NetifGrantMode mode, int n)
{
    if (mode == NETIF_GRANT_MAP) {
        f->fail_map_calls = n;
    } else {
        f->fail_copy_calls = n;
    }
}

/*
 * A batch's grant operation fails once: every packet is tried on its own
 * and goes through.  Twice: the first packet is answered ERROR (tx_grant),
 * the rest go through.  Then all is as before.
 */
static void tx_grant_fails(NetifGrantMode mode)
{
    uint8_t frame[512];
    int16_t st[8];
    NetifStats stats;
    unsigned int calls;
    Fake f;

    fake_init(&f, mode);
    fake_start(&f);

    tx_send_frames(&f, 3, frame, sizeof(frame));
    fail_grant_calls(&f, mode, 1);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 3);
    g_assert_cmpuint(tx_statuses(&f, st, G_N_ELEMENTS(st)), ==, 3);
    g_assert_cmpint(st[0], ==, NETIF_RSP_OKAY);
    g_assert_cmpint(st[2], ==, NETIF_RSP_OKAY);
    calls = mode == NETIF_GRANT_MAP ? f.map_calls : f.copy_calls;
    g_assert_cmpuint(calls, ==, 1 + 3);

    tx_send_frames(&f, 2, frame, sizeof(frame));
    fail_grant_calls(&f, mode, 2);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 4);
    g_assert_cmpuint(tx_statuses(&f, st, G_N_ELEMENTS(st)), ==, 2);
    g_assert_cmpint(st[0], ==, NETIF_RSP_ERROR);
    g_assert_cmpint(st[1], ==, NETIF_RSP_OKAY);

    tx_send_frames(&f, 2, frame, sizeof(frame));
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 6);
    g_assert_cmpuint(tx_statuses(&f, st, G_N_ELEMENTS(st)), ==, 2);
    g_assert_cmpint(st[0], ==, NETIF_RSP_OKAY);
    g_assert_cmpint(st[1], ==, NETIF_RSP_OKAY);

    netif_queue_get_stats(f.q, &stats);
    g_assert_cmpuint(stats.cause[NETIF_CAUSE_TX_GRANT], ==, 1);
    g_assert_cmpuint(stats.tx.errors, ==, 1);
    g_assert_cmpuint(stats.tx.packets, ==, 6);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);
}

static void test_tx_map_fails(void)
{
    tx_grant_fails(NETIF_GRANT_MAP);
}

static void test_tx_copy_fails(void)
{
    tx_grant_fails(NETIF_GRANT_COPY);
}

/*
 * Take @nr single-slot RX responses: the statuses, and the payload of
 * the first good one checked against @frame.
 */
static void rx_expect(Fake *f, unsigned int nr, const int16_t *want,
                      const uint8_t *frame, size_t len)
{
    netif_rx_response_t rsp[8];
    uint32_t grefs[8];
    unsigned int i;

    g_assert_cmpuint(nr, <=, G_N_ELEMENTS(rsp));
    g_assert_cmpuint(fake_rx_responses(f, rsp, grefs, G_N_ELEMENTS(rsp)), ==,
                     nr);
    for (i = 0; i < nr; i++) {
        g_assert_cmpint(rsp[i].flags & NETRXF_more_data, ==, 0);
        if (want[i] == NETIF_RSP_ERROR) {
            g_assert_cmpint(rsp[i].status, ==, NETIF_RSP_ERROR);
        } else {
            g_assert_cmpint(rsp[i].status, ==, len);
            g_assert_cmpmem(f->grants[grefs[i]].page + rsp[i].offset, len,
                            frame, len);
        }
        fake_revoke(f, grefs[i]);
    }
}

/* The grant copy into the guest fails once, then twice, then not. */
static void test_rx_copy_fails(void)
{
    static const NetifVnetHdr vh;
    static const int16_t ok3[] = { 0, 0, 0 };
    static const int16_t err1[] = { NETIF_RSP_ERROR, 0 };
    uint8_t frame[512];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 200, false);
    NetifStats st;
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_rx_post(&f, 16);

    for (i = 0; i < 3; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    f.fail_copy_calls = 1;
    netif_rx_poll(f.q, BUDGET);
    rx_expect(&f, 3, ok3, frame, len);
    g_assert_cmpuint(f.copy_calls, ==, 1 + 3);

    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    f.fail_copy_calls = 2;
    netif_rx_poll(f.q, BUDGET);
    rx_expect(&f, 2, err1, frame, len);

    for (i = 0; i < 3; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    netif_rx_poll(f.q, BUDGET);
    rx_expect(&f, 3, ok3, frame, len);

    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_GRANT], ==, 1);
    g_assert_cmpuint(st.rx.errors, ==, 1);
    g_assert_cmpuint(st.rx.packets, ==, 7);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);
}

/* A tap read fails: counted, nothing lost from the tap, then served. */
static void test_rx_tap_read_fails(void)
{
    static const NetifVnetHdr vh;
    static const int16_t ok2[] = { 0, 0 };
    uint8_t frame[512];
    size_t len = fake_build_frame(frame, sizeof(frame), 6, NETIF_IPPROTO_TCP,
                                  false, 300, false);
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_rx_post(&f, 16);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);

    f.tap_read_error = 1;
    netif_rx_poll(f.q, BUDGET);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_TAP], ==, 1);
    g_assert_cmpuint(st.rx.packets, ==, 0);

    netif_rx_poll(f.q, BUDGET);
    rx_expect(&f, 2, ok2, frame, len);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.rx.packets, ==, 2);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_TAP], ==, 1);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);
}

/*
 * The control ring: the ADD table page fails to map once (as gntdev
 * failing for want of memory): INVALID_PARAMETER, nothing added or left
 * mapped; the same message again succeeds.
 */
static void test_ctrl_table_map_fails(void)
{
    NetifGref table[4] = { 0 };
    uint8_t page[NETIF_PAGE_SIZE] = { 1 };
    uint32_t table_ref;
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    f.cfg.max_static_grants = 64;
    fake_start(&f);
    fake_ctrl_start(&f, 1);
    for (i = 0; i < G_N_ELEMENTS(table); i++) {
        table[i].ref = fake_grant(&f, page, sizeof(page), 0, false);
    }
    table_ref = fake_grant(&f, table, sizeof(table), 0, false);

    f.fail_map_calls = 1;
    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table_ref, 4, NULL), ==,
                     INVAL);
    g_assert_cmpuint(netif_static_count(f.q), ==, 0);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);

    g_assert_cmpuint(fake_ctrl_call(&f, ADD, 0, table_ref, 4, NULL), ==, OK);
    g_assert_cmpuint(netif_static_count(f.q), ==, 4);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/faults/tx-map", test_tx_map_fails);
    g_test_add_func("/netif/faults/tx-copy", test_tx_copy_fails);
    g_test_add_func("/netif/faults/rx-copy", test_rx_copy_fails);
    g_test_add_func("/netif/faults/rx-tap-read", test_rx_tap_read_fails);
    g_test_add_func("/netif/faults/ctrl-table-map",
                    test_ctrl_table_map_fails);
    return g_test_run();
}
