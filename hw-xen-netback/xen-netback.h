/*
 * qnetback: Xen PV network backend in QEMU -- device state shared by the
 * control plane (xen-netback.c) and the data plane glue (dataplane.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_XEN_NETBACK_H
#define HW_XEN_NETBACK_H

#include "hw/xen/xen-bus.h"
#include "net/net.h"
#include "qom/object.h"
#include "system/iothread.h"

#define TYPE_XEN_NETBACK "xen-netback"
OBJECT_DECLARE_SIMPLE_TYPE(XenNetbackDevice, XEN_NETBACK)

/* Upper bound on queues, as Linux netback's default module parameter. */
#define XEN_NETBACK_MAX_QUEUES 8

typedef struct XenNetbackQueue XenNetbackQueue;

/* What the frontend asked for, read and checked in xen_netback_connect(). */
typedef struct XenNetbackFeatures {
    bool sg;
    bool gso_tcpv4;
    bool gso_tcpv6;
    bool ipv6_csum_offload;
    bool no_csum_offload;
    bool rx_notify;
} XenNetbackFeatures;

/* The rings of one queue, as the frontend published them. */
typedef struct XenNetbackQueueRefs {
    uint32_t tx_ring_ref;
    uint32_t rx_ring_ref;
    uint32_t tx_evtchn;
    uint32_t rx_evtchn;     /* == tx_evtchn without split event channels */
} XenNetbackQueueRefs;

typedef enum XenNetbackGrantMode {
    XEN_NETBACK_GRANT_MAP,
    XEN_NETBACK_GRANT_COPY,
} XenNetbackGrantMode;

struct XenNetbackDevice {
    XenDevice xendev;

    /* properties */
    NICConf conf;
    int32_t vif;                /* vif index; -1 picks the first free one */
    uint32_t max_queues;        /* 0 = as many as the tap has */
    IOThread *iothread;
    uint32_t nr_iothread_ids;
    char **iothread_ids;
    char *grant_mode_str;

    /* set at realize */
    NICState *nic;
    unsigned int nr_tap_queues;
    XenNetbackGrantMode grant_mode;
    unsigned int nr_iothreads;
    IOThread **iothreads;       /* NULL entries mean the main loop */

    /* set at connect */
    XenNetbackFeatures features;
    unsigned int nr_queues;
    XenNetbackQueue **queues;
    bool disabled;              /* a fatal guest fault stopped the vif */
    char *error;                /* why, for query-xen-netback */
};

/* dataplane.c */
XenNetbackQueue *xen_netback_queue_create(XenNetbackDevice *netback,
                                          unsigned int index,
                                          IOThread *iothread);
void xen_netback_queue_destroy(XenNetbackQueue *queue);
bool xen_netback_queue_start(XenNetbackQueue *queue,
                             const XenNetbackQueueRefs *refs,
                             Error **errp);
void xen_netback_queue_stop(XenNetbackQueue *queue);
/* The queue's netif engine, NULL when stopped (for its statistics). */
const struct NetifQueue *xen_netback_queue_engine(XenNetbackQueue *queue);

/* xen-netback.c */
const char *xen_netback_state_name(enum xenbus_state state);
/* Stop the vif after a fatal guest fault (main loop only) */
void xen_netback_fatal_error(XenNetbackDevice *netback, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

#endif /* HW_XEN_NETBACK_H */
