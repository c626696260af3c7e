/*
 * qnetback netif engine: the Xen netif wire protocol and the virtio-net
 * header, behind one header.
 *
 * This is the only place that includes Xen's public headers.  In QEMU,
 * hw/xen/xen.h and xen_backend_ops.h may already have defined
 * __XEN_INTERFACE_VERSION__ and the xen_*mb() barriers (as smp_mb() etc.);
 * natively nothing has, so provide both here.  Include this after any QEMU
 * header.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_PROTO_H
#define NETIF_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Without a version, xen-compat.h picks the legacy interface, whose ring.h
 * maps xen_mb() to an undefined mb().  Use QEMU's choice so both builds see
 * the same API.
 */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif

#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <xen/grant_table.h>
#include <xen/io/netif.h>

#define NETIF_PAGE_SIZE         4096u

/* Entries of a ring that fits in one page: 256 for both TX and RX. */
#define NETIF_TX_RING_SIZE      __CONST_RING_SIZE(netif_tx, NETIF_PAGE_SIZE)
#define NETIF_RX_RING_SIZE      __CONST_RING_SIZE(netif_rx, NETIF_PAGE_SIZE)

/*
 * Slot limits for one guest-transmitted packet, counted in slots after the
 * first, as Linux netback does: more than XEN_NETIF_NR_SLOTS_MIN is dropped,
 * more than NETIF_TX_FATAL_FRAGS is a malicious frontend.
 */
#define NETIF_TX_LEGACY_FRAGS   XEN_NETIF_NR_SLOTS_MIN
#define NETIF_TX_FATAL_FRAGS    20
#define NETIF_TX_MAX_SLOTS      (NETIF_TX_FATAL_FRAGS + 1)

/* Linux netfront accepts at most this many data slots for one packet. */
#define NETIF_RX_MAX_SLOTS      XEN_NETIF_NR_SLOTS_MIN

#define NETIF_ETH_HLEN          14
#define NETIF_ETH_P_IP          0x0800
#define NETIF_ETH_P_IPV6        0x86dd
#define NETIF_ETH_P_8021Q       0x8100
#define NETIF_ETH_P_8021AD      0x88a8
#define NETIF_IPPROTO_TCP       6
#define NETIF_IPPROTO_UDP       17

/*
 * struct virtio_net_hdr (and its _mrg_rxbuf variant, 12 bytes, with
 * num_buffers), as the tap device reads and writes it: host endian, which
 * is little endian on every host Xen runs QEMU on.
 */
typedef struct NetifVnetHdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
} NetifVnetHdr;

#define NETIF_VNET_HDR_LEN              10
#define NETIF_VNET_HDR_MRG_LEN          12

#define NETIF_VNET_HDR_F_NEEDS_CSUM     1
#define NETIF_VNET_HDR_F_DATA_VALID     2

#define NETIF_VNET_HDR_GSO_NONE         0
#define NETIF_VNET_HDR_GSO_TCPV4        1
#define NETIF_VNET_HDR_GSO_UDP          3
#define NETIF_VNET_HDR_GSO_TCPV6        4
#define NETIF_VNET_HDR_GSO_ECN          0x80

#endif /* NETIF_PROTO_H */
