/*
 * qnetback: the control ring glue.  The ring page and its event channel
 * are the device's; requests are served in the main loop, from an
 * iohandler (never nested in another wait), and a static grant message
 * runs in the thread of the queue it names, which owns that table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/xen/xen_backend_ops.h"
#include "ctrl.h"
#include "trace.h"

/* Messages per wake-up before letting the main loop run. */
#define XEN_NETBACK_CTRL_BUDGET 16

struct XenNetbackCtrl {
    XenDevice *xendev;
    const XenNetbackCtrlOps *ops;
    void *opaque;
    uint32_t ring_ref;
    void *sring;
    xenevtchn_handle *xeh;
    int port;
    QEMUBH *bh;                 /* more work after a full budget */
    /* The port left masked after spurious kicks, until then (XSA-332). */
    QEMUTimer *eoi_timer;
    NetifCtrl *engine;
};

/* ------------------------------------------------------------------ */
/* Engine operations, main loop */

static void *xen_netback_ctrl_map_table(void *opaque, uint32_t ref)
{
    XenNetbackCtrl *ctrl = opaque;

    return xen_device_map_grant_refs(ctrl->xendev, &ref, 1,
                                     PROT_READ | PROT_WRITE, NULL);
}

static void xen_netback_ctrl_unmap_table(void *opaque, void *page,
                                         uint32_t ref)
{
    XenNetbackCtrl *ctrl = opaque;

    xen_device_unmap_grant_refs(ctrl->xendev, page, &ref, 1, NULL);
}

static uint32_t xen_netback_ctrl_static_room(void *opaque,
                                             unsigned int queue)
{
    XenNetbackCtrl *ctrl = opaque;
    XenNetbackQueue *q = ctrl->ops->queue(ctrl->opaque, queue);

    return q ? xen_netback_queue_static_room(q) : 0;
}

static uint32_t xen_netback_ctrl_static_add(void *opaque, unsigned int queue,
                                            const NetifGref *grefs,
                                            unsigned int nr)
{
    XenNetbackCtrl *ctrl = opaque;
    XenNetbackQueue *q = ctrl->ops->queue(ctrl->opaque, queue);

    return q ? xen_netback_queue_static_add(q, grefs, nr)
             : XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
}

static uint32_t xen_netback_ctrl_static_del(void *opaque, unsigned int queue,
                                            NetifGref *grefs, unsigned int nr,
                                            uint32_t *removed)
{
    XenNetbackCtrl *ctrl = opaque;
    XenNetbackQueue *q = ctrl->ops->queue(ctrl->opaque, queue);

    *removed = 0;
    return q ? xen_netback_queue_static_del(q, grefs, nr, removed)
             : XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
}

static void xen_netback_ctrl_notify(void *opaque)
{
    XenNetbackCtrl *ctrl = opaque;

    qemu_xen_evtchn_notify(ctrl->xeh, ctrl->port);
}

static void xen_netback_ctrl_fatal(void *opaque, const char *msg)
{
    XenNetbackCtrl *ctrl = opaque;

    qemu_set_fd_handler(qemu_xen_evtchn_fd(ctrl->xeh), NULL, NULL, NULL);
    ctrl->ops->fault(ctrl->opaque, msg);
}

static const NetifCtrlOps xen_netback_ctrl_engine_ops = {
    .map_table = xen_netback_ctrl_map_table,
    .unmap_table = xen_netback_ctrl_unmap_table,
    .static_room = xen_netback_ctrl_static_room,
    .static_add = xen_netback_ctrl_static_add,
    .static_del = xen_netback_ctrl_static_del,
    .notify = xen_netback_ctrl_notify,
    .fatal = xen_netback_ctrl_fatal,
};

/* ------------------------------------------------------------------ */
/* Serving */

static void xen_netback_ctrl_work(XenNetbackCtrl *ctrl)
{
    NetifWait wait;

    /* The static messages wait for queue threads: no fault meanwhile. */
    ctrl->ops->begin(ctrl->opaque);
    wait = netif_ctrl_poll(ctrl->engine, XEN_NETBACK_CTRL_BUDGET);
    ctrl->ops->end(ctrl->opaque);
    if (wait & NETIF_WAIT_MORE) {
        qemu_bh_schedule(ctrl->bh);
    }
}

static void xen_netback_ctrl_event(void *opaque)
{
    XenNetbackCtrl *ctrl = opaque;
    int port = qemu_xen_evtchn_pending(ctrl->xeh);
    int64_t delay;

    if (port != ctrl->port) {
        return;
    }
    delay = netif_ctrl_event(ctrl->engine);
    xen_netback_ctrl_work(ctrl);
    if (delay) {
        /* Kicks that bring nothing: the port stays masked a while. */
        trace_xen_netback_ctrl_spurious_event(ctrl->xendev->frontend_id,
                                              port, delay);
        timer_mod(ctrl->eoi_timer,
                  qemu_clock_get_us(QEMU_CLOCK_REALTIME) + delay);
        return;
    }
    /* Late: kicks meanwhile wait in the port (one message at a time). */
    qemu_xen_evtchn_unmask(ctrl->xeh, port);
}

static void xen_netback_ctrl_eoi(void *opaque)
{
    XenNetbackCtrl *ctrl = opaque;

    qemu_xen_evtchn_unmask(ctrl->xeh, ctrl->port);
    /* A message may have come while the port was masked. */
    qemu_bh_schedule(ctrl->bh);
}

static void xen_netback_ctrl_bh(void *opaque)
{
    xen_netback_ctrl_work(opaque);
}

XenNetbackCtrl *xen_netback_ctrl_start(XenDevice *xendev,
                                       uint32_t ring_ref, uint32_t evtchn,
                                       unsigned int nr_queues,
                                       bool static_grants, bool resume,
                                       const XenNetbackCtrlOps *ops,
                                       void *opaque, Error **errp)
{
    XenNetbackCtrl *ctrl = g_new0(XenNetbackCtrl, 1);

    ctrl->xendev = xendev;
    ctrl->ops = ops;
    ctrl->opaque = opaque;
    ctrl->ring_ref = ring_ref;
    ctrl->port = -1;
    ctrl->sring = xen_device_map_grant_refs(xendev, &ctrl->ring_ref, 1,
                                            PROT_READ | PROT_WRITE, errp);
    if (!ctrl->sring) {
        error_prepend(errp, "control ring: ");
        goto fail;
    }
    ctrl->xeh = qemu_xen_evtchn_open();
    if (!ctrl->xeh) {
        error_setg_errno(errp, errno, "control ring: cannot open the event "
                         "channel device");
        goto fail;
    }
    ctrl->port = qemu_xen_evtchn_bind_interdomain(ctrl->xeh,
                                                  xendev->frontend_id,
                                                  evtchn);
    if (ctrl->port < 0) {
        error_setg_errno(errp, -ctrl->port, "control ring: cannot bind "
                         "event channel %u", evtchn);
        goto fail;
    }
    /* iohandler: never run from a nested wait of connect or disconnect. */
    ctrl->bh = aio_bh_new(iohandler_get_aio_context(), xen_netback_ctrl_bh,
                          ctrl);
    ctrl->eoi_timer = aio_timer_new(iohandler_get_aio_context(),
                                    QEMU_CLOCK_REALTIME, SCALE_US,
                                    xen_netback_ctrl_eoi, ctrl);
    ctrl->engine = netif_ctrl_new(ctrl->sring, nr_queues, static_grants,
                                  resume, &xen_netback_ctrl_engine_ops, ctrl);
    qemu_set_fd_handler(qemu_xen_evtchn_fd(ctrl->xeh),
                        xen_netback_ctrl_event, NULL, ctrl);
    trace_xen_netback_ctrl_start(xendev->frontend_id, ring_ref, evtchn,
                                 static_grants);
    /* Messages queued before we listened. */
    qemu_bh_schedule(ctrl->bh);
    return ctrl;

fail:
    xen_netback_ctrl_stop(ctrl);
    return NULL;
}

void xen_netback_ctrl_stop(XenNetbackCtrl *ctrl)
{
    if (!ctrl) {
        return;
    }
    if (ctrl->xeh) {
        qemu_set_fd_handler(qemu_xen_evtchn_fd(ctrl->xeh), NULL, NULL, NULL);
        if (ctrl->port >= 0) {
            qemu_xen_evtchn_unbind(ctrl->xeh, ctrl->port);
        }
        qemu_xen_evtchn_close(ctrl->xeh);
    }
    if (ctrl->bh) {
        qemu_bh_delete(ctrl->bh);
    }
    if (ctrl->eoi_timer) {
        timer_free(ctrl->eoi_timer);
    }
    netif_ctrl_free(ctrl->engine);
    if (ctrl->sring) {
        xen_device_unmap_grant_refs(ctrl->xendev, ctrl->sring,
                                    &ctrl->ring_ref, 1, NULL);
    }
    g_free(ctrl);
}

void xen_netback_ctrl_get_stats(XenNetbackCtrl *ctrl, NetifCtrlStats *stats)
{
    netif_ctrl_get_stats(ctrl->engine, stats);
}
