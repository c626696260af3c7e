/*
 * qnb-netfront: the vif: its xenstore nodes, and connecting and
 * disconnecting like Linux netfront does, with one queue or several.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_VIF_H
#define QNB_VIF_H

/* ring.h wants the barriers of the including environment. */
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#include <stdint.h>
#include <xen/io/netif.h>

#include "qnb-netfront.h"
#include "gnt.h"

#define TX_POOL         64      /* TX data pages, per queue */
#define RX_POOL         64      /* RX buffers, per queue */
#define QNB_MAX_QUEUES  4

enum {
    XB_UNKNOWN, XB_INITIALISING, XB_INITWAIT, XB_INITIALISED, XB_CONNECTED,
    XB_CLOSING, XB_CLOSED,
};

/*
 * One queue: its rings, its event channel and its data pages (ring.c
 * does its I/O).  Only the queues of the connection (v->nr_queues) have
 * rings and pages; vif_close() gives back those of every queue.
 */
typedef struct VifQueue {
    unsigned int index;         /* in v->q[] */
    Grants rings;               /* page 0: TX ring, page 1: RX ring */
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    int evtchn_fd;
    int port;                   /* the TX channel, and RX's unless split */
    int rx_port;                /* the RX channel (split: its own port) */
    Grants txbuf;               /* TX_POOL pages, granted read-only */
    Grants rxbuf;               /* RX_POOL pages, one RX buffer each */
    unsigned int tx_next_page;  /* the TX page the next slot takes */
} VifQueue;

typedef struct Vif {
    int index;
    char fe[64];                /* device/vif/N, relative to our domain */
    char be[256];
    uint16_t backend_id;
    uint8_t mac[6];

    /*
     * Queues to connect: set by a case before vif_prepare(), which clamps
     * it to what the backend and we support; vif_close() sets it back to 1.
     */
    unsigned int nr_queues;
    unsigned int be_max_queues; /* the backend's multi-queue-max-queues */
    bool mq_keys;               /* our xenstore has multi-queue keys */
    VifQueue q[QNB_MAX_QUEUES];

    /*
     * The control ring (netif.h "Control ring"), for static grants: a case
     * sets want_static before vif_prepare(), which gives the backend a
     * ring if it offers one (has_ctrl); vif_close() clears want_static.
     */
    bool want_static;
    bool be_ctrl_ring;          /* the backend's feature-ctrl-ring */
    /*
     * Split event channels (event-channel-tx and -rx): a case sets
     * want_split before vif_prepare(), which splits them if the backend
     * offers feature-split-event-channels; vif_close() clears want_split.
     */
    bool want_split;
    bool split;                 /* this connection's channels are split */
    bool has_ctrl;              /* this connection has a control ring */
    bool ctrl_keys;             /* our xenstore has control ring keys */
    Grants ctrl_ring;
    xen_netif_ctrl_front_ring_t ctrl;
    int ctrl_fd;
    int ctrl_port;
    uint16_t ctrl_id;           /* the last request's id */

    bool connected;
    bool removed;               /* the backend removed the device */
} Vif;

int be_state(Vif *v);
/* The backend's error node, malloc'd, or NULL. */
char *be_error(Vif *v);
/* Wait until the backend is in @want; false (with the state seen) if not. */
bool be_wait(Vif *v, int want, unsigned int ms, int *seen);

/*
 * Connecting is two steps, so a case can tamper with the rings in
 * between.  vif_prepare(): wait for InitWait, allocate the rings and
 * data pages of v->nr_queues queues (and the control ring, see
 * want_static), write every key but state.
 */
bool vif_prepare(Vif *v, Detail *d);
/* Write state Connected; with @wait, wait until the backend is Connected. */
bool vif_go(Vif *v, Detail *d, bool wait);
/* vif_prepare() and vif_go(): connect and wait for the backend. */
bool vif_connect(Vif *v, Detail *d);
/* Write our (the frontend's) state node. */
bool vif_set_state(Vif *v, int state);
/* Disconnect, and leave the backend in InitWait for the next case. */
bool vif_close(Vif *v, Detail *d);

/*
 * The backend is removing the device: wait up to @ms for its node to go,
 * then give our grants back (checking the backend let go of each one).
 * The vif is unusable afterwards.
 */
bool vif_wait_removed(Vif *v, Detail *d, unsigned int ms);

/* Vif @index (the first one if -1), found in xenstore on first use. */
Vif *vif_get(int index);

#endif
