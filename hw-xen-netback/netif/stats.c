/*
 * qnetback netif engine: counter and cause names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>

#include "stats.h"

static const struct {
    const char *name;
    NetifCauseKind kind;
} netif_causes[NETIF_CAUSE__MAX] = {
    [NETIF_CAUSE_TX_RUNT] = { "tx_runt", NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_TOO_MANY_SLOTS] = { "tx_too_many_slots",
                                        NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_SIZE_MISMATCH] = { "tx_size_mismatch",
                                       NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_GRANT] = { "tx_grant", NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_CSUM] = { "tx_csum", NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_GSO] = { "tx_gso", NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_TX_TAP] = { "tx_tap", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_TX_FATAL_RING] = { "tx_fatal_ring", NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_TX_FATAL_MISSING] = { "tx_fatal_missing",
                                       NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_TX_FATAL_SLOTS] = { "tx_fatal_slots",
                                     NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_TX_FATAL_PAGE] = { "tx_fatal_page", NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_TX_FATAL_EXTRA] = { "tx_fatal_extra",
                                     NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_TX_FATAL_GSO] = { "tx_fatal_gso", NETIF_CAUSE_KIND_FATAL },
    [NETIF_CAUSE_RX_RUNT] = { "rx_runt", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_TOO_BIG] = { "rx_too_big", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_GSO] = { "rx_gso", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_HDR] = { "rx_hdr", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_STALL] = { "rx_stall", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_TAP] = { "rx_tap", NETIF_CAUSE_KIND_DROP },
    [NETIF_CAUSE_RX_GRANT] = { "rx_grant", NETIF_CAUSE_KIND_ERROR },
    [NETIF_CAUSE_RX_FATAL_RING] = { "rx_fatal_ring", NETIF_CAUSE_KIND_FATAL },
};

const char *netif_cause_name(NetifCause cause)
{
    if ((unsigned int)cause >= NETIF_CAUSE__MAX) {
        return NULL;
    }
    return netif_causes[cause].name;
}

NetifCauseKind netif_cause_kind(NetifCause cause)
{
    g_assert((unsigned int)cause < NETIF_CAUSE__MAX);
    return netif_causes[cause].kind;
}

bool netif_cause_is_rx(NetifCause cause)
{
    return cause >= NETIF_CAUSE_RX_RUNT;
}

#define DIR_FIELDS(dir)                                                 \
    { #dir "_events", offsetof(NetifStats, dir.events) },               \
    { #dir "_polls", offsetof(NetifStats, dir.polls) },                 \
    { #dir "_packets", offsetof(NetifStats, dir.packets) },             \
    { #dir "_slots", offsetof(NetifStats, dir.slots) },                 \
    { #dir "_bytes", offsetof(NetifStats, dir.bytes) },                 \
    { #dir "_batches", offsetof(NetifStats, dir.batches) },             \
    { #dir "_notifications", offsetof(NetifStats, dir.notifications) }, \
    { #dir "_map_ops", offsetof(NetifStats, dir.map_ops) },             \
    { #dir "_map_calls", offsetof(NetifStats, dir.map_calls) },         \
    { #dir "_unmap_ops", offsetof(NetifStats, dir.unmap_ops) },         \
    { #dir "_unmap_calls", offsetof(NetifStats, dir.unmap_calls) },     \
    { #dir "_copy_segs", offsetof(NetifStats, dir.copy_segs) },         \
    { #dir "_copy_calls", offsetof(NetifStats, dir.copy_calls) },       \
    { #dir "_static_hits", offsetof(NetifStats, dir.static_hits) },     \
    { #dir "_static_misses", offsetof(NetifStats, dir.static_misses) }, \
    { #dir "_drops", offsetof(NetifStats, dir.drops) },                 \
    { #dir "_errors", offsetof(NetifStats, dir.errors) }

const NetifStatField netif_stat_fields[] = {
    DIR_FIELDS(tx),
    DIR_FIELDS(rx),
};

const size_t netif_stat_nr_fields = G_N_ELEMENTS(netif_stat_fields);

G_STATIC_ASSERT(G_N_ELEMENTS(netif_stat_fields) ==
                2 * sizeof(NetifDirStats) / sizeof(uint64_t));
