/*
 * libFuzzer target: the header parser and the netif <-> virtio-net header
 * translation, both directions, on arbitrary bytes.
 *
 * Input (see gen-corpus.py):
 *   byte 0      frontend features: bit 0 sg, 1 gso_tcpv4, 2 gso_tcpv6,
 *               3 ipv6_csum_offload, 4 no_csum_offload; bits 5/6 GSO
 *               TCPv4/v6 offered for TX; bit 7 pass the GSO extra
 *   byte 1      NETTXF_* flags
 *   bytes 2-13  virtio_net_hdr (host endian)
 *   bytes 14-21 netif_extra_info (GSO)
 *   rest        the frame
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"
#include "hdr.h"

static void check_parse(const uint8_t *pkt, size_t len)
{
    uint8_t *copy = g_memdup2(pkt, len);
    NetifPktInfo info;

    if (netif_parse_headers(copy, len, &info)) {
        g_assert(info.l3_proto == NETIF_ETH_P_IP ||
                 info.l3_proto == NETIF_ETH_P_IPV6);
        g_assert(info.l4_proto == NETIF_IPPROTO_TCP ||
                 info.l4_proto == NETIF_IPPROTO_UDP);
        g_assert_cmpuint(info.l4_off + info.l4_hdr_len, <=, len);
        g_assert_false(info.fragment);
    }
    g_free(copy);
}

static void check_tx(const uint8_t *data, const uint8_t *pkt, size_t len)
{
    size_t hdr_len = MIN(len, NETIF_TX_HDR_COPY);
    uint8_t *hdr = g_memdup2(pkt, hdr_len);
    struct netif_extra_info gso;
    NetifCause cause;
    NetifVnetHdr vh;
    bool use_gso;

    memcpy(&gso, data + 14, sizeof(gso));
    /* tx.c rejects these before translating */
    use_gso = (data[0] & 0x80) && gso.u.gso.size &&
              (gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ||
               gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6);

    if (netif_hdr_from_netif(hdr, hdr_len, len, data[1],
                             use_gso ? &gso : NULL, data[0] & 0x20,
                             data[0] & 0x40, &vh, &cause)) {
        if (vh.flags & NETIF_VNET_HDR_F_NEEDS_CSUM) {
            g_assert_cmpuint(vh.csum_start + vh.csum_offset + 2, <=,
                             hdr_len);
        }
        if (vh.gso_type) {
            g_assert(use_gso);
            g_assert(vh.flags & NETIF_VNET_HDR_F_NEEDS_CSUM);
            g_assert_cmpuint(vh.hdr_len, <=, len);
            g_assert_cmpuint(vh.gso_size, ==, gso.u.gso.size);
        }
    } else {
        g_assert(cause == NETIF_CAUSE_TX_CSUM || cause == NETIF_CAUSE_TX_GSO);
    }
    g_free(hdr);
}

static void check_rx(const uint8_t *data, const uint8_t *pkt, size_t len)
{
    NetifFeatures feat = {
        .sg = data[0] & 1, .gso_tcpv4 = data[0] & 2,
        .gso_tcpv6 = data[0] & 4, .ipv6_csum_offload = data[0] & 8,
        .no_csum_offload = data[0] & 16,
    };
    uint8_t *copy = g_memdup2(pkt, len);
    struct netif_extra_info gso;
    uint16_t rx_flags;
    NetifCause cause;
    NetifVnetHdr vh;

    memcpy(&vh, data + 2, sizeof(vh));
    if (netif_hdr_to_netif(&vh, copy, len, &feat, &rx_flags, &gso,
                           &cause)) {
        if (rx_flags & NETRXF_csum_blank) {
            g_assert_false(feat.no_csum_offload);
            g_assert(vh.flags & NETIF_VNET_HDR_F_NEEDS_CSUM);
        }
        if (gso.type) {
            g_assert(rx_flags & NETRXF_csum_blank);
            g_assert(gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
                     feat.gso_tcpv4 : feat.gso_tcpv6);
        } else if ((vh.flags & NETIF_VNET_HDR_F_NEEDS_CSUM) &&
                   !(rx_flags & NETRXF_csum_blank)) {
            /*
             * Completed in software: it must verify (an odd csum_offset
             * gives garbage, as it would in the kernel).
             */
            size_t start = vh.csum_start, off = start + vh.csum_offset;
            uint32_t field = pkt[off] << 8 | pkt[off + 1];

            if (!(vh.csum_offset & 1)) {
                g_assert_cmpuint(netif_csum_fold(netif_csum_add(field,
                                 copy + start, len - start)), ==, 0xffff);
            }
        } else {
            g_assert_cmpmem(copy, len, pkt, len);
        }
    } else {
        g_assert(netif_cause_is_rx(cause));
        g_assert(netif_cause_kind(cause) == NETIF_CAUSE_KIND_DROP);
    }
    g_free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *pkt;
    size_t len;

    if (size < 22) {
        return 0;
    }
    /* A private heap copy, so ASan sees any read past the frame. */
    len = size - 22;
    pkt = g_memdup2(data + 22, len);

    check_parse(pkt, len);
    check_tx(data, pkt, len);
    check_rx(data, pkt, len);

    g_free(pkt);
    return 0;
}
