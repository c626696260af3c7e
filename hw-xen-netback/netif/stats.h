/*
 * qnetback netif engine: per-queue counters.
 *
 * "tx" is what the guest transmitted (guest -> tap), "rx" what it received
 * (tap -> guest).  Every counter is written only by the queue's own thread,
 * with relaxed atomic stores; other threads read them with relaxed atomic
 * loads (netif_queue_get_stats() does that) and sum across queues.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_STATS_H
#define NETIF_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct NetifDirStats {
    uint64_t events;            /* event channel notifications taken */
    uint64_t polls;             /* poll handler runs */
    uint64_t packets;           /* packets delivered (tap or guest) */
    uint64_t slots;             /* ring requests consumed */
    uint64_t bytes;             /* payload bytes delivered */
    uint64_t batches;           /* response pushes */
    uint64_t notifications;     /* event channel kicks sent */
    uint64_t map_ops;           /* grants mapped */
    uint64_t map_calls;
    uint64_t unmap_ops;         /* grants unmapped */
    uint64_t unmap_calls;
    uint64_t copy_segs;         /* grant copy segments */
    uint64_t copy_calls;
    uint64_t static_hits;       /* reserved for static grants */
    uint64_t static_misses;
    uint64_t drops;             /* sum of this direction's drop causes */
    uint64_t errors;            /* sum of this direction's error causes */
} NetifDirStats;

/*
 * Why a packet was dropped or a queue stopped.  Keep in step with the table
 * in stats.c.
 */
typedef enum NetifCause {
    /* guest TX, packet answered with NETIF_RSP_ERROR */
    NETIF_CAUSE_TX_RUNT,            /* shorter than an Ethernet header */
    NETIF_CAUSE_TX_TOO_MANY_SLOTS,  /* above the legacy 18 fragments */
    NETIF_CAUSE_TX_SIZE_MISMATCH,   /* fragments larger than the packet */
    NETIF_CAUSE_TX_GRANT,           /* grant map or copy failed */
    NETIF_CAUSE_TX_CSUM,            /* csum_blank on headers we can't parse */
    NETIF_CAUSE_TX_GSO,             /* GSO type not offered or not matching */
    /* guest TX, packet answered with NETIF_RSP_DROPPED */
    NETIF_CAUSE_TX_TAP,             /* tap write failed */
    /* guest TX, fatal: the queue is disabled */
    NETIF_CAUSE_TX_FATAL_RING,      /* req_prod ran past the ring */
    NETIF_CAUSE_TX_FATAL_MISSING,   /* packet runs past the produced slots */
    NETIF_CAUSE_TX_FATAL_SLOTS,     /* malicious number of slots */
    NETIF_CAUSE_TX_FATAL_PAGE,      /* offset + size crosses the page */
    NETIF_CAUSE_TX_FATAL_EXTRA,     /* invalid extra-info type */
    NETIF_CAUSE_TX_FATAL_GSO,       /* GSO size 0 or unknown GSO type */
    /* guest RX, packet dropped */
    NETIF_CAUSE_RX_RUNT,            /* tap gave less than a header */
    NETIF_CAUSE_RX_TOO_BIG,         /* more slots than the frontend takes */
    NETIF_CAUSE_RX_GSO,             /* GSO the frontend did not negotiate */
    NETIF_CAUSE_RX_HDR,             /* inconsistent vnet header */
    NETIF_CAUSE_RX_STALL,           /* no RX buffers posted in time */
    NETIF_CAUSE_RX_TAP,             /* tap read failed */
    /* guest RX, answered with NETIF_RSP_ERROR */
    NETIF_CAUSE_RX_GRANT,           /* grant copy failed */
    /* guest RX, fatal */
    NETIF_CAUSE_RX_FATAL_RING,      /* req_prod ran past the ring */
    NETIF_CAUSE__MAX
} NetifCause;

typedef enum NetifCauseKind {
    NETIF_CAUSE_KIND_DROP,          /* the backend could not deliver */
    NETIF_CAUSE_KIND_ERROR,         /* the guest sent something invalid */
    NETIF_CAUSE_KIND_FATAL,         /* and the queue was stopped for it */
} NetifCauseKind;

typedef struct NetifStats {
    NetifDirStats tx;
    NetifDirStats rx;
    uint64_t cause[NETIF_CAUSE__MAX];
} NetifStats;

/*
 * The direction counters by name, e.g. "tx_map_calls"; the causes are named
 * by netif_cause_name() and counted in NetifStats.cause[].
 */
typedef struct NetifStatField {
    const char *name;
    size_t offset;              /* into NetifStats */
} NetifStatField;

extern const NetifStatField netif_stat_fields[];
extern const size_t netif_stat_nr_fields;

/* e.g. "tx_runt"; NULL for an out-of-range cause. */
const char *netif_cause_name(NetifCause cause);
NetifCauseKind netif_cause_kind(NetifCause cause);
/* True for a guest-RX cause. */
bool netif_cause_is_rx(NetifCause cause);

/* Read a counter of a snapshot through its table entry. */
static inline uint64_t netif_stat_value(const NetifStats *s,
                                        const NetifStatField *f)
{
    return *(const uint64_t *)((const char *)s + f->offset);
}

#endif /* NETIF_STATS_H */
