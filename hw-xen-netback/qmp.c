/*
 * qnetback: query-xen-netback, the per-queue statistics over QMP.
 *
 * The counters belong to each queue's thread and are read here, in the
 * main loop, as relaxed snapshots (netif_queue_get_stats()): no lock on the
 * data path.  Queues only start and stop in the main loop, so a queue seen
 * here stays alive while it is read.  Counter, cause and feature names all
 * come from the engine's lists (netif/stats.h, netif/netif.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/lockable.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-xen-netback.h"
#include "qom/object.h"
#include "system/iothread.h"
#include "xen-netback.h"

/* The engine's cause kinds and xenbus states are QAPI's, in order. */
QEMU_BUILD_BUG_ON((int)NETIF_CAUSE_KIND_DROP !=
                  (int)XEN_NETBACK_CAUSE_KIND_DROP ||
                  (int)NETIF_CAUSE_KIND_ERROR !=
                  (int)XEN_NETBACK_CAUSE_KIND_ERROR ||
                  (int)NETIF_CAUSE_KIND_FATAL !=
                  (int)XEN_NETBACK_CAUSE_KIND_FATAL);
QEMU_BUILD_BUG_ON((int)XenbusStateReconfigured !=
                  (int)XEN_NETBACK_STATE_RECONFIGURED);

/*
 * A ratio over fewer events or polls than this is left out: the rx
 * direction sees one event in a whole transfer, and thousands of packets
 * "per event" would mislead.  Readers print "-" for an absent ratio.
 */
#define XEN_NETBACK_RATIO_MIN_DEN 10

static bool xen_netback_ratio(uint64_t num, uint64_t den, double *ratio)
{
    if (den < XEN_NETBACK_RATIO_MIN_DEN) {
        return false;
    }
    *ratio = (double)num / den;
    return true;
}

static XenNetbackDirStats *xen_netback_dir_stats(const NetifDirStats *s)
{
    XenNetbackDirStats *d = g_new0(XenNetbackDirStats, 1);

#define COPY_COUNTER(name) d->name = s->name;
    NETIF_DIR_COUNTERS(COPY_COUNTER)
#undef COPY_COUNTER
    d->has_ppi = xen_netback_ratio(s->packets, s->events, &d->ppi);
    d->has_spi = xen_netback_ratio(s->slots, s->events, &d->spi);
    d->has_ppn = xen_netback_ratio(s->packets, s->polls, &d->ppn);
    d->has_spn = xen_netback_ratio(s->slots, s->polls, &d->spn);
    return d;
}

static XenNetbackQueueInfo *xen_netback_queue_info(XenNetbackDevice *netback,
                                                   unsigned int index)
{
    XenNetbackQueueInfo *info = g_new0(XenNetbackQueueInfo, 1);
    XenNetbackCauseList **tail = &info->causes;
    NetifStats stats = { 0 };
    int cause;

    if (netback->queues[index]) {   /* NULL while a connect fails */
        xen_netback_queue_get_stats(netback->queues[index], &stats);
    }
    info->index = index;
    if (netback->nr_iothreads) {
        info->iothread = iothread_get_id(
            netback->iothreads[index % netback->nr_iothreads]);
    }
    info->static_grants = stats.static_grants;
    info->tx = xen_netback_dir_stats(&stats.tx);
    info->rx = xen_netback_dir_stats(&stats.rx);
    for (cause = 0; cause < NETIF_CAUSE__MAX; cause++) {
        XenNetbackCause *c;

        if (!stats.cause[cause]) {
            continue;
        }
        c = g_new0(XenNetbackCause, 1);
        c->name = g_strdup(netif_cause_name(cause));
        c->kind = (XenNetbackCauseKind)netif_cause_kind(cause);
        c->count = stats.cause[cause];
        QAPI_LIST_APPEND(tail, c);
    }
    return info;
}

static XenNetbackInfo *xen_netback_info(XenNetbackDevice *netback)
{
    XenNetbackInfo *info = g_new0(XenNetbackInfo, 1);
    const NetifFeatures *f = &netback->features;
    XenNetbackQueueInfoList **qtail = &info->queues;
    strList **ftail = &info->features;
    enum xenbus_state state;
    unsigned int i;

    info->qom_path = object_get_canonical_path(OBJECT(netback));
    info->id = g_strdup(DEVICE(netback)->id);
    info->frontend_id = netback->xendev.frontend_id;
    info->vif = netback->vif;
    state = xen_device_backend_get_state(&netback->xendev);
    info->state = state <= XenbusStateReconfigured ?
                  (XenNetbackState)state : XEN_NETBACK_STATE_UNKNOWN;
    info->grant_mode = netback->grant_mode;
    info->max_queues = netback->max_queues;
    info->error = g_strdup(netback->error);
    info->fault_cause = g_strdup(netback->error_cause);
    info->faults = netback->faults;
    info->connects_paced = netback->connects_paced;
    info->static_grants = netback->static_grants;
    if (netback->ctrl) {
        NetifCtrlStats cs;

        xen_netback_ctrl_get_stats(netback->ctrl, &cs);
        info->has_control_messages = info->has_control_refused = true;
        info->has_control_events = info->has_control_spurious = true;
        info->control_messages = cs.messages;
        info->control_refused = cs.refused;
        info->control_events = cs.events;
        info->control_spurious = cs.spurious;
    }
    WITH_QEMU_LOCK_GUARD(&netback->stall_lock) {
        info->stalled_queues = netback->stalled_queues;
    }

    if (!netback->queues) {
        return info;
    }
#define REPORT_FEATURE(field, key)                      \
    if (f->field) {                                     \
        QAPI_LIST_APPEND(ftail, g_strdup(key));         \
    }
    NETIF_FEATURES(REPORT_FEATURE)
#undef REPORT_FEATURE
    for (i = 0; i < netback->nr_queues; i++) {
        QAPI_LIST_APPEND(qtail, xen_netback_queue_info(netback, i));
    }
    return info;
}

static int xen_netback_collect(Object *obj, void *opaque)
{
    XenNetbackInfoList ***tail = opaque;
    XenNetbackDevice *netback =
        (XenNetbackDevice *)object_dynamic_cast(obj, TYPE_XEN_NETBACK);

    if (netback && DEVICE(netback)->realized) {
        QAPI_LIST_APPEND(*tail, xen_netback_info(netback));
    }
    return 0;
}

XenNetbackInfoList *qmp_query_xen_netback(Error **errp)
{
    XenNetbackInfoList *list = NULL, **tail = &list;

    object_child_foreach_recursive(object_get_root(), xen_netback_collect,
                                   &tail);
    return list;
}
