/*
 * Unit tests for the netif engine's header parser and translation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"
#include "hdr.h"

static void test_csum(void)
{
    uint8_t buf[1001];
    unsigned int i, len;

    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = g_random_int();
    }
    for (len = 0; len <= sizeof(buf); len += 37) {
        g_assert_cmpuint(netif_csum_fold(netif_csum_add(0x1234, buf, len)),
                         ==, fake_ref_csum(buf, len, 0x1234));
    }
}

static void test_parse(void)
{
    uint8_t frame[400];
    NetifPktInfo info;
    size_t len, cut;

    len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_TCP, true,
                           10, true);
    g_assert(netif_parse_headers(frame, len, &info));
    g_assert_cmpuint(info.l3_proto, ==, NETIF_ETH_P_IP);
    g_assert_cmpuint(info.l3_off, ==, 18);
    g_assert_cmpuint(info.l4_off, ==, 38);
    g_assert_cmpuint(info.l4_hdr_len, ==, 20);

    /* truncated anywhere: never true, never out of bounds */
    for (cut = 0; cut < 58; cut++) {
        uint8_t *copy = g_memdup2(frame, cut);

        g_assert_false(netif_parse_headers(copy, cut, &info));
        g_free(copy);
    }

    /* fragments carry no L4 header we may use */
    frame[18 + 6] = 0x20;       /* MF */
    g_assert_false(netif_parse_headers(frame, len, &info));
    g_assert(info.fragment);

    /* bad IHL */
    len = fake_build_frame(frame, sizeof(frame), 4, NETIF_IPPROTO_UDP, false,
                           10, true);
    frame[14] = 0x44;
    g_assert_false(netif_parse_headers(frame, len, &info));
}

/* IPv6 with hop-by-hop and destination options before TCP. */
static void test_parse_ipv6_ext(void)
{
    uint8_t frame[400] = { 0 };
    NetifPktInfo info;
    size_t len = 14 + 40 + 8 + 16 + 20;

    frame[12] = 0x86;
    frame[13] = 0xdd;
    frame[14] = 0x60;
    frame[14 + 6] = 0;                  /* hop-by-hop */
    frame[54] = 60;                     /* then destination options */
    frame[55] = 0;                      /* 8 bytes */
    frame[62] = NETIF_IPPROTO_TCP;
    frame[63] = 1;                      /* 16 bytes */
    frame[78 + 12] = 5 << 4;
    g_assert(netif_parse_headers(frame, len, &info));
    g_assert_cmpuint(info.l3_proto, ==, NETIF_ETH_P_IPV6);
    g_assert_cmpuint(info.l4_off, ==, 78);
    g_assert_cmpuint(info.l4_proto, ==, NETIF_IPPROTO_TCP);

    /* a first fragment: not usable */
    frame[54] = 44;
    frame[62] = NETIF_IPPROTO_TCP;
    frame[62 + 3] = 1;                  /* M */
    len = 14 + 40 + 8 + 8 + 20;
    frame[70 + 12] = 5 << 4;
    g_assert_false(netif_parse_headers(frame, len, &info));
    g_assert(info.fragment);

    /* a loop of extension headers ends */
    memset(frame + 54, 0, 300);
    g_assert_false(netif_parse_headers(frame, sizeof(frame), &info));
}

static void test_tx_flags(void)
{
    uint8_t frame[200];
    size_t len = fake_build_frame(frame, sizeof(frame), 6, NETIF_IPPROTO_UDP,
                                  false, 30, true);
    struct netif_extra_info gso = { .type = XEN_NETIF_EXTRA_TYPE_GSO };
    NetifCause cause;
    NetifVnetHdr vh;

    g_assert(netif_hdr_from_netif(frame, len, len, 0, NULL, true, true, &vh,
                                  &cause));
    g_assert_cmpuint(vh.flags, ==, 0);
    g_assert(netif_hdr_from_netif(frame, len, len, NETTXF_csum_blank |
                                  NETTXF_data_validated, NULL, true, true,
                                  &vh, &cause));
    g_assert_cmpuint(vh.flags, ==, NETIF_VNET_HDR_F_NEEDS_CSUM);
    g_assert_cmpuint(vh.csum_start, ==, 54);
    g_assert_cmpuint(vh.csum_offset, ==, 6);

    /* GSO TCPv6 on a UDP packet does not match */
    gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
    gso.u.gso.size = 100;
    g_assert_false(netif_hdr_from_netif(frame, len, len, NETTXF_csum_blank,
                                        &gso, true, true, &vh, &cause));
    g_assert_cmpint(cause, ==, NETIF_CAUSE_TX_GSO);
}

/*
 * Whatever the frontend negotiated, the tap is offered exactly the GSO
 * types the RX path passes on: an offered type it then dropped would lose
 * every such frame (TSO6 without feature-ipv6-csum-offload did).
 */
static void test_rx_offloads(void)
{
    static const struct {
        int ip;
        uint8_t l4;
        uint8_t gso_type;
    } kinds[] = {
        { 4, NETIF_IPPROTO_TCP, NETIF_VNET_HDR_GSO_TCPV4 },
        { 6, NETIF_IPPROTO_TCP, NETIF_VNET_HDR_GSO_TCPV6 },
        { 4, NETIF_IPPROTO_UDP, NETIF_VNET_HDR_GSO_UDP },
    };
    static uint8_t frame[4000];
    unsigned int mask, k;

    for (mask = 0; mask < 64; mask++) {
        NetifFeatures f = {
            .sg = mask & 1, .gso_tcpv4 = mask & 2, .gso_tcpv6 = mask & 4,
            .ipv6_csum_offload = mask & 8, .no_csum_offload = mask & 16,
            .rx_notify = mask & 32,
        };
        NetifOffloads ok = netif_rx_offloads(&f);
        bool csum = !f.no_csum_offload;

        /* TSO6 frames carry a partial IPv6 checksum: the frontend must
         * take those too (the tap was offered TSO6 without it). */
        g_assert_cmpint(ok.csum, ==, csum);
        g_assert_cmpint(ok.tso4, ==, csum && f.gso_tcpv4);
        g_assert_cmpint(ok.tso6, ==,
                        csum && f.gso_tcpv6 && f.ipv6_csum_offload);

        for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
            size_t l4_off = NETIF_ETH_HLEN + (kinds[k].ip == 4 ? 20 : 40);
            size_t len = fake_build_frame(frame, sizeof(frame), kinds[k].ip,
                                          kinds[k].l4, false, 3000, true);
            NetifVnetHdr vh = {
                .flags = NETIF_VNET_HDR_F_NEEDS_CSUM,
                .gso_type = kinds[k].gso_type, .gso_size = 1448,
                .csum_start = l4_off,
                .csum_offset = kinds[k].l4 == NETIF_IPPROTO_TCP ? 16 : 6,
            };
            bool offered = kinds[k].gso_type == NETIF_VNET_HDR_GSO_TCPV4 ?
                           ok.tso4 :
                           kinds[k].gso_type == NETIF_VNET_HDR_GSO_TCPV6 ?
                           ok.tso6 : false;
            struct netif_extra_info gso;
            NetifCause cause = NETIF_CAUSE_NONE;
            uint16_t flags;
            bool passed;

            passed = netif_hdr_to_netif(&vh, frame, len, &f, &flags, &gso,
                                        &cause);
            g_assert_cmpint(passed, ==, offered);
            if (!passed) {
                g_assert_cmpint(cause, ==, NETIF_CAUSE_RX_GSO);
            }

            /* A partial checksum alone always passes, blank or finished. */
            vh.gso_type = NETIF_VNET_HDR_GSO_NONE;
            vh.gso_size = 0;
            g_assert_true(netif_hdr_to_netif(&vh, frame, len, &f, &flags,
                                             &gso, &cause));
            g_assert_cmpint(!!(flags & NETRXF_csum_blank), <=, ok.csum);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netif/hdr/csum", test_csum);
    g_test_add_func("/netif/hdr/parse", test_parse);
    g_test_add_func("/netif/hdr/parse-ipv6-ext", test_parse_ipv6_ext);
    g_test_add_func("/netif/hdr/tx-flags", test_tx_flags);
    g_test_add_func("/netif/hdr/rx-offloads", test_rx_offloads);
    return g_test_run();
}
