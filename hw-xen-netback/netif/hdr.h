/*
 * qnetback netif engine: header translation between netif (flags, GSO
 * extra-info) and the virtio-net header, and the bounded packet header
 * parser both directions need.
 *
 * Everything here works on private memory: callers pass copies, never
 * guest-shared pages, so the parsed headers cannot change under us.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_HDR_H
#define NETIF_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netif-proto.h"
#include "stats.h"
#include "netif.h"

/* Bytes of a TX packet copied aside to parse its headers. */
#define NETIF_TX_HDR_COPY       256

typedef struct NetifPktInfo {
    uint16_t l3_proto;          /* NETIF_ETH_P_IP or _IPV6; 0 if neither */
    uint32_t l3_off;
    uint32_t l4_off;            /* valid when l4_proto is */
    uint32_t l4_hdr_len;        /* TCP or UDP header, 0 if not complete */
    uint8_t l4_proto;
    bool fragment;              /* part of a fragmented IP datagram */
} NetifPktInfo;

/*
 * Parse Ethernet (up to two VLAN tags), IPv4 or IPv6 (with extension
 * headers) and TCP or UDP headers within @buf[0..@len).  Returns true when a
 * complete TCP or UDP header of an unfragmented datagram was found; @info
 * describes as much as was parsed either way.
 */
bool netif_parse_headers(const uint8_t *buf, size_t len, NetifPktInfo *info);

/* One's complement sum of @len bytes (network order), added to @sum. */
uint32_t netif_csum_add(uint32_t sum, const uint8_t *buf, size_t len);
/* Fold to 16 bits, not inverted. */
uint16_t netif_csum_fold(uint32_t sum);

/*
 * Guest TX: build the vnet header for a packet of @pkt_len bytes whose first
 * @hdr_len bytes are in @hdr (a private copy that is written to the tap
 * instead of the guest's bytes, and that this may update).  @gso is the GSO
 * extra-info or NULL; its size and type were validated already.  False and
 * @cause set when the packet must be dropped.
 */
bool netif_hdr_from_netif(uint8_t *hdr, size_t hdr_len, size_t pkt_len,
                          uint16_t tx_flags,
                          const struct netif_extra_info *gso,
                          bool gso_tcpv4_ok, bool gso_tcpv6_ok,
                          NetifVnetHdr *vh, NetifCause *cause);

/*
 * Guest RX: translate the vnet header of the frame @pkt[0..@len) into the
 * first slot's NETRXF_* flags and a GSO extra-info (type 0 when none).
 * Completes the checksum in @pkt when the frontend cannot take it blank.
 * False and @cause set when the packet must be dropped.
 */
bool netif_hdr_to_netif(const NetifVnetHdr *vh, uint8_t *pkt, size_t len,
                        const NetifFeatures *features, uint16_t *rx_flags,
                        struct netif_extra_info *gso, NetifCause *cause);

#endif /* NETIF_HDR_H */
