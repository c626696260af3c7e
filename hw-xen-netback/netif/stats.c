/*
 * qnetback netif engine: counter and cause names, from stats.h's lists.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>

#include "stats.h"

static const struct {
    const char *name;
    NetifCauseKind kind;
} netif_causes[NETIF_CAUSE__MAX] = {
#define NETIF_CAUSE_ENTRY(NAME, name, KIND) \
    [NETIF_CAUSE_##NAME] = { #name, NETIF_CAUSE_KIND_##KIND },
    NETIF_CAUSES(NETIF_CAUSE_ENTRY)
#undef NETIF_CAUSE_ENTRY
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

const NetifStatField netif_stat_fields[] = {
#define NETIF_STAT_FIELD(name) \
    { "tx_" #name, offsetof(NetifStats, tx.name) },
    NETIF_DIR_COUNTERS(NETIF_STAT_FIELD)
#undef NETIF_STAT_FIELD
#define NETIF_STAT_FIELD(name) \
    { "rx_" #name, offsetof(NetifStats, rx.name) },
    NETIF_DIR_COUNTERS(NETIF_STAT_FIELD)
#undef NETIF_STAT_FIELD
};

const size_t netif_stat_nr_fields = G_N_ELEMENTS(netif_stat_fields);

G_STATIC_ASSERT(G_N_ELEMENTS(netif_stat_fields) ==
                2 * sizeof(NetifDirStats) / sizeof(uint64_t));
