/*
 * qnetback netif engine: public interface.
 *
 * The engine does all the ring and packet work of one netif queue: it
 * consumes the guest's TX requests and writes the packets to a tap queue,
 * reads packets from the tap queue into the guest's RX buffers, and
 * translates between netif flags/extra-info and the virtio-net header.  It
 * knows nothing about QEMU: grant operations, tap I/O and event channel
 * kicks go through NetifQueueOps, which the glue provides.
 *
 * Threading: a NetifQueue and every call on it belong to one thread (the
 * queue's IOThread).  The ops are called synchronously from that thread,
 * from within netif_tx_poll() and netif_rx_poll() (and netif_queue_free()
 * for unmap).  Only the statistics may be read from another thread, through
 * netif_queue_get_stats().  Nothing here sleeps except inside the ops: grant
 * operations are blocking system calls, tap I/O must be non-blocking.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_H
#define NETIF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <glib.h>

#include "netif-proto.h"
#include "stats.h"

typedef struct NetifQueue NetifQueue;

/* One grant copy segment. */
typedef struct NetifCopySeg {
    uint32_t ref;               /* frontend grant */
    uint16_t offset;            /* offset in the granted page */
    uint16_t len;
    void *local;                /* local buffer */
} NetifCopySeg;

typedef struct NetifQueueOps {
    /*
     * Map @nr grants of the frontend into one contiguous area (page i at
     * base + i * NETIF_PAGE_SIZE) in one batched call.  NULL on failure, in
     * which case nothing is mapped.
     */
    void *(*map)(void *opaque, const uint32_t *refs, unsigned int nr,
                 bool writable);
    /* Unmap, in one call, an area that map returned. */
    int (*unmap)(void *opaque, void *addr, const uint32_t *refs,
                 unsigned int nr);
    /*
     * One batched grant copy; @to_guest copies local -> foreign.  0 on
     * success, -1 if any segment failed (the engine then retries packet by
     * packet to find the offender).
     */
    int (*copy)(void *opaque, bool to_guest, const NetifCopySeg *segs,
                unsigned int nr);
    /*
     * Non-blocking tap queue I/O.  The first iovec of a write is the vnet
     * header (vnet_hdr_len bytes); a read returns vnet header + frame.
     * Return bytes transferred, -EAGAIN when full/empty, else -errno.
     */
    ssize_t (*tap_writev)(void *opaque, const struct iovec *iov, int iovcnt);
    ssize_t (*tap_readv)(void *opaque, const struct iovec *iov, int iovcnt);
    /* Kick the frontend on the RX or TX event channel. */
    void (*notify)(void *opaque, bool rx);
    /*
     * The frontend did something only a broken or malicious frontend does.
     * The queue is already disabled and will not touch the rings again; the
     * glue should stop the vif and write @msg to xenstore "error";
     * @cause (a fatal kind) says which rule was broken.  @msg is only
     * valid during the call.
     */
    void (*fatal)(void *opaque, NetifCause cause, const char *msg);
    /*
     * The guest stopped taking frames (@stalled: it posted no receive
     * request for rx_stall_us) or takes them again.  While stalled, the
     * engine drops every frame it has no room for at once; the glue should
     * turn the vif's carrier off, so the host stops queueing to it.
     */
    void (*rx_stall)(void *opaque, bool stalled);
} NetifQueueOps;

typedef enum NetifGrantMode {
    NETIF_GRANT_MAP,            /* TX: map + writev from guest pages */
    NETIF_GRANT_COPY,           /* TX: copy into queue buffers */
} NetifGrantMode;

/*
 * What the frontend wrote in xenstore: X(field, "xenstore-key").  The
 * control plane reads each key into the field; QMP reports the keys set.
 */
#define NETIF_FEATURES(X)                                               \
    X(sg, "feature-sg")                                                 \
    X(gso_tcpv4, "feature-gso-tcpv4")                                   \
    X(gso_tcpv6, "feature-gso-tcpv6")                                   \
    X(ipv6_csum_offload, "feature-ipv6-csum-offload")                   \
    X(no_csum_offload, "feature-no-csum-offload")                       \
    X(rx_notify, "feature-rx-notify")

typedef struct NetifFeatures {
#define NETIF_FEATURE_FIELD(field, key) bool field;
    NETIF_FEATURES(NETIF_FEATURE_FIELD)
#undef NETIF_FEATURE_FIELD
} NetifFeatures;

/*
 * The offloads a tap may use for the frames it hands this frontend's RX
 * path: exactly those the path passes on, since it drops the others.
 */
typedef struct NetifOffloads {
    bool csum;                  /* partial checksums */
    bool tso4;
    bool tso6;
} NetifOffloads;

NetifOffloads netif_rx_offloads(const NetifFeatures *f);

typedef struct NetifConfig {
    /* Shared rings, one page each, mapped by the glue for the queue's life. */
    netif_tx_sring_t *tx_sring;
    netif_rx_sring_t *rx_sring;
    NetifFeatures features;
    /* GSO the backend advertised, i.e. what the guest may transmit. */
    bool tx_gso_tcpv4;
    bool tx_gso_tcpv6;
    NetifGrantMode grant_mode;
    unsigned int vnet_hdr_len;  /* 10 or 12 */
    unsigned int max_batch;     /* packets per batch, 0 for the default */
    /*
     * How long a frame may wait for RX buffers before the guest counts as
     * stalled, 0 for the default.
     */
    int64_t rx_stall_us;
    /* Static grants the frontend may add to this queue; 0: none. */
    unsigned int max_static_grants;
    /*
     * The rings are live ones a backend that died was serving: the
     * requests it left unanswered are answered first, without their
     * grants (see netif_tx_resume()).
     */
    bool resume;
    const NetifQueueOps *ops;
    void *opaque;
} NetifConfig;

#define NETIF_DEFAULT_BATCH     64
#define NETIF_MAX_BATCH         NETIF_TX_RING_SIZE
/* Linux netback's rx_drain_timeout_msecs. */
#define NETIF_DEFAULT_RX_STALL_US   (10 * G_USEC_PER_SEC)

/*
 * Spurious events (XSA-332): after NETIF_SPURIOUS_THRESHOLD events in a
 * row that found nothing to do, the glue re-enables the event channel only
 * after a delay that doubles from NETIF_SPURIOUS_DELAY_MIN_US up to
 * NETIF_SPURIOUS_DELAY_MAX_US, like Linux's late EOI.
 */
#define NETIF_SPURIOUS_THRESHOLD        1
#define NETIF_SPURIOUS_DELAY_MIN_US     1000
#define NETIF_SPURIOUS_DELAY_MAX_US     G_USEC_PER_SEC

/*
 * Create a queue over connected rings: fresh ones (the frontend has run
 * SHARED_RING_INIT) or live ones a previous backend served; the engine
 * starts its private indices at each ring's published rsp_prod.
 * Returns NULL and sets @errp on an invalid configuration.
 */
NetifQueue *netif_queue_new(const NetifConfig *cfg, GError **errp);

/*
 * Release the queue.  Unmaps any grant still held for packets a blocked tap
 * kept pending, never touches the rings: call it before unmapping them.
 */
void netif_queue_free(NetifQueue *q);

/*
 * Account an event channel notification for @tx and/or @rx (one port may
 * serve both), before the polls it triggers.  It is spurious when it finds
 * nothing to do and the queue made no progress since the previous event:
 * returns how long, in microseconds, the glue should leave the event
 * channel masked after the polls (0: unmask at once).
 */
int64_t netif_queue_event(NetifQueue *q, bool tx, bool rx);

/* Relaxed snapshot of the counters; safe from any thread. */
void netif_queue_get_stats(const NetifQueue *q, NetifStats *out);

/*
 * What a poll leaves the glue to wait for before the next one.  Each
 * direction's poll returns its own part: TX never sets the TAP_READ or
 * DEADLINE bits, RX never sets TAP_WRITE.
 */
typedef enum NetifWait {
    /* Nothing but the frontend's next event (req_event is armed). */
    NETIF_WAIT_EVENT = 0,
    /* The budget ran out with work left: poll again soon, e.g. from a
     * bottom half, rather than wait for an event. */
    NETIF_WAIT_MORE = 1 << 0,
    /* RX: poll when the tap is readable (the guest has buffers). */
    NETIF_WAIT_TAP_READ = 1 << 1,
    /* TX: the tap refused a write; poll when it is writable.  The rest of
     * the batch is pending, its requests unanswered. */
    NETIF_WAIT_TAP_WRITE = 1 << 2,
    /* RX: a frame waits for RX buffers; poll at netif_rx_deadline() at the
     * latest, when the engine drops what waited too long (XSA-392). */
    NETIF_WAIT_DEADLINE = 1 << 3,
    /* A fatal frontend error stopped the queue: never poll it again. */
    NETIF_WAIT_DISABLED = 1 << 4,
} NetifWait;

/*
 * Guest TX: consume up to @budget packets, in batches of max_batch, with
 * one grant map + unmap (or one copy) call and one response push per batch.
 * A tap that is full keeps the batch pending (TAP_WRITE): the TX ring is
 * not consumed until it is written.
 */
NetifWait netif_tx_poll(NetifQueue *q, unsigned int budget);

/*
 * Guest RX: read up to @budget packets from the tap and deliver them into
 * the guest's RX buffers, with one grant copy call and one response push
 * per batch.  When the guest lacks buffers for the next frame, the tap is
 * not read (no TAP_READ), the frontend is asked for an event once enough
 * are posted, and after rx_stall_us (DEADLINE) the frame is dropped and the
 * guest is stalled (ops->rx_stall): until it posts a request again, every
 * frame the tap has is read and dropped (TAP_READ).
 */
NetifWait netif_rx_poll(NetifQueue *q, unsigned int budget);

/*
 * When netif_rx_poll() must run again at the latest, in
 * g_get_monotonic_time() microseconds; 0 when no frame is waiting.
 */
int64_t netif_rx_deadline(const NetifQueue *q);

/*
 * A cheap look at the shared rings for adaptive polling: true when a poll
 * would find TX requests, or RX buffers for the frame that waits for them.
 */
bool netif_queue_has_work(const NetifQueue *q);

/*
 * Static grants (netif.h "Static Grants")
 * =======================================
 *
 * Grefs the frontend asked, over the control ring, to be kept mapped for
 * the queue's life.  The queue's table is its thread's: call these there.
 */

/* One entry of an ADD or DEL table, as the frontend wrote it. */
typedef struct xen_netif_gref NetifGref;

/* Entries in one message: a table is one page. */
#define NETIF_CTRL_MAX_GREFS    (NETIF_PAGE_SIZE / sizeof(NetifGref))
/* A bound on max_static_grants: 64 Ki pages, 256 MiB of guest memory. */
#define NETIF_MAX_STATIC_GRANTS (64 * 1024)

/* Grefs mapped now, and how many more the frontend may add. */
unsigned int netif_static_count(const NetifQueue *q);
unsigned int netif_static_room(const NetifQueue *q);

/*
 * XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING on this queue: map every entry
 * (readonly ones read-only) or none.  Refused (INVALID_PARAMETER): a count
 * of 0, above NETIF_CTRL_MAX_GREFS or the room left, unknown flags, a ref
 * twice or already added, a ref that does not map.  Returns a
 * XEN_NETIF_CTRL_STATUS_*.
 */
uint32_t netif_static_add(NetifQueue *q, const NetifGref *grefs,
                          unsigned int nr);

/*
 * XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING: unmap each entry, setting its
 * status; one never added, or used by a request not yet answered, is
 * refused (INVALID_PARAMETER).  @removed counts those unmapped.
 */
uint32_t netif_static_del(NetifQueue *q, NetifGref *grefs, unsigned int nr,
                          uint32_t *removed);

/*
 * The standing mapping of @ref, NULL if it is not a static gref (or is a
 * readonly one and @write): the data path's lookup, without grant ops.
 */
void *netif_static_page(const NetifQueue *q, uint32_t ref, bool write);

/* A request in flight uses static @ref (@hold), or no longer does. */
void netif_static_hold(NetifQueue *q, uint32_t ref, bool hold);

/*
 * The control ring (netif.h "Control ring")
 * =========================================
 *
 * One per vif.  Messages are handled one at a time, each answered in the
 * slot order of its request.  Static grant messages go to the queue they
 * name through the ops, which run them in that queue's thread; the hash
 * messages are answered NOT_SUPPORTED: the tap's kernel chooses the queue
 * of each received packet, so a frontend's hash would not steer anything.
 */
typedef struct NetifCtrl NetifCtrl;

typedef struct NetifCtrlOps {
    /*
     * Map the frontend's table page @ref read-write, for one message;
     * NULL if it cannot be.
     */
    void *(*map_table)(void *opaque, uint32_t ref);
    void (*unmap_table)(void *opaque, void *page, uint32_t ref);
    /* netif_static_room(), _add() and _del() on queue @queue. */
    uint32_t (*static_room)(void *opaque, unsigned int queue);
    uint32_t (*static_add)(void *opaque, unsigned int queue,
                           const NetifGref *grefs, unsigned int nr);
    uint32_t (*static_del)(void *opaque, unsigned int queue,
                           NetifGref *grefs, unsigned int nr,
                           uint32_t *removed);
    /* Kick the frontend on the control event channel. */
    void (*notify)(void *opaque);
    /* As NetifQueueOps.fatal: the ring is not touched again. */
    void (*fatal)(void *opaque, const char *msg);
} NetifCtrlOps;

typedef struct NetifCtrlStats {
    uint64_t messages;          /* requests answered */
    uint64_t refused;           /* answered with a status other than SUCCESS */
    uint64_t events;            /* kicks on the control event channel */
    uint64_t spurious;          /* of those, kicks that brought nothing */
} NetifCtrlStats;

/*
 * Serve the control ring @sring of a vif with @nr_queues queues;
 * @static_grants says whether the static grant messages are served (else
 * NOT_SUPPORTED).  @resume: the ring is a live one a backend that died was
 * serving; the requests it left unanswered get NOT_SUPPORTED, unread.
 */
NetifCtrl *netif_ctrl_new(xen_netif_ctrl_sring_t *sring,
                          unsigned int nr_queues, bool static_grants,
                          bool resume, const NetifCtrlOps *ops,
                          void *opaque);
void netif_ctrl_free(NetifCtrl *c);

/*
 * Answer up to @budget requests: EVENT when the ring is empty (req_event
 * armed), MORE when the budget ran out, DISABLED after a fatal error.
 */
NetifWait netif_ctrl_poll(NetifCtrl *c, unsigned int budget);

/*
 * An event came on the control event channel: as netif_queue_event(),
 * the delay (us) before the glue may unmask the port, 0 for at once.
 */
int64_t netif_ctrl_event(NetifCtrl *c);

void netif_ctrl_get_stats(const NetifCtrl *c, NetifCtrlStats *out);

#endif /* NETIF_H */
