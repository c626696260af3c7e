/*
 * qnetback: the control ring of a vif (netif.h "Control ring"), served in
 * the main loop; the messages are the engine's (netif/ctrl.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_XEN_NETBACK_CTRL_H
#define HW_XEN_NETBACK_CTRL_H

#include "hw/xen/xen-bus.h"
#include "netif/netif.h"
#include "dataplane.h"

typedef struct XenNetbackCtrl XenNetbackCtrl;

/*
 * What the control ring needs from the device: its queues (to run the
 * static grant messages in each queue's thread) and a way to keep its
 * own waits for those threads from interleaving with connect, disconnect
 * and faults.  All called in the main loop.
 */
typedef struct XenNetbackCtrlOps {
    XenNetbackQueue *(*queue)(void *opaque, unsigned int index);
    void (*begin)(void *opaque);
    void (*end)(void *opaque);
    /* The frontend broke the ring; @msg only valid during the call. */
    void (*fault)(void *opaque, const char *msg);
} XenNetbackCtrlOps;

XenNetbackCtrl *xen_netback_ctrl_start(XenDevice *xendev,
                                       uint32_t ring_ref, uint32_t evtchn,
                                       unsigned int nr_queues,
                                       bool static_grants, bool resume,
                                       const XenNetbackCtrlOps *ops,
                                       void *opaque, Error **errp);
void xen_netback_ctrl_stop(XenNetbackCtrl *ctrl);
void xen_netback_ctrl_get_stats(XenNetbackCtrl *ctrl, NetifCtrlStats *stats);

#endif /* HW_XEN_NETBACK_CTRL_H */
