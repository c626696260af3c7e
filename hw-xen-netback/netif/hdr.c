/*
 * qnetback netif engine: netif <-> virtio-net header translation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "hdr.h"

/* IPv6 extension headers we step over before giving up. */
#define NETIF_IPV6_MAX_EXT      8

#define NETIF_IPPROTO_HOPOPTS   0
#define NETIF_IPPROTO_ROUTING   43
#define NETIF_IPPROTO_FRAGMENT  44
#define NETIF_IPPROTO_AH        51
#define NETIF_IPPROTO_DSTOPTS   60

#define NETIF_TCP_CSUM_OFF      16
#define NETIF_UDP_CSUM_OFF      6

static inline uint16_t ld_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void st_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

uint32_t netif_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
    uint64_t acc = sum;
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        acc += ld_be16(buf + i);
    }
    if (len & 1) {
        acc += (uint32_t)buf[len - 1] << 8;
    }
    while (acc >> 32) {
        acc = (acc & 0xffffffff) + (acc >> 32);
    }
    return acc;
}

uint16_t netif_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static bool parse_ipv6(const uint8_t *buf, size_t len, size_t off,
                       NetifPktInfo *info)
{
    uint8_t nh;
    int i;

    if (len - off < 40 || buf[off] >> 4 != 6) {
        return false;
    }
    info->l3_proto = NETIF_ETH_P_IPV6;
    nh = buf[off + 6];
    off += 40;

    for (i = 0; i < NETIF_IPV6_MAX_EXT; i++) {
        size_t hlen;

        switch (nh) {
        case NETIF_IPPROTO_HOPOPTS:
        case NETIF_IPPROTO_ROUTING:
        case NETIF_IPPROTO_DSTOPTS:
            if (len - off < 8) {
                return false;
            }
            hlen = (buf[off + 1] + 1) * 8;
            break;
        case NETIF_IPPROTO_AH:
            if (len - off < 8) {
                return false;
            }
            hlen = (buf[off + 1] + 2) * 4;
            break;
        case NETIF_IPPROTO_FRAGMENT:
            if (len - off < 8) {
                return false;
            }
            /* Offset or M flag: the L4 header is not (all) here. */
            if (ld_be16(buf + off + 2) & 0xfff9) {
                info->fragment = true;
            }
            hlen = 8;
            break;
        default:
            info->l4_proto = nh;
            info->l4_off = off;
            return true;
        }
        if (len - off < hlen) {
            return false;
        }
        nh = buf[off];
        off += hlen;
    }
    return false;
}

bool netif_parse_headers(const uint8_t *buf, size_t len, NetifPktInfo *info)
{
    size_t off = NETIF_ETH_HLEN;
    uint16_t proto;
    int i;

    memset(info, 0, sizeof(*info));
    if (len < NETIF_ETH_HLEN) {
        return false;
    }
    proto = ld_be16(buf + 12);
    for (i = 0; i < 2 && (proto == NETIF_ETH_P_8021Q ||
                          proto == NETIF_ETH_P_8021AD); i++) {
        if (len - off < 4) {
            return false;
        }
        proto = ld_be16(buf + off + 2);
        off += 4;
    }
    info->l3_off = off;

    if (proto == NETIF_ETH_P_IP) {
        size_t ihl;

        if (len - off < 20 || buf[off] >> 4 != 4) {
            return false;
        }
        ihl = (buf[off] & 0xf) * 4;
        if (ihl < 20 || len - off < ihl) {
            return false;
        }
        info->l3_proto = NETIF_ETH_P_IP;
        /* MF or a fragment offset */
        info->fragment = ld_be16(buf + off + 6) & 0x3fff;
        info->l4_proto = buf[off + 9];
        info->l4_off = off + ihl;
    } else if (proto == NETIF_ETH_P_IPV6) {
        if (!parse_ipv6(buf, len, off, info)) {
            return false;
        }
    } else {
        return false;
    }

    off = info->l4_off;
    if (info->l4_proto == NETIF_IPPROTO_TCP) {
        size_t doff;

        if (len - off < 20) {
            return false;
        }
        doff = (buf[off + 12] >> 4) * 4;
        if (doff < 20 || len - off < doff) {
            return false;
        }
        info->l4_hdr_len = doff;
    } else if (info->l4_proto == NETIF_IPPROTO_UDP) {
        if (len - off < 8) {
            return false;
        }
        info->l4_hdr_len = 8;
    } else {
        return false;
    }
    return !info->fragment;
}

/*
 * The pseudo-header sum a CHECKSUM_PARTIAL packet carries in its checksum
 * field (folded, not inverted).
 */
static uint16_t pseudo_hdr_csum(const uint8_t *hdr, const NetifPktInfo *info,
                                size_t pkt_len)
{
    uint32_t l4_len = pkt_len - info->l4_off;
    uint32_t sum;

    if (info->l3_proto == NETIF_ETH_P_IP) {
        sum = netif_csum_add(0, hdr + info->l3_off + 12, 8);
    } else {
        sum = netif_csum_add(0, hdr + info->l3_off + 8, 32);
    }
    sum += info->l4_proto;
    sum += l4_len >> 16;
    sum += l4_len & 0xffff;
    return netif_csum_fold(sum);
}

bool netif_hdr_from_netif(uint8_t *hdr, size_t hdr_len, size_t pkt_len,
                          uint16_t tx_flags,
                          const struct netif_extra_info *gso,
                          bool gso_tcpv4_ok, bool gso_tcpv6_ok,
                          NetifVnetHdr *vh, NetifCause *cause)
{
    bool need_csum = tx_flags & NETTXF_csum_blank;
    NetifPktInfo info;

    memset(vh, 0, sizeof(*vh));

    if (gso) {
        bool v4 = gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4;

        if (v4 ? !gso_tcpv4_ok : !gso_tcpv6_ok) {
            *cause = NETIF_CAUSE_TX_GSO;
            return false;
        }
        if (!netif_parse_headers(hdr, hdr_len, &info) ||
            info.l4_proto != NETIF_IPPROTO_TCP ||
            info.l3_proto != (v4 ? NETIF_ETH_P_IP : NETIF_ETH_P_IPV6)) {
            *cause = NETIF_CAUSE_TX_GSO;
            return false;
        }
        vh->gso_type = v4 ? NETIF_VNET_HDR_GSO_TCPV4 : NETIF_VNET_HDR_GSO_TCPV6;
        vh->gso_size = gso->u.gso.size;
        vh->hdr_len = info.l4_off + info.l4_hdr_len;
        if (!need_csum) {
            /*
             * Old frontends send GSO without csum_blank and a full checksum
             * the segments cannot reuse; virtio requires a partial one.
             */
            st_be16(hdr + info.l4_off + NETIF_TCP_CSUM_OFF,
                    pseudo_hdr_csum(hdr, &info, pkt_len));
            need_csum = true;
        }
    } else if (need_csum) {
        if (!netif_parse_headers(hdr, hdr_len, &info)) {
            *cause = NETIF_CAUSE_TX_CSUM;
            return false;
        }
    } else {
        if (tx_flags & NETTXF_data_validated) {
            vh->flags = NETIF_VNET_HDR_F_DATA_VALID;
        }
        return true;
    }

    vh->flags = NETIF_VNET_HDR_F_NEEDS_CSUM;
    vh->csum_start = info.l4_off;
    vh->csum_offset = info.l4_proto == NETIF_IPPROTO_TCP ?
                      NETIF_TCP_CSUM_OFF : NETIF_UDP_CSUM_OFF;
    return true;
}

/* Complete a partial checksum, as the kernel's skb_checksum_help() does. */
static void csum_complete(uint8_t *pkt, size_t len, size_t start, size_t off)
{
    uint16_t csum = ~netif_csum_fold(netif_csum_add(0, pkt + start,
                                                    len - start));

    if (csum == 0 && off == NETIF_UDP_CSUM_OFF) {
        csum = 0xffff;
    }
    st_be16(pkt + start + off, csum);
}

NetifOffloads netif_rx_offloads(const NetifFeatures *f)
{
    bool csum = !f->no_csum_offload;

    /* A TCPv6 GSO frame comes with a partial IPv6 checksum. */
    return (NetifOffloads) {
        .csum = csum,
        .tso4 = csum && f->gso_tcpv4,
        .tso6 = csum && f->gso_tcpv6 && f->ipv6_csum_offload,
    };
}

bool netif_hdr_to_netif(const NetifVnetHdr *vh, uint8_t *pkt, size_t len,
                        const NetifFeatures *features, uint16_t *rx_flags,
                        struct netif_extra_info *gso, NetifCause *cause)
{
    uint8_t gso_type = vh->gso_type & ~NETIF_VNET_HDR_GSO_ECN;
    bool need_csum = vh->flags & NETIF_VNET_HDR_F_NEEDS_CSUM;
    size_t start = vh->csum_start, off = vh->csum_offset;
    NetifPktInfo info;
    bool parsed;

    memset(gso, 0, sizeof(*gso));
    *rx_flags = 0;

    if (len < NETIF_ETH_HLEN) {
        *cause = NETIF_CAUSE_RX_RUNT;
        return false;
    }
    if (need_csum && (start >= len || len - start < off + 2)) {
        *cause = NETIF_CAUSE_RX_HDR;
        return false;
    }

    if (gso_type != NETIF_VNET_HDR_GSO_NONE) {
        bool v4 = gso_type == NETIF_VNET_HDR_GSO_TCPV4;

        if (!need_csum || !vh->gso_size) {
            *cause = NETIF_CAUSE_RX_HDR;
            return false;
        }
        NetifOffloads ok = netif_rx_offloads(features);

        if (!(v4 ? ok.tso4 : gso_type == NETIF_VNET_HDR_GSO_TCPV6 && ok.tso6)) {
            *cause = NETIF_CAUSE_RX_GSO;
            return false;
        }
        gso->type = XEN_NETIF_EXTRA_TYPE_GSO;
        gso->u.gso.type = v4 ? XEN_NETIF_GSO_TYPE_TCPV4 :
                               XEN_NETIF_GSO_TYPE_TCPV6;
        gso->u.gso.size = vh->gso_size;
        *rx_flags = NETRXF_csum_blank | NETRXF_data_validated;
        return true;
    }

    if (need_csum) {
        /*
         * Netfront finds the checksum field itself, from IPv4 (or IPv6 if
         * negotiated) TCP/UDP headers; anything else it could not finish,
         * so finish it here.
         */
        parsed = netif_parse_headers(pkt, len, &info);
        if (!features->no_csum_offload && parsed && info.l4_off == start &&
            off == (info.l4_proto == NETIF_IPPROTO_TCP ?
                    NETIF_TCP_CSUM_OFF : NETIF_UDP_CSUM_OFF) &&
            (info.l3_proto == NETIF_ETH_P_IP ||
             features->ipv6_csum_offload)) {
            *rx_flags = NETRXF_csum_blank | NETRXF_data_validated;
        } else {
            csum_complete(pkt, len, start, off);
            *rx_flags = NETRXF_data_validated;
        }
    } else if (vh->flags & NETIF_VNET_HDR_F_DATA_VALID) {
        *rx_flags = NETRXF_data_validated;
    }
    return true;
}
