/*
 * In-process stand-ins for what the netif engine talks to: a grant table,
 * a tap queue and a netfront-like frontend that fills the shared rings.
 * Shared by the unit tests and the fuzzers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETIF_FAKE_H
#define NETIF_FAKE_H

#include "netif.h"

#define FAKE_NR_GRANTS  2048

typedef struct FakeGrant {
    uint8_t *page;              /* NULL: not granted */
    bool readonly;
    int mapped;                 /* live mappings of this grant */
} FakeGrant;

typedef struct FakeMapping {
    uint8_t *addr;
    uint32_t *refs;
    unsigned int nr;
    bool writable;
} FakeMapping;

typedef struct Fake {
    NetifConfig cfg;
    NetifQueue *q;

    /* grant table */
    FakeGrant grants[FAKE_NR_GRANTS];
    uint32_t next_gref;
    GPtrArray *mappings;        /* of FakeMapping */
    unsigned int map_calls, unmap_calls, copy_calls, copy_segs;
    /*
     * The ops gntdev would make of the copy segments: it cuts a segment
     * wherever its local side crosses a page.
     */
    unsigned int copy_pieces;
    unsigned int map_ops;
    int fail_map_calls;         /* fail that many map calls */
    int fail_copy_calls;        /* fail that many copy calls, copying nothing */
    /*
     * fake_alias_maps(): the granted pages are one shared memory file and
     * a map maps those very pages, as under Xen.
     */
    bool alias;
    int pool_fd;
    uint8_t *pool;              /* the pages of every gref, in gref order */

    /* tap */
    GPtrArray *written;         /* of GByteArray: vnet header + frame */
    GQueue readable;            /* of GByteArray: vnet header + frame */
    int tap_room;               /* writes before EAGAIN; -1: no limit */
    int tap_error;              /* fail that many writes with -EIO */
    int tap_read_error;         /* fail that many reads with -EIO */

    /* event channels and faults */
    unsigned int notify_tx, notify_rx;
    unsigned int fatal_count;
    NetifCause fatal_cause;     /* the queue's last (not the control's) */
    char *fatal_msg;
    bool stalled;               /* what ops->rx_stall said last */
    unsigned int stall_changes;

    /* frontend */
    netif_tx_sring_t *tx_sring;
    netif_rx_sring_t *rx_sring;
    netif_tx_front_ring_t txf;
    netif_rx_front_ring_t rxf;
    uint16_t next_id;
    uint32_t rx_gref_by_id[NETIF_RX_RING_SIZE];

    /* control ring (fake_ctrl_start()); every queue index is f->q */
    xen_netif_ctrl_sring_t *ctrl_sring;
    xen_netif_ctrl_front_ring_t ctrlf;
    NetifCtrl *ctrl;
    unsigned int ctrl_nr_queues;
    unsigned int notify_ctrl;
    uint16_t next_ctrl_id;
} Fake;

extern const NetifQueueOps fake_ops;

/* Set up rings and grant table; fake_start() then creates the queue. */
void fake_init(Fake *f, NetifGrantMode mode);
void fake_start(Fake *f);
void fake_cleanup(Fake *f);

/*
 * Make maps alias the guest's pages instead of copying them, before any
 * fake_grant(): what the guest writes later shows through every mapping
 * (to catch double fetches), and a read-only mapping faults on write.
 */
void fake_alias_maps(Fake *f);

/* Grant a page holding @len bytes of @data at @offset. */
uint32_t fake_grant(Fake *f, const void *data, size_t len, size_t offset,
                    bool readonly);
void fake_revoke(Fake *f, uint32_t gref);
unsigned int fake_nr_mapped(const Fake *f);

/* Push raw TX requests, as netfront does, and publish them. */
void fake_tx_push(Fake *f, const netif_tx_request_t *reqs, unsigned int nr);

/*
 * Send @frame as netfront would: the data split into slots of at most
 * @chunk bytes (each in its own grant), with @extras after the first.
 * Returns the number of requests.
 */
unsigned int fake_tx_send(Fake *f, const uint8_t *frame, size_t len,
                          size_t chunk, uint16_t flags,
                          const struct netif_extra_info *extras,
                          unsigned int nr_extras);

/* Take the responses the backend pushed, up to @max. */
unsigned int fake_tx_responses(Fake *f, netif_tx_response_t *rsp,
                               unsigned int max);

/* Post @nr RX requests, each a fresh writable page. */
void fake_rx_post(Fake *f, unsigned int nr);
unsigned int fake_rx_responses(Fake *f, netif_rx_response_t *rsp,
                               uint32_t *grefs, unsigned int max);

/* Queue a frame for the tap to return to the engine. */
void fake_tap_queue(Fake *f, const NetifVnetHdr *vh, const uint8_t *frame,
                    size_t len);

/*
 * Build an Ethernet frame: optional VLAN tag, IPv4 or IPv6 (@ip = 4 or 6),
 * TCP or UDP with @payload bytes of pattern.  With @partial, the checksum
 * field holds the pseudo-header sum as Linux leaves it for offload;
 * otherwise the full checksum.  Returns the frame length.
 */
size_t fake_build_frame(uint8_t *buf, size_t size, int ip, uint8_t l4,
                        bool vlan, size_t payload, bool partial);
/* Reference Internet checksum (a plain RFC 1071 loop), for comparison. */
uint16_t fake_ref_csum(const uint8_t *buf, size_t len, uint32_t sum);
/* True when the frame's TCP/UDP checksum is right (headers as built). */
bool fake_l4_csum_ok(const uint8_t *frame, size_t len, int ip, bool vlan);

/*
 * The guest's view of its page @gref.  The fake's maps copy (unless
 * aliased), so a page under a live mapping of that gref alone (a static
 * grant) is that mapping: what the guest and the backend share.
 */
uint8_t *fake_page(Fake *f, uint32_t gref);
/* The guest writes into its page @gref (seen through any live mapping). */
void fake_guest_write(Fake *f, uint32_t gref, size_t offset,
                      const void *data, size_t len);
/* Grant @nr pages and add them to the queue's static grants. */
void fake_static_add(Fake *f, uint32_t *grefs, unsigned int nr, bool ro);
/* Post RX requests for the given pages (ids: the ring slots). */
void fake_rx_post_refs(Fake *f, const uint32_t *grefs, unsigned int nr);

/*
 * Serve a control ring for a vif of @nr_queues queues (all of them f->q,
 * which must exist); static grants as f->cfg.max_static_grants says.
 */
void fake_ctrl_start(Fake *f, unsigned int nr_queues);
/* A new control engine on the same ring, as after a backend restart. */
void fake_ctrl_restart(Fake *f);
/* Queue a control request (not pushed); returns its id. */
uint16_t fake_ctrl_queue(Fake *f, uint16_t type, uint32_t d0, uint32_t d1,
                         uint32_t d2);
/* Push what is queued. */
void fake_ctrl_push(Fake *f);
/* Take the next control response; false if none. */
bool fake_ctrl_response(Fake *f, struct xen_netif_ctrl_response *rsp);
/*
 * Send one request, poll once and return its response's status (the
 * response's data in @data if not NULL).
 */
uint32_t fake_ctrl_call(Fake *f, uint16_t type, uint32_t d0, uint32_t d1,
                        uint32_t d2, uint32_t *data);

/* Make the shared rings inaccessible: any engine access faults. */
void fake_protect_rings(Fake *f, bool protect);

#endif /* NETIF_FAKE_H */
