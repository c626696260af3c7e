/*
 * qnetback netif engine: state shared by queue.c, tx.c and rx.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_INT_H
#define NETIF_INT_H

#include "netif.h"
#include "hdr.h"

/* Largest frame the tap hands us: 64 KiB of IP plus link headers. */
#define NETIF_RX_FRAME_MAX      (65536 + 64)
/* Pages a frame of @len bytes spans from offset 0. */
#define NETIF_PAGES(len)        (((len) + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE)
/* RX: requests a frame read straight into static pages may need. */
#define NETIF_RX_STATIC_REQS    (NETIF_PAGES(NETIF_RX_FRAME_MAX) + 1u)
#define NETIF_RX_STATIC_CACHE   32      /* a power of two above that */
/* RX staging buffer: several maximum-size frames per copy call. */
#define NETIF_RX_BUF_FRAMES     8

typedef struct NetifStatic NetifStatic;

/*
 * One map call's pages: the grefs of an ADD table with the same readonly
 * flag, mapped together so that neighbours in the table are neighbours in
 * memory (a frame spread over them is one iovec).
 */
typedef struct NetifStaticBlock {
    void *base;
    uint32_t *refs;             /* [nr], as mapped */
    NetifStatic **entries;      /* [nr], NULL once deleted */
    unsigned int nr;
    unsigned int live;          /* entries not yet deleted */
    struct NetifStaticBlock *next;
} NetifStaticBlock;

/* A static grant: a gref the frontend asked us to keep mapped. */
struct NetifStatic {
    uint32_t ref;
    bool readonly;
    void *page;
    unsigned int busy;          /* requests in flight that use it */
    NetifStaticBlock *block;
    unsigned int index;         /* in block */
    bool deleting;              /* marked by the DEL being answered */
};

/* One data slot of a guest-transmitted packet, as read off the ring. */
typedef struct NetifTxSlot {
    uint32_t gref;
    uint16_t offset;
    uint16_t size;
    uint16_t id;
    uint8_t *data;              /* local view once the grant is resolved */
    NetifStatic *st;            /* the static grant it names, held */
} NetifTxSlot;

typedef struct NetifTxPacket {
    unsigned int slot;          /* first data slot in tx_slots */
    unsigned int nr_slots;      /* data slots */
    unsigned int nr_extras;     /* extra-info slots, answered RSP_NULL */
    unsigned int ref;           /* first of its grants in tx_refs/tx_segs */
    unsigned int nr_refs;
    uint32_t len;
    uint16_t flags;             /* NETTXF_* of the first slot */
    int16_t status;             /* response for every data slot */
    bool send;                  /* false: answer only (dropped, multicast) */
    bool has_gso;
    struct netif_extra_info gso;
    NetifVnetHdr vh;
    uint32_t hdr_len;           /* bytes in tx_hdr, sent instead of ours */
} NetifTxPacket;

/* One map call that must be undone before the batch is answered. */
typedef struct NetifTxMapping {
    void *addr;
    unsigned int ref;
    unsigned int nr;
} NetifTxMapping;

/* A packet delivered to the guest in the current RX batch. */
typedef struct NetifRxPacket {
    RING_IDX rsp;               /* its first response */
    unsigned int nr_rsps;
    unsigned int seg;           /* its segments in rx_segs */
    unsigned int nr_segs;
    unsigned int id;            /* its request ids in rx_ids */
    size_t len;
} NetifRxPacket;

/* The frame read from the tap that is next to go to the guest. */
typedef struct NetifRxPending {
    size_t off;                 /* frame (after the vnet header) in rx_buf */
    size_t len;
    unsigned int nr_data;       /* data slots */
    uint16_t flags;             /* NETRXF_* of the first slot */
    struct netif_extra_info gso;
} NetifRxPending;

struct NetifQueue {
    NetifConfig cfg;
    const NetifQueueOps *ops;
    void *opaque;
    bool disabled;
    NetifStats stats;

    /* guest TX */
    netif_tx_back_ring_t tx;
    unsigned int tx_ring_size;
    NetifTxSlot *tx_slots;      /* [tx_ring_size] */
    unsigned int tx_nr_slots;
    NetifTxPacket *tx_pkts;     /* [max_batch] */
    unsigned int tx_nr_pkts;
    uint32_t *tx_refs;          /* [tx_ring_size] */
    NetifCopySeg *tx_segs;      /* [tx_ring_size] */
    NetifTxMapping *tx_maps;    /* [max_batch] */
    unsigned int tx_nr_maps;
    uint8_t (*tx_hdr)[NETIF_TX_HDR_COPY]; /* [max_batch] */
    uint8_t *tx_buf;            /* copy mode: [tx_ring_size pages] */
    unsigned int tx_next;       /* next packet to write to the tap */
    bool tx_blocked;
    bool tx_resume;             /* netif_tx_resume() still to run */

    /* guest RX */
    netif_rx_back_ring_t rx;
    unsigned int rx_ring_size;
    uint8_t *rx_buf;
    size_t rx_buf_size;
    size_t rx_fill;
    NetifCopySeg *rx_segs;      /* [rx_ring_size] */
    unsigned int rx_nr_segs;
    uint16_t *rx_ids;           /* [rx_ring_size] */
    unsigned int rx_nr_ids;
    NetifRxPacket *rx_pkts;     /* [max_batch] */
    unsigned int rx_nr_pkts;
    NetifRxPending rx_pending;
    unsigned int rx_nr_static;  /* frames read into static pages, unpushed */
    RING_IDX rx_pushed;         /* rsp_prod_pvt at the last push */
    bool rx_resume;             /* netif_rx_resume() still to run */
    bool rx_have_pending;
    int64_t rx_stalled_since;   /* when the pending frame began to wait */
    bool rx_stalled;            /* the guest took nothing for rx_stall_us */

    /*
     * Static grants, owned by the queue's thread: open addressing with
     * linear probing, at most half full, hashed with a per-queue seed so
     * a frontend cannot choose refs that collide.
     */
    NetifStatic **static_slots;
    unsigned int static_mask;   /* slots - 1 */
    unsigned int static_count;
    uint32_t static_seed;
    NetifStaticBlock *static_blocks;
    /* RX: posted requests [req_cons, rx_static_end) known static */
    RING_IDX rx_static_end;
    netif_rx_request_t rx_static_req[NETIF_RX_STATIC_CACHE];
    NetifStatic *rx_static[NETIF_RX_STATIC_CACHE];

    /* events: progress (slots consumed) when the last one came */
    uint64_t event_progress;
    unsigned int spurious_run;  /* spurious events in a row */
};

/* Counters have one writer, the queue's thread; readers may be elsewhere. */
#define NETIF_STAT_ADD(q, field, n)                                     \
    __atomic_store_n(&(q)->stats.field, (q)->stats.field + (n),         \
                     __ATOMIC_RELAXED)

void netif_count_cause(NetifQueue *q, NetifCause cause);
void netif_tx_resume(NetifQueue *q);
/*
 * The late-EOI backoff of an event channel (XSA-332): 0 after a useful
 * event; after more than NETIF_SPURIOUS_THRESHOLD useless ones in a row
 * (*run counts them), a delay doubling from NETIF_SPURIOUS_DELAY_MIN_US
 * up to NETIF_SPURIOUS_DELAY_MAX_US.
 */
int64_t netif_spurious_delay(unsigned int *run, bool useful);
void netif_rx_resume(NetifQueue *q);

/* Disable the queue for good and tell the glue why. */
void netif_fatal(NetifQueue *q, NetifCause cause, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Would a poll of that direction find work?  For netif_queue_has_work(). */
bool netif_tx_has_work(const NetifQueue *q);
bool netif_rx_has_work(const NetifQueue *q);

void netif_tx_init(NetifQueue *q);
void netif_tx_cleanup(NetifQueue *q);
void netif_rx_init(NetifQueue *q);
void netif_rx_cleanup(NetifQueue *q);
void netif_static_init(NetifQueue *q);
void netif_static_cleanup(NetifQueue *q);
/* The static grant @ref, usable for writing if @write; else NULL. */
NetifStatic *netif_static_find(const NetifQueue *q, uint32_t ref, bool write);

#endif /* NETIF_INT_H */
