/*
 * qnetback: data plane glue (placeholder until the netif engine lands).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "xen-netback.h"

struct XenNetbackQueue {
    XenNetbackDevice *netback;
    unsigned int index;
};

XenNetbackQueue *xen_netback_queue_create(XenNetbackDevice *netback,
                                          unsigned int index,
                                          IOThread *iothread)
{
    XenNetbackQueue *queue = g_new0(XenNetbackQueue, 1);

    queue->netback = netback;
    queue->index = index;
    return queue;
}

void xen_netback_queue_destroy(XenNetbackQueue *queue)
{
    g_free(queue);
}

bool xen_netback_queue_start(XenNetbackQueue *queue,
                             const XenNetbackQueueRefs *refs, Error **errp)
{
    error_setg(errp, "the data plane is not built yet");
    return false;
}

void xen_netback_queue_stop(XenNetbackQueue *queue)
{
}
