/*
 * qnetback netif engine: per-queue counters and drop causes, each defined
 * once here as an X-macro list that drives the struct, the names and the
 * QMP reply.
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

/*
 * The counters of one direction: X(name).  Adding one here adds it to
 * NetifDirStats, to netif_stat_fields[] ("tx_" and "rx_" names) and to the
 * QMP reply, whose XenNetbackDirStats must list a member of the same name.
 */
#define NETIF_DIR_COUNTERS(X)                                           \
    X(events)           /* event channel notifications taken */        \
    X(spurious)         /* of which found nothing to do (XSA-332) */    \
    X(polls)            /* poll handler runs */                         \
    X(packets)          /* packets delivered (tap or guest) */          \
    X(slots)            /* ring requests consumed */                    \
    X(bytes)            /* payload bytes delivered */                   \
    X(batches)          /* response pushes */                           \
    X(notifications)    /* event channel kicks sent */                  \
    X(map_ops)          /* grants mapped */                             \
    X(map_calls)        /* map calls that carried them */               \
    X(unmap_ops)        /* grants unmapped */                           \
    X(unmap_calls)                                                      \
    X(copy_segs)        /* grant copy segments */                       \
    X(copy_calls)                                                       \
    X(static_hits)      /* slots a static grant served, no grant op */ \
    X(static_misses)    /* slots that needed one, static grants on */  \
    X(drops)            /* sum of this direction's drop causes */       \
    X(errors)           /* sum of this direction's error causes */

typedef struct NetifDirStats {
#define NETIF_DIR_FIELD(name) uint64_t name;
    NETIF_DIR_COUNTERS(NETIF_DIR_FIELD)
#undef NETIF_DIR_FIELD
} NetifDirStats;

typedef enum NetifCauseKind {
    NETIF_CAUSE_KIND_DROP,          /* the backend could not deliver */
    NETIF_CAUSE_KIND_ERROR,         /* the guest sent something invalid */
    NETIF_CAUSE_KIND_FATAL,         /* and the queue was stopped for it */
} NetifCauseKind;

/*
 * Why a packet was dropped or a queue stopped: X(NAME, name, KIND).  Guest
 * TX causes come first (netif_cause_is_rx() relies on it).  TX errors are
 * answered with NETIF_RSP_ERROR, TX drops with NETIF_RSP_DROPPED, RX errors
 * with NETIF_RSP_ERROR; a fatal cause disables the queue.
 */
#define NETIF_CAUSES(X)                                                 \
    /* shorter than an Ethernet header */                               \
    X(TX_RUNT, tx_runt, ERROR)                                          \
    /* above the legacy 18 fragments */                                 \
    X(TX_TOO_MANY_SLOTS, tx_too_many_slots, ERROR)                      \
    /* fragments larger than the packet */                              \
    X(TX_SIZE_MISMATCH, tx_size_mismatch, ERROR)                        \
    /* grant map or copy failed */                                      \
    X(TX_GRANT, tx_grant, ERROR)                                        \
    /* csum_blank on headers we can't parse */                          \
    X(TX_CSUM, tx_csum, ERROR)                                          \
    /* GSO type not offered or not matching the headers */              \
    X(TX_GSO, tx_gso, ERROR)                                            \
    /* tap write failed */                                              \
    X(TX_TAP, tx_tap, DROP)                                             \
    /* left unanswered by a backend that died */                        \
    X(TX_RESTART, tx_restart, DROP)                                     \
    /* req_prod ran past the ring */                                    \
    X(TX_FATAL_RING, tx_fatal_ring, FATAL)                              \
    /* packet runs past the produced slots */                           \
    X(TX_FATAL_MISSING, tx_fatal_missing, FATAL)                        \
    /* malicious number of slots */                                     \
    X(TX_FATAL_SLOTS, tx_fatal_slots, FATAL)                            \
    /* offset + size crosses the page */                                \
    X(TX_FATAL_PAGE, tx_fatal_page, FATAL)                              \
    /* invalid extra-info type */                                       \
    X(TX_FATAL_EXTRA, tx_fatal_extra, FATAL)                            \
    /* GSO size 0 or unknown GSO type */                                \
    X(TX_FATAL_GSO, tx_fatal_gso, FATAL)                                \
    /* tap gave less than a header */                                   \
    X(RX_RUNT, rx_runt, DROP)                                           \
    /* more slots than the frontend takes */                            \
    X(RX_TOO_BIG, rx_too_big, DROP)                                     \
    /* GSO the frontend did not negotiate */                            \
    X(RX_GSO, rx_gso, DROP)                                             \
    /* inconsistent vnet header */                                      \
    X(RX_HDR, rx_hdr, DROP)                                             \
    /* no RX buffers posted in time */                                  \
    X(RX_STALL, rx_stall, DROP)                                         \
    /* tap read failed */                                               \
    X(RX_TAP, rx_tap, DROP)                                             \
    /* grant copy failed */                                             \
    X(RX_GRANT, rx_grant, ERROR)                                        \
    /* buffer left unanswered by a backend that died, returned empty */ \
    X(RX_RESTART, rx_restart, DROP)                                     \
    /* req_prod ran past the ring */                                    \
    X(RX_FATAL_RING, rx_fatal_ring, FATAL)

typedef enum NetifCause {
    NETIF_CAUSE_NONE = -1,          /* nothing wrong (yet) */
#define NETIF_CAUSE_ENUM(NAME, name, kind) NETIF_CAUSE_##NAME,
    NETIF_CAUSES(NETIF_CAUSE_ENUM)
#undef NETIF_CAUSE_ENUM
    NETIF_CAUSE__MAX
} NetifCause;

typedef struct NetifStats {
    NetifDirStats tx;
    NetifDirStats rx;
    uint64_t static_grants;     /* static grants mapped now */
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
