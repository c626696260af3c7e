/*
 * Unit tests for the netif engine's guest RX path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define BUDGET 1024

typedef struct RxPacket {
    uint8_t data[70000];
    size_t len;
    uint16_t flags;             /* of the first slot */
    unsigned int slots;         /* data slots */
    struct netif_extra_info gso;
} RxPacket;

/*
 * Reassemble the next packet from the responses as netfront does; the
 * pages are revoked afterwards, which checks none is left mapped.
 */
static bool rx_take(Fake *f, RxPacket *p)
{
    netif_rx_response_t rsp;
    uint32_t gref;
    bool first = true, more;

    memset(p, 0, sizeof(*p));
    do {
        if (!fake_rx_responses(f, &rsp, &gref, 1)) {
            g_assert(first);
            return false;
        }
        g_assert_cmpint(rsp.status, >=, 0);
        g_assert_cmpuint(rsp.offset + rsp.status, <=, NETIF_PAGE_SIZE);
        g_assert_cmpuint(p->len + rsp.status, <=, sizeof(p->data));
        memcpy(p->data + p->len, f->grants[gref].page + rsp.offset,
               rsp.status);
        fake_revoke(f, gref);
        p->len += rsp.status;
        p->slots++;
        more = rsp.flags & NETRXF_more_data;
        if (first) {
            p->flags = rsp.flags;
            if (rsp.flags & NETRXF_extra_info) {
                netif_rx_response_t x;

                g_assert_cmpuint(fake_rx_responses(f, &x, &gref, 1), ==, 1);
                memcpy(&p->gso, &x, sizeof(p->gso));
                fake_revoke(f, gref);
                g_assert_cmpuint(p->gso.flags, ==, 0);
            }
        } else {
            g_assert_cmpuint(rsp.flags & ~NETRXF_more_data, ==, 0);
        }
        first = false;
    } while (more);
    return true;
}

static void test_small(void)
{
    static const NetifVnetHdr vh;
    static RxPacket p;
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 20, false);
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_rx_post(&f, 4);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    g_assert_cmpuint(p.flags, ==, 0);
    g_assert_cmpuint(p.slots, ==, 1);
    g_assert_false(rx_take(&f, &p));
    g_assert_cmpuint(f.notify_rx, ==, 1);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.rx.packets, ==, 1);
    g_assert_cmpuint(st.rx.bytes, ==, len);
    g_assert_cmpuint(st.rx.slots, ==, 1);
    g_assert_cmpuint(st.rx.copy_calls, ==, 1);
    fake_cleanup(&f);
}

static void test_gso_64k(void)
{
    NetifVnetHdr vh = {
        .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
        .gso_type = NETIF_VNET_HDR_GSO_TCPV4,
        .gso_size = 1448, .hdr_len = 54, .csum_start = 34, .csum_offset = 16,
    };
    static uint8_t frame[65549];
    static RxPacket p;
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                                  false, 65549 - 54, true);
    Fake f;

    g_assert_cmpuint(len, ==, 65549);
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    /* one short: the packet waits */
    fake_rx_post(&f, 17);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 0);
    fake_rx_post(&f, 1);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 18);
    g_assert_cmpuint(f.copy_calls, ==, 1);
    g_assert_cmpuint(f.copy_segs, ==, 17);

    g_assert(rx_take(&f, &p));
    g_assert_cmpuint(p.slots, ==, 17);
    g_assert_cmpmem(p.data, p.len, frame, len);
    g_assert_cmpuint(p.flags, ==, NETRXF_csum_blank | NETRXF_data_validated |
                     NETRXF_extra_info | NETRXF_more_data);
    g_assert_cmpuint(p.gso.type, ==, XEN_NETIF_EXTRA_TYPE_GSO);
    g_assert_cmpuint(p.gso.u.gso.type, ==, XEN_NETIF_GSO_TYPE_TCPV4);
    g_assert_cmpuint(p.gso.u.gso.size, ==, 1448);
    fake_cleanup(&f);
}

static void test_csum_flags(void)
{
    static const struct {
        uint8_t vflags;
        uint16_t rxflags;
    } cases[] = {
        { 0, 0 },
        { NETIF_VNET_HDR_F_DATA_VALID, NETRXF_data_validated },
        { NETIF_VNET_HDR_F_NEEDS_CSUM,
          NETRXF_csum_blank | NETRXF_data_validated },
    };
    static RxPacket p;
    unsigned int i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        NetifVnetHdr vh = {
            .flags = cases[i].vflags, .csum_start = 34, .csum_offset = 16,
        };
        uint8_t frame[200];
        size_t len = fake_build_frame(frame, sizeof(frame), 4,
                                      NETIF_IPPROTO_TCP, false, 100,
                                      cases[i].vflags &
                                      NETIF_VNET_HDR_F_NEEDS_CSUM);
        Fake f;

        fake_init(&f, NETIF_GRANT_MAP);
        fake_start(&f);
        fake_rx_post(&f, 1);
        fake_tap_queue(&f, &vh, frame, len);
        netif_rx_poll(f.q, BUDGET);
        g_assert(rx_take(&f, &p));
        g_assert_cmpuint(p.flags, ==, cases[i].rxflags);
        g_assert_cmpmem(p.data, p.len, frame, len);
        fake_cleanup(&f);
    }
}

/* The checksum the frontend cannot take blank is completed in software. */
static void test_sw_csum(void)
{
    static const struct {
        int ip;
        uint8_t l4;
        bool vlan;
        bool no_csum, ipv6_csum;
    } cases[] = {
        { 4, NETIF_IPPROTO_TCP, false, true, true },
        { 4, NETIF_IPPROTO_UDP, false, true, true },
        { 6, NETIF_IPPROTO_TCP, false, false, false },
        { 6, NETIF_IPPROTO_UDP, true, false, false },
        { 4, NETIF_IPPROTO_TCP, true, true, false },
    };
    static RxPacket p;
    unsigned int i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        static uint8_t frame[10000], full[10000];
        size_t l3 = NETIF_ETH_HLEN + (cases[i].vlan ? 4 : 0);
        size_t start = l3 + (cases[i].ip == 4 ? 20 : 40);
        NetifVnetHdr vh = {
            .flags = NETIF_VNET_HDR_F_NEEDS_CSUM, .csum_start = start,
            .csum_offset = cases[i].l4 == NETIF_IPPROTO_TCP ? 16 : 6,
        };
        size_t len = fake_build_frame(frame, sizeof(frame), cases[i].ip,
                                      cases[i].l4, cases[i].vlan, 5000 + i,
                                      true);
        Fake f;

        fake_build_frame(full, sizeof(full), cases[i].ip, cases[i].l4,
                         cases[i].vlan, 5000 + i, false);
        g_assert_false(fake_l4_csum_ok(frame, len, cases[i].ip,
                                       cases[i].vlan));
        g_assert(fake_l4_csum_ok(full, len, cases[i].ip, cases[i].vlan));

        fake_init(&f, NETIF_GRANT_MAP);
        f.cfg.features.no_csum_offload = cases[i].no_csum;
        f.cfg.features.ipv6_csum_offload = cases[i].ipv6_csum;
        fake_start(&f);
        fake_rx_post(&f, 3);
        fake_tap_queue(&f, &vh, frame, len);
        netif_rx_poll(f.q, BUDGET);
        g_assert(rx_take(&f, &p));
        g_assert_cmpuint(p.flags, ==, NETRXF_data_validated |
                         NETRXF_more_data);
        g_assert_cmpmem(p.data, p.len, full, len);
        fake_cleanup(&f);
    }
}

static void test_back_pressure(void)
{
    static const NetifVnetHdr vh;
    static RxPacket p;
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 20, false);
    int64_t deadline;
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    /* Long enough for the checks before the deadline, even under ASan. */
    f.cfg.rx_stall_us = 300 * 1000;
    fake_start(&f);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    deadline = netif_rx_deadline(f.q);
    g_assert_cmpint(deadline, >, g_get_monotonic_time());
    /* only one frame was taken from the tap */
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 2);
    /* and the frontend is asked to kick once a slot is posted */
    g_assert_cmpuint(f.rx_sring->req_event, ==, 1);

    /* polling again changes nothing */
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 2);
    g_assert_cmpint(netif_rx_deadline(f.q), ==, deadline);
    g_assert_false(netif_queue_has_work(f.q));

    fake_rx_post(&f, 1);
    g_assert_true(netif_queue_has_work(f.q));
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 1);

    /*
     * At its deadline the waiting frame is dropped and the guest is
     * stalled: the frame behind it goes too, the tap is read again.
     */
    deadline = netif_rx_deadline(f.q);
    g_assert_cmpint(deadline, >, 0);
    while (g_get_monotonic_time() < deadline) {
        g_usleep(deadline - g_get_monotonic_time());
    }
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpint(netif_rx_deadline(f.q), ==, 0);
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 0);
    g_assert_true(f.stalled);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_STALL], ==, 2);
    g_assert_cmpuint(st.rx.drops, ==, 2);

    /* One posted request ends the stall; the next frame is delivered. */
    fake_rx_post(&f, 1);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_false(f.stalled);
    g_assert_cmpuint(f.stall_changes, ==, 2);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    fake_cleanup(&f);
}

/*
 * A guest that posts nothing: once the first frame has waited
 * rx_stall_us, every frame queued behind it is dropped in that poll (the
 * tap's queue is drained, not one frame per deadline), the glue is told
 * to turn the carrier off, and frames that come while the guest stays
 * stalled are dropped as they come.  The first request posted ends it.
 */
static void test_stall_drains(void)
{
    static const NetifVnetHdr vh;
    static RxPacket p;
    uint8_t frame[1500];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 1400, false);
    int64_t deadline;
    NetifStats st;
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    f.cfg.rx_stall_us = 50 * 1000;
    fake_start(&f);
    for (i = 0; i < 500; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    g_assert_false(f.stalled);
    deadline = netif_rx_deadline(f.q);
    while (g_get_monotonic_time() < deadline) {
        g_usleep(deadline - g_get_monotonic_time());
    }

    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 0);
    g_assert_true(f.stalled);
    g_assert_cmpuint(f.stall_changes, ==, 1);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_STALL], ==, 500);
    /* and the guest is asked for an event once it posts anything */
    g_assert_cmpuint(f.rx_sring->req_event, ==, 1);
    g_assert_false(netif_queue_has_work(f.q));

    /* while stalled, frames go as they come, without waiting */
    for (i = 0; i < 10; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpint(netif_rx_deadline(f.q), ==, 0);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_STALL], ==, 510);
    g_assert_cmpuint(st.rx.packets, ==, 0);

    /* the budget still bounds one poll */
    for (i = 0; i < 10; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    g_assert_cmpint(netif_rx_poll(f.q, 4), ==,
                    NETIF_WAIT_TAP_READ | NETIF_WAIT_MORE);
    g_assert_cmpuint(g_queue_get_length(&f.readable), ==, 6);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);

    /* a posted request is work for adaptive polling, and ends the stall */
    fake_rx_post(&f, 4);
    g_assert_true(netif_queue_has_work(f.q));
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_false(f.stalled);
    g_assert_cmpuint(f.stall_changes, ==, 2);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_STALL], ==, 520);
    g_assert_cmpuint(st.rx.drops, ==, 520);
    fake_cleanup(&f);
}

static void test_batching(void)
{
    static RxPacket p;
    NetifVnetHdr vh = { 0 };
    uint8_t frame[2000];
    unsigned int i;
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_rx_post(&f, 200);
    for (i = 0; i < 40; i++) {
        size_t len = fake_build_frame(frame, sizeof(frame), 6,
                                      NETIF_IPPROTO_UDP, false, i * 37,
                                      false);

        fake_tap_queue(&f, &vh, frame, len);
    }
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.copy_calls, ==, 1);
    g_assert_cmpuint(f.notify_rx, ==, 1);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.rx.packets, ==, 40);
    g_assert_cmpuint(st.rx.batches, ==, 1);
    /* Each frame starts a local page: no segment is cut in two. */
    g_assert_cmpuint(f.copy_pieces, ==, f.copy_segs);
    for (i = 0; i < 40; i++) {
        size_t len = fake_build_frame(frame, sizeof(frame), 6,
                                      NETIF_IPPROTO_UDP, false, i * 37,
                                      false);

        g_assert(rx_take(&f, &p));
        g_assert_cmpmem(p.data, p.len, frame, len);
    }
    fake_cleanup(&f);
}

/* A TCPv6 GSO frame of 64000 bytes of payload: 16 pages. */
static const NetifVnetHdr large_vh = {
    .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
    .gso_type = NETIF_VNET_HDR_GSO_TCPV6,
    .gso_size = 1400, .csum_start = 54, .csum_offset = 16,
};

static size_t large_frame(uint8_t *frame, size_t size)
{
    return fake_build_frame(frame, size, 6, NETIF_IPPROTO_TCP, false, 64000,
                            true);
}

/* Large frames fill the staging buffer and the ring: several batches. */
static void test_many_large(void)
{
    NetifVnetHdr vh = large_vh;
    static uint8_t frame[65000];
    static RxPacket p;
    size_t len = large_frame(frame, sizeof(frame));
    unsigned int i, taken = 0;
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    for (i = 0; i < 30; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    /* 17 slots a packet: the ring holds 15 of them at a time */
    while (taken < 30) {
        fake_rx_post(&f, NETIF_RX_RING_SIZE - (f.rxf.req_prod_pvt -
                                               f.rxf.rsp_cons));
        netif_rx_poll(f.q, BUDGET);
        while (rx_take(&f, &p)) {
            g_assert_cmpmem(p.data, p.len, frame, len);
            g_assert_cmpuint(p.gso.u.gso.type, ==, XEN_NETIF_GSO_TYPE_TCPV6);
            taken++;
        }
    }
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.rx.packets, ==, 30);
    g_assert_cmpuint(st.rx.drops, ==, 0);
    /* the staging buffer holds 8 such frames, the ring 15 */
    g_assert_cmpuint(st.rx.batches, >=, 4);
    /* one op per guest page, the frames' data page-aligned */
    g_assert_cmpuint(f.copy_segs, ==, 30 * 16);
    g_assert_cmpuint(f.copy_pieces, ==, f.copy_segs);
    fake_cleanup(&f);
}

/*
 * With a backlog in the tap, the guest sees its first frames once a batch
 * holds 64 segments, not when its ring is full: 8 frames of 16 pages in
 * two copy calls of 64 segments, each pushed at once.
 */
static void test_flush_segs(void)
{
    NetifVnetHdr vh = large_vh;
    static uint8_t frame[65000];
    static RxPacket p;
    size_t len = large_frame(frame, sizeof(frame));
    unsigned int i;
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_rx_post(&f, NETIF_RX_RING_SIZE);
    for (i = 0; i < 8; i++) {
        fake_tap_queue(&f, &vh, frame, len);
    }
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.copy_calls, ==, 2);
    g_assert_cmpuint(f.copy_segs, ==, 8 * 16);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.rx.batches, ==, 2);
    for (i = 0; i < 8; i++) {
        g_assert(rx_take(&f, &p));
        g_assert_cmpmem(p.data, p.len, frame, len);
    }
    g_assert_false(rx_take(&f, &p));
    fake_cleanup(&f);
}

static void test_gso_refused(void)
{
    static const struct {
        uint8_t gso_type;
        bool v4, v6, no_csum;
    } cases[] = {
        { NETIF_VNET_HDR_GSO_TCPV4, false, true, false },
        { NETIF_VNET_HDR_GSO_TCPV6, true, false, false },
        { NETIF_VNET_HDR_GSO_UDP, true, true, false },
        { NETIF_VNET_HDR_GSO_TCPV4, true, true, true },
    };
    unsigned int i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        NetifVnetHdr vh = {
            .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
            .gso_type = cases[i].gso_type, .gso_size = 1000,
            .csum_start = 34, .csum_offset = 16,
        };
        uint8_t frame[3000];
        size_t len = fake_build_frame(frame, sizeof(frame), 4,
                                      NETIF_IPPROTO_TCP, false, 2900, true);
        static RxPacket p;
        NetifStats st;
        Fake f;

        fake_init(&f, NETIF_GRANT_MAP);
        f.cfg.features.gso_tcpv4 = cases[i].v4;
        f.cfg.features.gso_tcpv6 = cases[i].v6;
        f.cfg.features.no_csum_offload = cases[i].no_csum;
        fake_start(&f);
        fake_rx_post(&f, 10);
        fake_tap_queue(&f, &vh, frame, len);
        vh.gso_type = 0;
        fake_tap_queue(&f, &vh, frame, len);
        netif_rx_poll(f.q, BUDGET);
        netif_queue_get_stats(f.q, &st);
        g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_GSO], ==, 1);
        g_assert_cmpuint(st.rx.packets, ==, 1);
        g_assert(rx_take(&f, &p));
        g_assert_false(rx_take(&f, &p));
        fake_cleanup(&f);
    }
}

static void test_bad_vnet_hdr(void)
{
    static const NetifVnetHdr bad[] = {
        { .flags = NETIF_VNET_HDR_F_NEEDS_CSUM, .csum_start = 90,
          .csum_offset = 0 },
        { .flags = NETIF_VNET_HDR_F_NEEDS_CSUM, .csum_start = 34,
          .csum_offset = 55 },
        { .flags = NETIF_VNET_HDR_F_NEEDS_CSUM, .csum_start = 0xffff,
          .csum_offset = 0xffff },
        { .gso_type = NETIF_VNET_HDR_GSO_TCPV4, .gso_size = 100 },
        { .flags = NETIF_VNET_HDR_F_NEEDS_CSUM, .csum_start = 34,
          .csum_offset = 16, .gso_type = NETIF_VNET_HDR_GSO_TCPV4 },
    };
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                                  false, 36, true);
    unsigned int i;
    NetifStats st;
    Fake f;

    g_assert_cmpuint(len, ==, 90);
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_rx_post(&f, 10);
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        fake_tap_queue(&f, &bad[i], frame, len);
    }
    fake_tap_queue(&f, &bad[0], frame, 10);
    netif_rx_poll(f.q, BUDGET);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_HDR], ==, G_N_ELEMENTS(bad));
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_RUNT], ==, 1);
    g_assert_cmpuint(st.rx.packets, ==, 0);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 0);
    fake_cleanup(&f);
}

/* A revoked RX page fails that packet only. */
static void test_bad_gref(void)
{
    static const NetifVnetHdr vh;
    static RxPacket p;
    uint8_t frame[6000];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 5000, false);
    netif_rx_response_t rsp[2];
    uint32_t grefs[2];
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_rx_post(&f, 6);
    /* the second packet's second page */
    fake_revoke(&f, f.rx_gref_by_id[3]);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    netif_rx_poll(f.q, BUDGET);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_GRANT], ==, 1);
    g_assert_cmpuint(st.rx.packets, ==, 2);
    g_assert_cmpuint(f.copy_calls, ==, 4);

    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    g_assert_cmpuint(fake_rx_responses(&f, rsp, grefs, 2), ==, 2);
    g_assert_cmpint(rsp[0].status, ==, NETIF_RSP_ERROR);
    g_assert_cmpuint(rsp[0].flags, ==, NETRXF_more_data);
    g_assert_cmpint(rsp[1].status, ==, NETIF_RSP_ERROR);
    g_assert_cmpuint(rsp[1].flags, ==, 0);
    fake_revoke(&f, grefs[0]);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    fake_cleanup(&f);
}

static void test_no_sg(void)
{
    static const NetifVnetHdr vh;
    static RxPacket p;
    uint8_t frame[6000];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 5000, false);
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    f.cfg.features.sg = false;
    fake_start(&f);
    fake_rx_post(&f, 6);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, 1500);
    netif_rx_poll(f.q, BUDGET);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_TOO_BIG], ==, 1);
    g_assert(rx_take(&f, &p));
    g_assert_cmpuint(p.len, ==, 1500);
    fake_cleanup(&f);
}

static void test_bogus_req_prod(void)
{
    static const NetifVnetHdr vh;
    uint8_t frame[60] = { 0 };
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    f.rx_sring->req_prod = NETIF_RX_RING_SIZE + 5;
    fake_tap_queue(&f, &vh, frame, sizeof(frame));
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpuint(f.fatal_count, ==, 1);
    fake_protect_rings(&f, true);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_false(netif_queue_has_work(f.q));
    fake_protect_rings(&f, false);
    fake_cleanup(&f);
}

static void test_budget(void)
{
    static const NetifVnetHdr vh;
    uint8_t frame[60] = { 0 };
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_rx_post(&f, 100);
    for (i = 0; i < 30; i++) {
        fake_tap_queue(&f, &vh, frame, sizeof(frame));
    }
    g_assert_cmpint(netif_rx_poll(f.q, 16), ==,
                    NETIF_WAIT_MORE | NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 16);
    g_assert_cmpint(netif_rx_poll(f.q, 16), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 30);
    fake_cleanup(&f);
}

/*
 * A restarted backend attaches to live rings: the buffers the previous
 * one filled and answered stay answered, the next frame goes into the
 * first buffer it left unanswered.
 */
static void test_reattach(void)
{
    static const NetifVnetHdr vh;
    netif_rx_request_t req;
    netif_rx_response_t rsp;
    static RxPacket p;
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 20, false);
    uint32_t gref;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_rx_post(&f, 4);
    fake_tap_queue(&f, &vh, frame, len);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert(rx_take(&f, &p));
    g_assert(rx_take(&f, &p));
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 2);
    req = *RING_GET_REQUEST(&f.rxf, 2);     /* the response takes its slot */

    netif_queue_free(f.q);
    fake_start(&f);
    fake_rx_post(&f, 2);
    frame[len - 1] ^= 0xff;
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 3);
    rsp = *RING_GET_RESPONSE(&f.rxf, 2);
    g_assert_cmpuint(rsp.id, ==, req.id);
    g_assert_cmpint(rsp.status, ==, len);
    gref = req.gref;
    g_assert(memcmp(f.grants[gref].page + rsp.offset, frame, len) == 0);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    g_assert_false(rx_take(&f, &p));
    fake_cleanup(&f);
}

/*
 * Resuming after a backend that died: the buffers it left unanswered go
 * back with an error and no grant copy, even one its unpublished response
 * overwrote; the next frame goes into a buffer posted afterwards.
 */
static void test_resume(void)
{
    static const NetifVnetHdr vh;
    netif_rx_response_t rsp, *over;
    static RxPacket p;
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 20, false);
    uint32_t gref;
    NetifStats st;
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_rx_post(&f, 4);
    fake_tap_queue(&f, &vh, frame, len);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert(rx_take(&f, &p));

    netif_queue_free(f.q);
    over = RING_GET_RESPONSE(&f.rxf, 1);    /* written, never published */
    over->offset = 0;
    over->flags = 0;
    over->status = 1500;
    f.cfg.resume = true;
    fake_start(&f);
    fake_tap_queue(&f, &vh, frame, len);
    /* The frame waits for a buffer posted after the resume. */
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_DEADLINE);
    g_assert_cmpuint(f.rx_sring->rsp_prod, ==, 4);
    for (i = 1; i < 4; i++) {
        g_assert_cmpuint(fake_rx_responses(&f, &rsp, &gref, 1), ==, 1);
        g_assert_cmpint(rsp.status, ==, NETIF_RSP_ERROR);
        fake_revoke(&f, gref);
    }
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_RX_RESTART], ==, 3);
    g_assert_cmpuint(st.rx.copy_segs, ==, 0);

    fake_rx_post(&f, 1);
    g_assert_cmpint(netif_rx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_READ);
    g_assert(rx_take(&f, &p));
    g_assert_cmpmem(p.data, p.len, frame, len);
    fake_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/rx/small", test_small);
    g_test_add_func("/netif/rx/gso-64k", test_gso_64k);
    g_test_add_func("/netif/rx/csum-flags", test_csum_flags);
    g_test_add_func("/netif/rx/sw-csum", test_sw_csum);
    g_test_add_func("/netif/rx/back-pressure", test_back_pressure);
    g_test_add_func("/netif/rx/stall-drains", test_stall_drains);
    g_test_add_func("/netif/rx/batching", test_batching);
    g_test_add_func("/netif/rx/many-large", test_many_large);
    g_test_add_func("/netif/rx/flush-segs", test_flush_segs);
    g_test_add_func("/netif/rx/gso-refused", test_gso_refused);
    g_test_add_func("/netif/rx/bad-vnet-hdr", test_bad_vnet_hdr);
    g_test_add_func("/netif/rx/bad-gref", test_bad_gref);
    g_test_add_func("/netif/rx/no-sg", test_no_sg);
    g_test_add_func("/netif/rx/bogus-req-prod", test_bogus_req_prod);
    g_test_add_func("/netif/rx/budget", test_budget);
    g_test_add_func("/netif/rx/reattach", test_reattach);
    g_test_add_func("/netif/rx/resume", test_resume);
    return g_test_run();
}
