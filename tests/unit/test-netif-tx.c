/*
 * Unit tests for the netif engine's guest TX path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define BUDGET 1024

static const NetifGrantMode modes[] = { NETIF_GRANT_MAP, NETIF_GRANT_COPY };

static GByteArray *written(Fake *f, unsigned int i)
{
    g_assert_cmpuint(i, <, f->written->len);
    return g_ptr_array_index(f->written, i);
}

static const NetifVnetHdr *written_vh(Fake *f, unsigned int i)
{
    return (const NetifVnetHdr *)written(f, i)->data;
}

static void assert_frame(Fake *f, unsigned int i, const uint8_t *frame,
                         size_t len)
{
    GByteArray *w = written(f, i);

    g_assert_cmpuint(w->len, ==, f->cfg.vnet_hdr_len + len);
    g_assert(memcmp(w->data + f->cfg.vnet_hdr_len, frame, len) == 0);
}

/* Collect responses and check their statuses, ignoring RSP_NULL ones. */
static unsigned int take_responses(Fake *f, int16_t *status,
                                   unsigned int max)
{
    netif_tx_response_t rsp[NETIF_TX_RING_SIZE];
    unsigned int n = fake_tx_responses(f, rsp, G_N_ELEMENTS(rsp)), i, k = 0;

    for (i = 0; i < n; i++) {
        if (rsp[i].status != NETIF_RSP_NULL) {
            g_assert_cmpuint(k, <, max);
            status[k++] = rsp[i].status;
        }
    }
    return k;
}

static void assert_all_status(Fake *f, unsigned int expect_nr, int16_t st)
{
    int16_t status[NETIF_TX_RING_SIZE];
    unsigned int n = take_responses(f, status, G_N_ELEMENTS(status)), i;

    g_assert_cmpuint(n, ==, expect_nr);
    for (i = 0; i < n; i++) {
        g_assert_cmpint(status[i], ==, st);
    }
}

static void test_single_slot(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        uint8_t frame[128];
        netif_tx_response_t rsp[4];
        NetifStats st;
        size_t len;
        Fake f;

        fake_init(&f, modes[m]);
        fake_start(&f);
        len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                               false, 30, false);
        fake_tx_send(&f, frame, len, NETIF_PAGE_SIZE, 0, NULL, 0);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);

        g_assert_cmpuint(f.written->len, ==, 1);
        assert_frame(&f, 0, frame, len);
        g_assert_cmpuint(written_vh(&f, 0)->flags, ==, 0);
        g_assert_cmpuint(written_vh(&f, 0)->gso_type, ==, 0);
        g_assert_cmpuint(fake_tx_responses(&f, rsp, 4), ==, 1);
        g_assert_cmpint(rsp[0].status, ==, NETIF_RSP_OKAY);
        g_assert_cmpuint(rsp[0].id, ==, 0);
        g_assert_cmpuint(f.notify_tx, ==, 1);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);

        netif_queue_get_stats(f.q, &st);
        g_assert_cmpuint(st.tx.packets, ==, 1);
        g_assert_cmpuint(st.tx.slots, ==, 1);
        g_assert_cmpuint(st.tx.bytes, ==, len);
        g_assert_cmpuint(st.tx.polls, ==, 1);
        /* The ring is empty again, and req_event asks for the next one. */
        g_assert_cmpuint(f.tx_sring->req_event, ==, f.txf.req_prod_pvt + 1);
        fake_cleanup(&f);
    }
}

static void test_multi_slot(void)
{
    static const size_t chunks[] = { 1, 7, 100, 1000, 4096 };
    unsigned int m, c;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        for (c = 0; c < G_N_ELEMENTS(chunks); c++) {
            uint8_t frame[9000];
            size_t len = MIN(sizeof(frame), chunks[c] * 17);
            unsigned int i, nr;
            Fake f;

            for (i = 0; i < len; i++) {
                frame[i] = g_random_int();
            }
            fake_init(&f, modes[m]);
            fake_start(&f);
            nr = fake_tx_send(&f, frame, len, chunks[c], 0, NULL, 0);
            g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
            g_assert_cmpuint(f.written->len, ==, 1);
            assert_frame(&f, 0, frame, len);
            assert_all_status(&f, nr, NETIF_RSP_OKAY);
            fake_cleanup(&f);
        }
    }
}

static void send_csum_blank(Fake *f, int ip, uint8_t l4, bool vlan,
                            size_t chunk, uint16_t start, uint16_t off)
{
    uint8_t frame[2048];
    size_t len = fake_build_frame(frame, sizeof(frame), ip, l4, vlan, 500,
                                  true);
    const NetifVnetHdr *vh;

    fake_tx_send(f, frame, len, chunk, NETTXF_csum_blank |
                 NETTXF_data_validated, NULL, 0);
    g_assert_cmpint(netif_tx_poll(f->q, BUDGET), ==, NETIF_WAIT_EVENT);
    g_assert_cmpuint(f->written->len, ==, 1);
    assert_frame(f, 0, frame, len);
    vh = written_vh(f, 0);
    g_assert_cmpuint(vh->flags, ==, NETIF_VNET_HDR_F_NEEDS_CSUM);
    g_assert_cmpuint(vh->csum_start, ==, start);
    g_assert_cmpuint(vh->csum_offset, ==, off);
    g_assert_cmpuint(vh->gso_type, ==, NETIF_VNET_HDR_GSO_NONE);
}

static void test_csum_blank(void)
{
    static const struct {
        int ip;
        uint8_t l4;
        bool vlan;
        uint16_t start, off;
    } cases[] = {
        { 4, NETIF_IPPROTO_TCP, false, 34, 16 },
        { 4, NETIF_IPPROTO_UDP, false, 34, 6 },
        { 6, NETIF_IPPROTO_TCP, false, 54, 16 },
        { 6, NETIF_IPPROTO_UDP, false, 54, 6 },
        { 4, NETIF_IPPROTO_TCP, true, 38, 16 },
        { 6, NETIF_IPPROTO_UDP, true, 58, 6 },
    };
    unsigned int i, m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        for (i = 0; i < G_N_ELEMENTS(cases); i++) {
            Fake f;

            fake_init(&f, modes[m]);
            fake_start(&f);
            send_csum_blank(&f, cases[i].ip, cases[i].l4, cases[i].vlan,
                            NETIF_PAGE_SIZE, cases[i].start, cases[i].off);
            assert_all_status(&f, 1, NETIF_RSP_OKAY);
            fake_cleanup(&f);
        }
    }
}

/* Send @frame in slots of the given sizes, the last taking the rest. */
static void send_split(Fake *f, const uint8_t *frame, size_t len,
                       const size_t *sizes, unsigned int nr, uint16_t flags)
{
    netif_tx_request_t r[NETIF_TX_MAX_SLOTS];
    size_t off = 0;
    unsigned int i;

    g_assert_cmpuint(nr, <=, G_N_ELEMENTS(r));
    for (i = 0; i < nr; i++) {
        size_t n = i + 1 < nr ? sizes[i] : len - off;

        r[i] = (netif_tx_request_t) {
            .gref = fake_grant(f, frame + off, n, 0, true),
            .size = n, .id = f->next_id++,
            .flags = i + 1 < nr ? NETTXF_more_data : 0,
        };
        off += n;
    }
    r[0].size = len;
    r[0].flags |= flags;
    fake_tx_push(f, r, nr);
}

/* XSA-423: the headers arrive over several tiny slots. */
static void test_header_split(void)
{
    static const size_t splits[][6] = {
        { 1, 1, 1, 1, 1 },
        { 13, 1, 20, 19, 4 },
        { 14, 20, 4, 20, 0 },
        { 0, 0, 57, 0, 1 },
        { 40, 0, 0, 0, 0 },
    };
    unsigned int i, m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        for (i = 0; i < G_N_ELEMENTS(splits); i++) {
            uint8_t frame[200];
            size_t len = fake_build_frame(frame, sizeof(frame), 4,
                                          NETIF_IPPROTO_TCP, true, 100,
                                          true);
            Fake f;

            fake_init(&f, modes[m]);
            fake_start(&f);
            send_split(&f, frame, len, splits[i], 6, NETTXF_csum_blank);
            g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
            g_assert_cmpuint(f.written->len, ==, 1);
            assert_frame(&f, 0, frame, len);
            g_assert_cmpuint(written_vh(&f, 0)->csum_start, ==, 38);
            g_assert_cmpuint(written_vh(&f, 0)->csum_offset, ==, 16);
            assert_all_status(&f, 6, NETIF_RSP_OKAY);
            fake_cleanup(&f);
        }
    }
}

static void test_data_validated(void)
{
    uint8_t frame[100];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                                  false, 10, false);
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_tx_send(&f, frame, len, 4096, NETTXF_data_validated, NULL, 0);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(written_vh(&f, 0)->flags, ==,
                     NETIF_VNET_HDR_F_DATA_VALID);
    fake_cleanup(&f);
}

static struct netif_extra_info gso_extra(uint8_t type, uint16_t size)
{
    struct netif_extra_info x = { .type = XEN_NETIF_EXTRA_TYPE_GSO };

    x.u.gso.type = type;
    x.u.gso.size = size;
    return x;
}

static void test_gso(void)
{
    unsigned int m;
    int ip;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        for (ip = 4; ip <= 6; ip += 2) {
            struct netif_extra_info x = gso_extra(
                ip == 4 ? XEN_NETIF_GSO_TYPE_TCPV4 : XEN_NETIF_GSO_TYPE_TCPV6,
                1448);
            static uint8_t frame[65535];
            size_t len = fake_build_frame(frame, sizeof(frame), ip,
                                          NETIF_IPPROTO_TCP, false,
                                          60000, true);
            const NetifVnetHdr *vh;
            unsigned int nr;
            Fake f;

            fake_init(&f, modes[m]);
            fake_start(&f);
            nr = fake_tx_send(&f, frame, len, NETIF_PAGE_SIZE,
                              NETTXF_csum_blank | NETTXF_data_validated,
                              &x, 1);
            g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
            g_assert_cmpuint(f.written->len, ==, 1);
            assert_frame(&f, 0, frame, len);
            vh = written_vh(&f, 0);
            g_assert_cmpuint(vh->flags, ==, NETIF_VNET_HDR_F_NEEDS_CSUM);
            g_assert_cmpuint(vh->gso_type, ==, ip == 4 ?
                             NETIF_VNET_HDR_GSO_TCPV4 :
                             NETIF_VNET_HDR_GSO_TCPV6);
            g_assert_cmpuint(vh->gso_size, ==, 1448);
            g_assert_cmpuint(vh->hdr_len, ==, ip == 4 ? 54 : 74);
            g_assert_cmpuint(vh->csum_start, ==, ip == 4 ? 34 : 54);
            g_assert_cmpuint(vh->csum_offset, ==, 16);
            /* one NULL response for the extra, OKAY for the rest */
            assert_all_status(&f, nr - 1, NETIF_RSP_OKAY);
            fake_cleanup(&f);
        }
    }
}

/* An old frontend's GSO packet without csum_blank gets a partial checksum. */
static void test_gso_no_csum_blank(void)
{
    struct netif_extra_info x = gso_extra(XEN_NETIF_GSO_TYPE_TCPV4, 1000);
    uint8_t frame[3000], partial[3000];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                                  false, 2500, false);
    GByteArray *w;
    Fake f;

    fake_build_frame(partial, sizeof(partial), 4, NETIF_IPPROTO_TCP, false,
                     2500, true);
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_tx_send(&f, frame, len, 1000, 0, &x, 1);
    netif_tx_poll(f.q, BUDGET);
    w = written(&f, 0);
    g_assert_cmpuint(written_vh(&f, 0)->flags, ==,
                     NETIF_VNET_HDR_F_NEEDS_CSUM);
    g_assert(memcmp(w->data + f.cfg.vnet_hdr_len, partial, len) == 0);
    fake_cleanup(&f);
}

static void test_gso_not_offered(void)
{
    struct netif_extra_info x = gso_extra(XEN_NETIF_GSO_TYPE_TCPV6, 1000);
    uint8_t frame[3000];
    size_t len = fake_build_frame(frame, sizeof(frame), 6, NETIF_IPPROTO_TCP,
                                  false, 2500, true);
    NetifStats st;
    unsigned int nr;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    f.cfg.tx_gso_tcpv6 = false;
    fake_start(&f);
    nr = fake_tx_send(&f, frame, len, 4096, NETTXF_csum_blank, &x, 1);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 0);
    assert_all_status(&f, nr - 1, NETIF_RSP_ERROR);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_GSO], ==, 1);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);
}

/* Three packets, the middle one with a bad grant in its second slot. */
static void test_bad_gref(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        uint8_t frame[3000];
        size_t len = fake_build_frame(frame, sizeof(frame), 4,
                                      NETIF_IPPROTO_UDP, false, 2000, false);
        netif_tx_response_t rsp[16];
        NetifStats st;
        unsigned int n, i;
        Fake f;

        fake_init(&f, modes[m]);
        fake_start(&f);
        fake_tx_send(&f, frame, len, 1000, 0, NULL, 0);
        /* netfront ids 3..5 */
        fake_tx_send(&f, frame, len, 1000, 0, NULL, 0);
        f.grants[f.next_gref - 2].readonly = true;
        fake_revoke(&f, f.next_gref - 2);
        fake_tx_send(&f, frame, len, 1000, 0, NULL, 0);

        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 2);
        assert_frame(&f, 0, frame, len);
        assert_frame(&f, 1, frame, len);
        n = fake_tx_responses(&f, rsp, G_N_ELEMENTS(rsp));
        g_assert_cmpuint(n, ==, 9);
        for (i = 0; i < n; i++) {
            g_assert_cmpint(rsp[i].status, ==,
                            rsp[i].id >= 3 && rsp[i].id <= 5 ?
                            NETIF_RSP_ERROR : NETIF_RSP_OKAY);
        }
        netif_queue_get_stats(f.q, &st);
        g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_GRANT], ==, 1);
        g_assert_cmpuint(st.tx.errors, ==, 1);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
        g_assert_cmpuint(f.fatal_count, ==, 0);
        fake_cleanup(&f);
    }
}

static void push_one(Fake *f, uint16_t offset, uint16_t size, uint16_t flags)
{
    static const uint8_t zero[NETIF_PAGE_SIZE];
    netif_tx_request_t r = {
        .gref = fake_grant(f, zero, 0, 0, true),
        .offset = offset, .size = size, .flags = flags, .id = f->next_id++,
    };

    fake_tx_push(f, &r, 1);
}

/* Fatal: the queue stops and never touches the rings again. */
static void assert_fatal(Fake *f, NetifCause cause)
{
    NetifStats st;

    g_assert_cmpuint(f->fatal_count, ==, 1);
    g_assert_cmpint(f->fatal_cause, ==, cause);
    g_assert_cmpuint(f->tx_sring->rsp_prod, ==, 0);
    g_assert_cmpuint(fake_nr_mapped(f), ==, 0);
    netif_queue_get_stats(f->q, &st);
    g_assert_cmpuint(st.cause[cause], ==, 1);

    fake_protect_rings(f, true);
    g_assert_cmpint(netif_tx_poll(f->q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpint(netif_rx_poll(f->q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_false(netif_queue_has_work(f->q));
    fake_protect_rings(f, false);
    g_assert_cmpuint(f->fatal_count, ==, 1);
}

static void test_cross_page(void)
{
    Fake f;

    /* first slot */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    push_one(&f, 4000, 200, 0);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
    assert_fatal(&f, NETIF_CAUSE_TX_FATAL_PAGE);
    fake_cleanup(&f);

    /* a later slot, after a good packet in the same batch */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    push_one(&f, 0, 100, 0);
    push_one(&f, 0, 300, NETTXF_more_data);
    push_one(&f, 4095, 2, 0);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
    g_assert_cmpuint(f.written->len, ==, 0);
    assert_fatal(&f, NETIF_CAUSE_TX_FATAL_PAGE);
    fake_cleanup(&f);
}

static void test_size_mismatch(void)
{
    uint8_t frame[200];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 100, false);
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    /* fragments add up to more than the packet */
    push_one(&f, 0, 100, NETTXF_more_data);
    push_one(&f, 0, 60, NETTXF_more_data);
    push_one(&f, 0, 60, 0);
    fake_tx_send(&f, frame, len, 4096, 0, NULL, 0);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    g_assert_cmpuint(f.written->len, ==, 1);
    assert_frame(&f, 0, frame, len);
    {
        int16_t status[8];
        unsigned int n = take_responses(&f, status, 8);

        g_assert_cmpuint(n, ==, 4);
        g_assert_cmpint(status[0], ==, NETIF_RSP_ERROR);
        g_assert_cmpint(status[1], ==, NETIF_RSP_ERROR);
        g_assert_cmpint(status[2], ==, NETIF_RSP_ERROR);
        g_assert_cmpint(status[3], ==, NETIF_RSP_OKAY);
    }
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_SIZE_MISMATCH], ==, 1);
    fake_cleanup(&f);
}

static void send_nr_slots(Fake *f, unsigned int nr)
{
    unsigned int i;

    push_one(f, 0, 100 * nr, NETTXF_more_data);
    for (i = 1; i < nr; i++) {
        push_one(f, 0, 100, i + 1 < nr ? NETTXF_more_data : 0);
    }
}

static void test_too_many_slots(void)
{
    NetifStats st;
    Fake f;

    /* 19 slots: the most Linux netback takes */
    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    send_nr_slots(&f, 19);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 1);
    assert_all_status(&f, 19, NETIF_RSP_OKAY);
    fake_cleanup(&f);

    /* 20 and 21: dropped, the next packet goes through */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    send_nr_slots(&f, 20);
    send_nr_slots(&f, 21);
    send_nr_slots(&f, 2);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 1);
    {
        int16_t status[64];
        unsigned int n = take_responses(&f, status, 64), i;

        g_assert_cmpuint(n, ==, 43);
        for (i = 0; i < n; i++) {
            g_assert_cmpint(status[i], ==, i < 41 ? NETIF_RSP_ERROR :
                            NETIF_RSP_OKAY);
        }
    }
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_TOO_MANY_SLOTS], ==, 2);
    g_assert_cmpuint(f.fatal_count, ==, 0);
    fake_cleanup(&f);

    /* 22: malicious */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    send_nr_slots(&f, 22);
    netif_tx_poll(f.q, BUDGET);
    assert_fatal(&f, NETIF_CAUSE_TX_FATAL_SLOTS);
    fake_cleanup(&f);
}

/* A packet whose more_data runs past what the frontend produced. */
static void test_missing_slots(void)
{
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    push_one(&f, 0, 200, NETTXF_more_data);
    netif_tx_poll(f.q, BUDGET);
    assert_fatal(&f, NETIF_CAUSE_TX_FATAL_MISSING);
    fake_cleanup(&f);
}

static void push_extra(Fake *f, uint8_t type, uint8_t flags)
{
    struct netif_extra_info x = { .type = type, .flags = flags };
    netif_tx_request_t r = { 0 };

    if (type == XEN_NETIF_EXTRA_TYPE_GSO) {
        x.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
        x.u.gso.size = 1000;
    }
    memcpy(&r, &x, sizeof(x));
    fake_tx_push(f, &r, 1);
}

static void test_extra_types(void)
{
    static const uint8_t bad[] = { 0, XEN_NETIF_EXTRA_TYPE_MAX, 0xff };
    uint8_t frame[200];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP,
                                  false, 100, false);
    unsigned int i;
    Fake f;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        fake_init(&f, NETIF_GRANT_MAP);
        fake_start(&f);
        push_one(&f, 0, 100, NETTXF_extra_info);
        push_extra(&f, bad[i], 0);
        netif_tx_poll(f.q, BUDGET);
        assert_fatal(&f, NETIF_CAUSE_TX_FATAL_EXTRA);
        fake_cleanup(&f);
    }

    /* GSO size 0, and an unknown GSO type */
    for (i = 0; i < 2; i++) {
        struct netif_extra_info x = gso_extra(i ? 7 : 1, i ? 1000 : 0);

        fake_init(&f, NETIF_GRANT_MAP);
        fake_start(&f);
        fake_tx_send(&f, frame, len, 4096, NETTXF_csum_blank, &x, 1);
        netif_tx_poll(f.q, BUDGET);
        assert_fatal(&f, NETIF_CAUSE_TX_FATAL_GSO);
        fake_cleanup(&f);
    }

    /* The extra chain runs off the produced requests. */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    push_one(&f, 0, 100, NETTXF_extra_info);
    push_extra(&f, XEN_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_FLAG_MORE);
    netif_tx_poll(f.q, BUDGET);
    assert_fatal(&f, NETIF_CAUSE_TX_FATAL_MISSING);
    fake_cleanup(&f);

    /* multicast control on a dummy request, then hash + GSO chained */
    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    push_one(&f, 0, 0, NETTXF_extra_info);
    push_extra(&f, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
    {
        struct netif_extra_info x[2] = {
            { .type = XEN_NETIF_EXTRA_TYPE_HASH,
              .flags = XEN_NETIF_EXTRA_FLAG_MORE },
            gso_extra(XEN_NETIF_GSO_TYPE_TCPV4, 500),
        };
        uint8_t tcp[1500];
        size_t tlen = fake_build_frame(tcp, sizeof(tcp), 4,
                                       NETIF_IPPROTO_TCP, false, 1400, true);

        fake_tx_send(&f, tcp, tlen, 4096, NETTXF_csum_blank, x, 2);
        netif_tx_poll(f.q, BUDGET);
        g_assert_cmpuint(f.fatal_count, ==, 0);
        g_assert_cmpuint(f.written->len, ==, 1);
        assert_frame(&f, 0, tcp, tlen);
        g_assert_cmpuint(written_vh(&f, 0)->gso_size, ==, 500);
        g_assert_cmpuint(f.tx_sring->rsp_prod, ==, 5);
        assert_all_status(&f, 2, NETIF_RSP_OKAY);
    }
    fake_cleanup(&f);
}

/* XSA-39: a producer index that runs past the ring. */
static void test_bogus_req_prod(void)
{
    uint32_t bogus[] = { NETIF_TX_RING_SIZE + 1, 0x80000000u, 0xffffffffu };
    unsigned int i;
    Fake f;

    for (i = 0; i < G_N_ELEMENTS(bogus); i++) {
        fake_init(&f, NETIF_GRANT_MAP);
        fake_start(&f);
        f.tx_sring->req_prod = bogus[i];
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_DISABLED);
        assert_fatal(&f, NETIF_CAUSE_TX_FATAL_RING);
        fake_cleanup(&f);
    }
}

/* XSA-448: empty fragments, with bad grants even, are harmless. */
static void test_zero_length(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        uint8_t frame[300];
        size_t len = fake_build_frame(frame, sizeof(frame), 4,
                                      NETIF_IPPROTO_TCP, false, 200, true);
        netif_tx_request_t r[6];
        Fake f;

        fake_init(&f, modes[m]);
        fake_start(&f);
        /* empty first slot, the frame in two halves, empty ones between */
        r[0] = (netif_tx_request_t) { .gref = 9999, .size = len,
                                      .flags = NETTXF_more_data |
                                               NETTXF_csum_blank, .id = 1 };
        r[1] = (netif_tx_request_t) {
            .gref = fake_grant(&f, frame, 20, 100, true), .offset = 100,
            .size = 20, .flags = NETTXF_more_data, .id = 2 };
        r[2] = (netif_tx_request_t) { .gref = 0, .size = 0,
                                      .flags = NETTXF_more_data, .id = 3 };
        r[3] = (netif_tx_request_t) {
            .gref = fake_grant(&f, frame + 20, len - 20, 4096 - (len - 20),
                               true),
            .offset = 4096 - (len - 20), .size = len - 20,
            .flags = NETTXF_more_data, .id = 4 };
        r[4] = (netif_tx_request_t) { .gref = 12345, .offset = 4096,
                                      .size = 0, .flags = NETTXF_more_data,
                                      .id = 5 };
        r[5] = (netif_tx_request_t) { .gref = 0, .size = 0, .id = 6 };
        fake_tx_push(&f, r, 6);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.fatal_count, ==, 0);
        g_assert_cmpuint(f.written->len, ==, 1);
        assert_frame(&f, 0, frame, len);
        g_assert_cmpuint(written_vh(&f, 0)->csum_start, ==, 34);
        assert_all_status(&f, 6, NETIF_RSP_OKAY);
        fake_cleanup(&f);
    }
}

static void test_runt(void)
{
    static const uint8_t frame[13];
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    fake_tx_send(&f, frame, sizeof(frame), 4096, 0, NULL, 0);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 0);
    assert_all_status(&f, 1, NETIF_RSP_ERROR);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_RUNT], ==, 1);
    fake_cleanup(&f);
}

static void test_csum_unparsable(void)
{
    uint8_t frame[200];
    size_t len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP,
                                  false, 100, true);
    NetifStats st;
    Fake f;

    frame[23] = 47;             /* GRE */
    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    fake_tx_send(&f, frame, len, 4096, NETTXF_csum_blank, NULL, 0);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 0);
    assert_all_status(&f, 1, NETIF_RSP_ERROR);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_CSUM], ==, 1);
    fake_cleanup(&f);
}

static void send_mix(Fake *f, unsigned int nr)
{
    static uint8_t frame[20000];
    unsigned int i;

    for (i = 0; i < nr; i++) {
        size_t len = fake_build_frame(frame, sizeof(frame), i & 1 ? 6 : 4,
                                      i & 2 ? NETIF_IPPROTO_UDP :
                                      NETIF_IPPROTO_TCP,
                                      i & 4, (i * 997) % 9000, true);

        fake_tx_send(f, frame, len, 512 + (i * 131) % 3585,
                     i % 3 ? NETTXF_csum_blank : 0, NULL, 0);
    }
}

/* Tap full: nothing answered or unmapped until written; nothing lost. */
static void test_eagain(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        unsigned int i;
        NetifStats st;
        Fake f, ref;

        fake_init(&ref, modes[m]);
        fake_start(&ref);
        send_mix(&ref, 8);
        netif_tx_poll(ref.q, BUDGET);

        fake_init(&f, modes[m]);
        fake_start(&f);
        send_mix(&f, 8);
        f.tap_room = 3;
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
        g_assert_cmpuint(f.written->len, ==, 3);
        g_assert_cmpuint(f.tx_sring->rsp_prod, ==, 0);
        if (modes[m] == NETIF_GRANT_MAP) {
            g_assert_cmpuint(fake_nr_mapped(&f), >, 0);
        }

        /* still full: no progress, no double write */
        f.tap_room = 0;
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
        g_assert_cmpuint(f.written->len, ==, 3);

        f.tap_room = -1;
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 8);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
        g_assert_cmpuint(f.tx_sring->rsp_prod, ==, f.txf.req_prod_pvt);
        for (i = 0; i < 8; i++) {
            GByteArray *a = written(&f, i), *b = written(&ref, i);

            g_assert_cmpmem(a->data, a->len, b->data, b->len);
        }
        netif_queue_get_stats(f.q, &st);
        g_assert_cmpuint(st.tx.packets, ==, 8);
        g_assert_cmpuint(st.tx.drops, ==, 0);
        fake_cleanup(&ref);
        fake_cleanup(&f);
    }
}

/* Freeing a queue that a full tap left holding grants releases them. */
static void test_free_while_blocked(void)
{
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    send_mix(&f, 4);
    f.tap_room = 1;
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
    g_assert_cmpuint(fake_nr_mapped(&f), >, 0);
    netif_queue_free(f.q);
    f.q = NULL;
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    fake_cleanup(&f);
}

static void test_map_copy_same(void)
{
    Fake a, b;
    unsigned int i;

    fake_init(&a, NETIF_GRANT_MAP);
    fake_init(&b, NETIF_GRANT_COPY);
    fake_start(&a);
    fake_start(&b);
    send_mix(&a, 40);
    send_mix(&b, 40);
    netif_tx_poll(a.q, BUDGET);
    netif_tx_poll(b.q, BUDGET);
    g_assert_cmpuint(a.written->len, ==, 40);
    g_assert_cmpuint(b.written->len, ==, 40);
    for (i = 0; i < 40; i++) {
        GByteArray *x = written(&a, i), *y = written(&b, i);

        g_assert_cmpmem(x->data, x->len, y->data, y->len);
    }
    fake_cleanup(&a);
    fake_cleanup(&b);
}

static void test_batching(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        NetifStats st;
        Fake f;

        fake_init(&f, modes[m]);
        fake_start(&f);
        send_mix(&f, 20);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 20);
        netif_queue_get_stats(f.q, &st);
        if (modes[m] == NETIF_GRANT_MAP) {
            g_assert_cmpuint(f.map_calls, ==, 1);
            g_assert_cmpuint(f.unmap_calls, ==, 1);
            g_assert_cmpuint(f.copy_calls, ==, 0);
            g_assert_cmpuint(st.tx.map_calls, ==, 1);
            g_assert_cmpuint(st.tx.map_ops, ==, f.map_ops);
            g_assert_cmpuint(st.tx.unmap_ops, ==, f.map_ops);
        } else {
            g_assert_cmpuint(f.map_calls, ==, 0);
            g_assert_cmpuint(f.copy_calls, ==, 1);
            g_assert_cmpuint(st.tx.copy_segs, ==, f.copy_segs);
            /* A slot lands at its guest offset: never cut in two. */
            g_assert_cmpuint(f.copy_pieces, ==, f.copy_segs);
        }
        g_assert_cmpuint(st.tx.batches, ==, 1);
        g_assert_cmpuint(st.tx.notifications, ==, 1);
        g_assert_cmpuint(f.notify_tx, ==, 1);
        g_assert_cmpuint(st.tx.slots, ==, f.txf.req_prod_pvt);
        fake_cleanup(&f);
    }
}

/*
 * A queue attaches to live rings where the published responses end: what
 * the previous backend answered stays answered, what it consumed without
 * answering (a full tap held it) is served again, then new requests.
 */
static void test_reattach(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        static uint8_t frame[8][600];
        unsigned int i;
        RING_IDX answered;
        Fake f;

        fake_init(&f, modes[m]);
        fake_start(&f);
        for (i = 0; i < 8; i++) {
            memset(frame[i], i + 1, sizeof(frame[i]));
        }
        for (i = 0; i < 3; i++) {
            fake_tx_send(&f, frame[i], sizeof(frame[i]), 600, 0, NULL, 0);
        }
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        for (i = 3; i < 7; i++) {
            fake_tx_send(&f, frame[i], sizeof(frame[i]), 600, 0, NULL, 0);
        }
        f.tap_room = 1;
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
        g_assert_cmpuint(f.written->len, ==, 4);
        answered = f.tx_sring->rsp_prod;
        g_assert_cmpuint(answered, >=, 3);
        g_assert_cmpuint(answered, <, 7);

        /* The backend dies; its successor starts on the same rings. */
        netif_queue_free(f.q);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
        f.tap_room = -1;
        fake_start(&f);
        fake_tx_send(&f, frame[7], sizeof(frame[7]), 600, 0, NULL, 0);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 4 + 8 - answered);
        for (i = answered; i < 8; i++) {
            assert_frame(&f, 4 + i - answered, frame[i], sizeof(frame[i]));
        }
        g_assert_cmpuint(f.tx_sring->rsp_prod, ==, 8);
        assert_all_status(&f, 8, NETIF_RSP_OKAY);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
        fake_cleanup(&f);
    }
}

/*
 * Resuming after a backend that died: what it left unanswered is answered
 * DROPPED without a grant operation, even slots its unpublished responses
 * overwrote (a GSO frame's first slot and extra, a data slot); the chains
 * still line up, and what comes after is served.
 */
static void test_resume(void)
{
    unsigned int m;

    for (m = 0; m < G_N_ELEMENTS(modes); m++) {
        struct netif_extra_info x = gso_extra(XEN_NETIF_GSO_TYPE_TCPV4, 1000);
        static uint8_t frame[4][3000];
        netif_tx_response_t *rsp;
        int16_t status[16];
        unsigned int i, n;
        NetifStats st;
        Fake f;

        for (i = 0; i < 4; i++) {
            memset(frame[i], i + 1, sizeof(frame[i]));
        }
        fake_init(&f, modes[m]);
        fake_start(&f);
        fake_tx_send(&f, frame[0], 600, 600, 0, NULL, 0);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        assert_all_status(&f, 1, NETIF_RSP_OKAY);

        /* Slots 1-4: frame 1 (first, GSO extra, 2 more); 5-7: frame 2. */
        g_assert_cmpuint(fake_tx_send(&f, frame[1], 3000, 1000,
                                      NETTXF_csum_blank, &x, 1), ==, 4);
        g_assert_cmpuint(fake_tx_send(&f, frame[2], 600, 200, 0, NULL, 0),
                         ==, 3);
        netif_queue_free(f.q);
        /* What the dead backend wrote over slots 1, 2 and 5, unpublished. */
        rsp = RING_GET_RESPONSE(&f.txf, 1);
        rsp->id = 77;
        rsp->status = NETIF_RSP_OKAY;
        rsp = RING_GET_RESPONSE(&f.txf, 2);
        rsp->id = 0;
        rsp->status = NETIF_RSP_NULL;
        rsp = RING_GET_RESPONSE(&f.txf, 5);
        rsp->id = 78;
        rsp->status = NETIF_RSP_OKAY;

        f.cfg.resume = true;
        fake_start(&f);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 1);
        g_assert_cmpuint(f.tx_sring->rsp_prod, ==, 8);
        n = take_responses(&f, status, G_N_ELEMENTS(status));
        g_assert_cmpuint(n, ==, 6);     /* the extra's is NULL */
        for (i = 0; i < n; i++) {
            g_assert_cmpint(status[i], ==, NETIF_RSP_DROPPED);
        }
        netif_queue_get_stats(f.q, &st);
        g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_RESTART], ==, 2);
        g_assert_cmpuint(st.tx.map_ops + st.tx.copy_segs, ==, 0);
        g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);

        fake_tx_send(&f, frame[3], 3000, 1000, 0, NULL, 0);
        g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
        g_assert_cmpuint(f.written->len, ==, 2);
        assert_frame(&f, 1, frame[3], 3000);
        assert_all_status(&f, 3, NETIF_RSP_OKAY);
        fake_cleanup(&f);
    }
}

/*
 * What adaptive polling asks: work when requests wait, none once they are
 * answered, none while a full tap holds the batch (the tap's readiness
 * wakes the queue then, not the ring).
 */
static void test_has_work(void)
{
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    g_assert_false(netif_queue_has_work(f.q));
    send_mix(&f, 4);
    g_assert_true(netif_queue_has_work(f.q));
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    g_assert_false(netif_queue_has_work(f.q));

    send_mix(&f, 4);
    f.tap_room = 1;
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_TAP_WRITE);
    send_mix(&f, 1);
    g_assert_false(netif_queue_has_work(f.q));
    f.tap_room = -1;
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    g_assert_cmpuint(f.written->len, ==, 9);
    g_assert_false(netif_queue_has_work(f.q));
    fake_cleanup(&f);
}

/*
 * XSA-332: an event that finds nothing to do, with no progress since the
 * last one, is spurious; past the threshold the event channel stays masked
 * for a delay that doubles up to a cap.  Work announced by an event, or
 * done since the previous one (adaptive polling took it first), is not
 * spurious and resets the run.
 */
static void test_spurious_events(void)
{
    int64_t delay, last = 0;
    NetifStats st;
    unsigned int i;
    Fake f;

    fake_init(&f, NETIF_GRANT_COPY);
    fake_start(&f);
    for (i = 0; i < NETIF_SPURIOUS_THRESHOLD; i++) {
        g_assert_cmpint(netif_queue_event(f.q, true, false), ==, 0);
    }
    g_assert_cmpint(netif_queue_event(f.q, true, false), ==,
                    NETIF_SPURIOUS_DELAY_MIN_US);
    for (i = 0; i < 40; i++) {
        delay = netif_queue_event(f.q, true, true);
        g_assert_cmpint(delay, >=, last);
        g_assert_cmpint(delay, <=, NETIF_SPURIOUS_DELAY_MAX_US);
        last = delay;
    }
    g_assert_cmpint(last, ==, NETIF_SPURIOUS_DELAY_MAX_US);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.tx.events, ==, NETIF_SPURIOUS_THRESHOLD + 41);
    g_assert_cmpuint(st.tx.spurious, ==, NETIF_SPURIOUS_THRESHOLD + 41);
    g_assert_cmpuint(st.rx.events, ==, 40);
    g_assert_cmpuint(st.rx.spurious, ==, 40);

    /* requests to take: not spurious, and the run starts over */
    send_mix(&f, 2);
    g_assert_cmpint(netif_queue_event(f.q, true, false), ==, 0);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    /* polling took them before this event was read: not spurious either */
    send_mix(&f, 2);
    g_assert_cmpint(netif_tx_poll(f.q, BUDGET), ==, NETIF_WAIT_EVENT);
    g_assert_cmpint(netif_queue_event(f.q, true, false), ==, 0);
    for (i = 0; i < NETIF_SPURIOUS_THRESHOLD; i++) {
        g_assert_cmpint(netif_queue_event(f.q, true, false), ==, 0);
    }
    g_assert_cmpint(netif_queue_event(f.q, true, false), ==,
                    NETIF_SPURIOUS_DELAY_MIN_US);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.tx.events, ==, 2 * NETIF_SPURIOUS_THRESHOLD + 44);
    g_assert_cmpuint(st.tx.spurious, ==, 2 * NETIF_SPURIOUS_THRESHOLD + 42);
    fake_cleanup(&f);
}

/* The budget bounds one call; the rest waits for the next one. */
static void test_budget(void)
{
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    f.cfg.max_batch = 4;
    fake_start(&f);
    send_mix(&f, 30);
    g_assert_cmpint(netif_tx_poll(f.q, 10), ==, NETIF_WAIT_MORE);
    g_assert_cmpuint(f.written->len, ==, 10);
    g_assert_cmpint(netif_tx_poll(f.q, 10), ==, NETIF_WAIT_MORE);
    g_assert_cmpuint(f.written->len, ==, 20);
    g_assert_cmpint(netif_tx_poll(f.q, 100), ==, NETIF_WAIT_EVENT);
    g_assert_cmpuint(f.written->len, ==, 30);
    netif_queue_get_stats(f.q, &st);
    /* 4 + 4 + 2 per call of 10; 4 + 4 + 2 in the last */
    g_assert_cmpuint(st.tx.batches, ==, 9);
    g_assert_cmpuint(f.map_calls, ==, 9);
    fake_cleanup(&f);
}

static void test_tap_error(void)
{
    NetifStats st;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    fake_start(&f);
    send_mix(&f, 3);
    f.tap_error = 1;
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(f.written->len, ==, 2);
    netif_queue_get_stats(f.q, &st);
    g_assert_cmpuint(st.cause[NETIF_CAUSE_TX_TAP], ==, 1);
    g_assert_cmpuint(st.tx.drops, ==, 1);
    g_assert_cmpuint(fake_nr_mapped(&f), ==, 0);
    {
        netif_tx_response_t rsp[64];
        unsigned int n = fake_tx_responses(&f, rsp, 64), i, dropped = 0;

        for (i = 0; i < n; i++) {
            dropped += rsp[i].status == NETIF_RSP_DROPPED;
        }
        g_assert_cmpuint(dropped, >, 0);
    }
    fake_cleanup(&f);
}

static void test_config(void)
{
    GError *err = NULL;
    Fake f;

    fake_init(&f, NETIF_GRANT_MAP);
    f.cfg.vnet_hdr_len = 11;
    g_assert_null(netif_queue_new(&f.cfg, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    f.cfg.vnet_hdr_len = 12;
    f.cfg.max_batch = NETIF_MAX_BATCH + 1;
    g_assert_null(netif_queue_new(&f.cfg, &err));
    g_clear_error(&err);
    f.cfg.max_batch = 0;
    fake_start(&f);
    send_mix(&f, 2);
    netif_tx_poll(f.q, BUDGET);
    g_assert_cmpuint(written(&f, 0)->len, >, 12);
    fake_cleanup(&f);
}

static void test_stat_names(void)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    unsigned int i;

    for (i = 0; i < netif_stat_nr_fields; i++) {
        g_assert(g_hash_table_add(seen, (gpointer)netif_stat_fields[i].name));
        g_assert_cmpuint(netif_stat_fields[i].offset, <, sizeof(NetifStats));
    }
    for (i = 0; i < NETIF_CAUSE__MAX; i++) {
        g_assert_nonnull(netif_cause_name(i));
        g_assert(g_hash_table_add(seen, (gpointer)netif_cause_name(i)));
        g_assert(g_str_has_prefix(netif_cause_name(i),
                                  netif_cause_is_rx(i) ? "rx_" : "tx_"));
        g_assert_cmpint(netif_cause_kind(i) == NETIF_CAUSE_KIND_FATAL, ==,
                        strstr(netif_cause_name(i), "fatal") != NULL);
    }
    g_assert_null(netif_cause_name(NETIF_CAUSE__MAX));
    g_hash_table_destroy(seen);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/tx/single-slot", test_single_slot);
    g_test_add_func("/netif/tx/multi-slot", test_multi_slot);
    g_test_add_func("/netif/tx/csum-blank", test_csum_blank);
    g_test_add_func("/netif/tx/header-split", test_header_split);
    g_test_add_func("/netif/tx/data-validated", test_data_validated);
    g_test_add_func("/netif/tx/gso", test_gso);
    g_test_add_func("/netif/tx/gso-no-csum-blank", test_gso_no_csum_blank);
    g_test_add_func("/netif/tx/gso-not-offered", test_gso_not_offered);
    g_test_add_func("/netif/tx/bad-gref", test_bad_gref);
    g_test_add_func("/netif/tx/cross-page", test_cross_page);
    g_test_add_func("/netif/tx/size-mismatch", test_size_mismatch);
    g_test_add_func("/netif/tx/too-many-slots", test_too_many_slots);
    g_test_add_func("/netif/tx/missing-slots", test_missing_slots);
    g_test_add_func("/netif/tx/extra-types", test_extra_types);
    g_test_add_func("/netif/tx/bogus-req-prod", test_bogus_req_prod);
    g_test_add_func("/netif/tx/zero-length", test_zero_length);
    g_test_add_func("/netif/tx/runt", test_runt);
    g_test_add_func("/netif/tx/csum-unparsable", test_csum_unparsable);
    g_test_add_func("/netif/tx/eagain", test_eagain);
    g_test_add_func("/netif/tx/free-while-blocked", test_free_while_blocked);
    g_test_add_func("/netif/tx/map-copy-same", test_map_copy_same);
    g_test_add_func("/netif/tx/batching", test_batching);
    g_test_add_func("/netif/tx/budget", test_budget);
    g_test_add_func("/netif/tx/has-work", test_has_work);
    g_test_add_func("/netif/tx/reattach", test_reattach);
    g_test_add_func("/netif/tx/resume", test_resume);
    g_test_add_func("/netif/event/spurious", test_spurious_events);
    g_test_add_func("/netif/tx/tap-error", test_tap_error);
    g_test_add_func("/netif/tx/config", test_config);
    g_test_add_func("/netif/stats/names", test_stat_names);
    return g_test_run();
}
