/*
 * Unit tests of the netif engine's data paths with static grants: slots
 * and buffers naming a static grant use its standing mapping, with no
 * grant operation; the others keep the batched copy or map.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define BUDGET 1024

static void start(Fake *f, NetifGrantMode mode)
{
    fake_init(f, mode);
    f->cfg.max_static_grants = 128;
    fake_start(f);
}

/* The last frame written to the tap equals @frame. */
static void assert_written(Fake *f, unsigned int nr, const uint8_t *frame,
                           size_t len)
{
    GByteArray *w;

    g_assert_cmpuint(f->written->len, ==, nr);
    w = g_ptr_array_index(f->written, nr - 1);
    g_assert_cmpmem(w->data + NETIF_VNET_HDR_LEN,
                    w->len - NETIF_VNET_HDR_LEN, frame, len);
}

/* One packet in two slots: @a holds the first 600 bytes at offset 100. */
static void send_split(Fake *f, uint32_t a, uint32_t b, uint16_t id,
                       const uint8_t *frame, size_t len)
{
    netif_tx_request_t reqs[2] = {
        { .gref = a, .offset = 100, .flags = NETTXF_more_data, .id = id,
          .size = len },
        { .gref = b, .offset = 0, .id = id + 1, .size = len - 600 },
    };

    fake_guest_write(f, a, 100, frame, 600);
    fake_guest_write(f, b, 0, frame + 600, len - 600);
    fake_tx_push(f, reqs, 2);
}

static void test_tx(NetifGrantMode mode)
{
    uint8_t frame[1500];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 1400, false);
    NetifGref del = { 0 };
    uint32_t st[2], removed, other;
    unsigned int calls;
    netif_tx_response_t rsp[4];
    NetifStats s;
    Fake f;

    start(&f, mode);
    fake_static_add(&f, st, 2, true);   /* readonly serves TX */
    calls = f.map_calls + f.copy_calls;     /* the ADD's maps */

    /* all static: no grant operation at all */
    send_split(&f, st[0], st[1], 0, frame, len);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    assert_written(&f, 1, frame, len);
    g_assert_cmpuint(fake_tx_responses(&f, rsp, 4), ==, 2);
    g_assert_cmpint(rsp[0].status, ==, NETIF_RSP_OKAY);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.tx.static_hits, ==, 2);
    g_assert_cmpuint(s.tx.static_misses, ==, 0);
    g_assert_cmpuint(s.tx.map_calls + s.tx.copy_calls, ==, 0);
    g_assert_cmpuint(f.map_calls + f.copy_calls, ==, calls);

    /* mixed: the second slot is an ordinary grant */
    other = fake_grant(&f, NULL, 0, 0, true);
    frame[700] ^= 0xff;
    send_split(&f, st[0], other, 2, frame, len);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    assert_written(&f, 2, frame, len);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.tx.static_hits, ==, 3);
    g_assert_cmpuint(s.tx.static_misses, ==, 1);
    if (mode == NETIF_GRANT_MAP) {
        g_assert_cmpuint(s.tx.map_ops, ==, 1);
    } else {
        g_assert_cmpuint(s.tx.copy_segs, ==, 1);
    }
    g_assert_cmpuint(fake_tx_responses(&f, rsp, 4), ==, 2);
    fake_revoke(&f, other);

    /* a batch a full tap holds keeps its static grants from DEL */
    f.tap_room = 0;
    send_split(&f, st[0], st[1], 4, frame, len);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
    del.ref = st[1];
    g_assert_cmpuint(netif_static_del(f.q, &del, 1, &removed), ==,
                     XEN_NETIF_CTRL_STATUS_SUCCESS);
    g_assert_cmpuint(removed, ==, 0);
    g_assert_cmpuint(del.status, ==, XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
    f.tap_room = -1;
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    assert_written(&f, 3, frame, len);
    g_assert_cmpuint(netif_static_del(f.q, &del, 1, &removed), ==,
                     XEN_NETIF_CTRL_STATUS_SUCCESS);
    g_assert_cmpuint(removed, ==, 1);
    fake_revoke(&f, st[1]);

    /* and a pending batch freed with the queue lets go too */
    f.tap_room = 0;
    other = fake_grant(&f, NULL, 0, 0, true);
    send_split(&f, st[0], other, 6, frame, len);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
    fake_cleanup(&f);
}

static void test_tx_copy(void)
{
    test_tx(NETIF_GRANT_COPY);
}

static void test_tx_map(void)
{
    test_tx(NETIF_GRANT_MAP);
}

/*
 * Reassemble the next received packet from the guest's pages, as netfront
 * does (the response in slot k is for the buffer posted in slot k).
 */
static size_t rx_take(Fake *f, uint8_t *buf, size_t size, uint16_t *flags,
                      struct netif_extra_info *gso)
{
    netif_rx_response_t rsp;
    uint32_t gref;
    size_t len = 0;
    bool first = true, more;

    memset(gso, 0, sizeof(*gso));
    do {
        g_assert_cmpuint(fake_rx_responses(f, &rsp, &gref, 1), ==, 1);
        g_assert_cmpint(rsp.status, >=, 0);
        g_assert_cmpuint(len + rsp.status, <=, size);
        memcpy(buf + len, fake_page(f, gref) + rsp.offset, rsp.status);
        len += rsp.status;
        more = rsp.flags & NETRXF_more_data;
        if (first) {
            *flags = rsp.flags;
            if (rsp.flags & NETRXF_extra_info) {
                netif_rx_response_t x;

                g_assert_cmpuint(fake_rx_responses(f, &x, &gref, 1), ==, 1);
                memcpy(gso, &x, sizeof(*gso));
            }
        }
        first = false;
    } while (more);
    return len;
}

static void test_rx(void)
{
    static uint8_t frame[70000], got[70000];
    NetifVnetHdr vh = { 0 };
    struct netif_extra_info gso;
    uint32_t st[64];
    uint16_t flags;
    uint64_t hits;
    NetifStats s;
    size_t len;
    Fake f;

    start(&f, NETIF_GRANT_COPY);
    fake_static_add(&f, st, 64, false);

    /*
     * Fewer buffers posted than a 64 KiB frame takes: read into the
     * buffer, then memcpy into the static page, still no grant operation.
     */
    fake_rx_post_refs(&f, st, 10);
    len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                           false, 1000, false);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpmem(got, rx_take(&f, got, sizeof(got), &flags, &gso),
                    frame, len);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==, 1);
    g_assert_cmpuint(s.rx.static_misses, ==, 0);
    g_assert_cmpuint(s.rx.copy_segs, ==, 0);
    g_assert_cmpuint(f.copy_calls, ==, 0);

    /* enough posted: straight from the tap into the guest's pages */
    fake_rx_post_refs(&f, &st[10], 40);     /* 49 posted */
    frame[100] ^= 0x5a;
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpmem(got, rx_take(&f, got, sizeof(got), &flags, &gso),
                    frame, len);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==, 2);
    g_assert_cmpuint(s.rx.copy_segs, ==, 0);
    g_assert_cmpuint(f.copy_calls, ==, 0);

    /* a 64 KiB TCP GSO frame: data in slots 0, 2, 3, ..., extra in 1 */
    len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                           false, 60000, true);
    vh = (NetifVnetHdr) {
        .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
        .gso_type = NETIF_VNET_HDR_GSO_TCPV4, .hdr_len = 54,
        .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
    };
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpmem(got, rx_take(&f, got, sizeof(got), &flags, &gso),
                    frame, len);
    g_assert_cmpuint(gso.type, ==, XEN_NETIF_EXTRA_TYPE_GSO);
    g_assert_cmpuint(gso.u.gso.size, ==, 1448);
    g_assert_true(flags & NETRXF_csum_blank);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==,
                     2 + (len + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE);
    g_assert_cmpuint(f.copy_calls, ==, 0);
    hits = s.rx.static_hits;

    /* a non-GSO frame of two pages (jumbo MTU) is gathered, then placed */
    len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                           false, 6000, false);
    vh = (NetifVnetHdr) { 0 };
    fake_rx_post_refs(&f, &st[50], 14);     /* 48 - 17 + 14 = 45 posted */
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpmem(got, rx_take(&f, got, sizeof(got), &flags, &gso),
                    frame, len);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==, hits + 2);
    g_assert_cmpuint(s.rx.static_misses, ==, 0);
    g_assert_cmpuint(f.copy_calls, ==, 0);
    g_assert_cmpuint(s.rx.packets, ==, 4);
    g_assert_cmpuint(s.rx.drops, ==, 0);
    fake_cleanup(&f);
}

/*
 * A frame over a static buffer and a plain one: the static slot is
 * written with memcpy, the other with a grant copy (one segment).
 */
static void test_rx_mixed(void)
{
    static uint8_t frame[8000], got[8000];
    static const NetifVnetHdr vh;
    struct netif_extra_info gso;
    uint32_t refs[2];
    uint16_t flags;
    NetifStats s;
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 6000, false);
    Fake f;

    start(&f, NETIF_GRANT_COPY);
    fake_static_add(&f, &refs[0], 1, false);
    refs[1] = fake_grant(&f, NULL, 0, 0, false);
    fake_rx_post_refs(&f, refs, 2);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpmem(got, rx_take(&f, got, sizeof(got), &flags, &gso),
                    frame, len);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==, 1);
    g_assert_cmpuint(s.rx.static_misses, ==, 1);
    g_assert_cmpuint(s.rx.copy_segs, ==, 1);
    g_assert_cmpuint(f.copy_calls, ==, 1);
    g_assert_cmpuint(s.rx.packets, ==, 1);
    fake_cleanup(&f);
}

/* A readonly static grant is never written: RX takes the copy way. */
static void test_rx_readonly(void)
{
    static const NetifVnetHdr vh;
    uint8_t frame[200], got[200];
    struct netif_extra_info gso;
    uint32_t st[20];
    uint16_t flags;
    NetifStats s;
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 100, false);
    Fake f;

    start(&f, NETIF_GRANT_COPY);
    fake_static_add(&f, st, 20, true);
    fake_rx_post_refs(&f, st, 20);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    netif_queue_get_stats(f.q, &s);
    g_assert_cmpuint(s.rx.static_hits, ==, 0);
    /* the copy into a readonly grant fails: an error, never a write */
    g_assert_cmpuint(s.cause[NETIF_CAUSE_RX_GRANT], ==, 1);
    g_assert_cmpuint(fake_rx_responses(&f, (netif_rx_response_t[1]){ 0 },
                                       (uint32_t[1]){ 0 }, 1), ==, 1);
    (void)got;
    (void)gso;
    (void)flags;
    fake_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/static/tx-copy", test_tx_copy);
    g_test_add_func("/netif/static/tx-map", test_tx_map);
    g_test_add_func("/netif/static/rx", test_rx);
    g_test_add_func("/netif/static/rx-mixed", test_rx_mixed);
    g_test_add_func("/netif/static/rx-readonly", test_rx_readonly);
    return g_test_run();
}
