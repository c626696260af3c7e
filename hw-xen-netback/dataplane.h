/*
 * qnetback: the data plane of one netif queue, behind an opaque handle.
 *
 * The control plane (xen-netback.c) reads and checks everything the
 * frontend wrote, then hands plain values over: a XenNetbackQueueConfig at
 * create, the ring references and event channels at start.  The data plane
 * never touches xenstore or the device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_XEN_NETBACK_DATAPLANE_H
#define HW_XEN_NETBACK_DATAPLANE_H

#include "hw/qdev-core.h"
#include "hw/xen/xen.h"
#include "hw/xen/xen_backend_ops.h"
#include "net/net.h"
#include "system/iothread.h"
#include "netif/netif.h"

typedef struct XenNetbackQueue XenNetbackQueue;

/*
 * The frontend broke the protocol on queue @index of connection
 * @generation: the queue has stopped serving its rings.  Called from the
 * queue's thread (an IOThread, or the main loop without one), so the
 * callee must only record the fault and act on it in the main loop.
 * @cause is a static string (the engine's cause name); @msg is only
 * valid during the call.
 */
typedef void XenNetbackFaultFn(void *opaque, unsigned int generation,
                               unsigned int index, const char *cause,
                               const char *msg);

/*
 * Queue @index's guest stopped taking received frames (@stalled), or
 * takes them again; called from the queue's thread on each change, and
 * with false when a stalled queue stops.
 */
typedef void XenNetbackStallFn(void *opaque, unsigned int index,
                               bool stalled);

typedef struct XenNetbackQueueConfig {
    unsigned int index;             /* netif queue-N, tap queue N */
    domid_t domid;                  /* the frontend's domain */
    unsigned int generation;        /* the connection, given back on faults */
    NetifFeatures features;         /* what the frontend negotiated */
    NetifGrantMode grant_mode;
    NetClientState *tap;            /* the tap queue the data plane takes */
    IOThread *iothread;             /* NULL: the main loop */
    MemReentrancyGuard *guard;      /* the device's, for the bottom half */
    int64_t rx_stall_us;            /* 0: the engine's default */
    unsigned int static_grants;     /* static grants the frontend may add */
    bool resume;                    /* live rings a dead backend served */
    XenNetbackFaultFn *fault;
    XenNetbackStallFn *stall;
    void *opaque;
} XenNetbackQueueConfig;

/* The rings of one queue, as the frontend published them. */
typedef struct XenNetbackQueueRefs {
    uint32_t tx_ring_ref;
    uint32_t rx_ring_ref;
    uint32_t tx_evtchn;
    uint32_t rx_evtchn;     /* == tx_evtchn without split event channels */
} XenNetbackQueueRefs;

/* All of these run in the main loop with the BQL held. */
XenNetbackQueue *xen_netback_queue_create(const XenNetbackQueueConfig *cfg);
void xen_netback_queue_destroy(XenNetbackQueue *queue);
bool xen_netback_queue_start(XenNetbackQueue *queue,
                             const XenNetbackQueueRefs *refs,
                             Error **errp);
void xen_netback_queue_stop(XenNetbackQueue *queue);
/*
 * The static grant messages of the control ring for this queue, run in
 * its thread (which owns the table); main loop, BQL held.  While the
 * queue is stopped the room is 0 and ADD/DEL refuse every entry.
 */
uint32_t xen_netback_queue_static_room(XenNetbackQueue *queue);
uint32_t xen_netback_queue_static_add(XenNetbackQueue *queue,
                                      const NetifGref *grefs,
                                      unsigned int nr);
uint32_t xen_netback_queue_static_del(XenNetbackQueue *queue,
                                      NetifGref *grefs, unsigned int nr,
                                      uint32_t *removed);

/* The queue's counters; all zero while it is stopped. */
void xen_netback_queue_get_stats(XenNetbackQueue *queue, NetifStats *stats);

#endif /* HW_XEN_NETBACK_DATAPLANE_H */
