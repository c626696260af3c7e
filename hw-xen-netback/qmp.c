/*
 * qnetback: query-xen-netback, the per-queue statistics over QMP.
 *
 * The counters belong to each queue's thread and are read here, in the
 * main loop, as relaxed snapshots (netif_queue_get_stats()): no lock on the
 * data path.  Queues only start and stop in the main loop, so a queue seen
 * here stays alive while it is read.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-xen-netback.h"
#include "qom/object.h"
#include "system/iothread.h"
#include "xen-netback.h"
#include "netif/netif.h"

static double xen_netback_ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / den : 0;
}

static XenNetbackDirStats *xen_netback_dir_stats(const NetifDirStats *s)
{
    XenNetbackDirStats *d = g_new0(XenNetbackDirStats, 1);

    d->events = s->events;
    d->polls = s->polls;
    d->packets = s->packets;
    d->slots = s->slots;
    d->bytes = s->bytes;
    d->batches = s->batches;
    d->notifications = s->notifications;
    d->map_ops = s->map_ops;
    d->map_calls = s->map_calls;
    d->unmap_ops = s->unmap_ops;
    d->unmap_calls = s->unmap_calls;
    d->copy_segs = s->copy_segs;
    d->copy_calls = s->copy_calls;
    d->static_hits = s->static_hits;
    d->static_misses = s->static_misses;
    d->drops = s->drops;
    d->errors = s->errors;
    d->ppi = xen_netback_ratio(s->packets, s->events);
    d->spi = xen_netback_ratio(s->slots, s->events);
    d->ppn = xen_netback_ratio(s->packets, s->polls);
    d->spn = xen_netback_ratio(s->slots, s->polls);
    return d;
}

static const char *const xen_netback_cause_kinds[] = {
    [NETIF_CAUSE_KIND_DROP] = "drop",
    [NETIF_CAUSE_KIND_ERROR] = "error",
    [NETIF_CAUSE_KIND_FATAL] = "fatal",
};

static XenNetbackQueueInfo *xen_netback_queue_info(XenNetbackDevice *netback,
                                                   unsigned int index)
{
    XenNetbackQueueInfo *info = g_new0(XenNetbackQueueInfo, 1);
    const NetifQueue *engine = xen_netback_queue_engine(netback->queues[index]);
    NetifStats stats = { 0 };
    XenNetbackCauseList **tail = &info->causes;
    int cause;

    if (engine) {
        netif_queue_get_stats(engine, &stats);
    }
    info->index = index;
    if (netback->nr_iothreads) {
        info->iothread = iothread_get_id(
            netback->iothreads[index % netback->nr_iothreads]);
    }
    info->static_grants = 0;
    info->tx = xen_netback_dir_stats(&stats.tx);
    info->rx = xen_netback_dir_stats(&stats.rx);
    for (cause = 0; cause < NETIF_CAUSE__MAX; cause++) {
        XenNetbackCause *c;

        if (!stats.cause[cause]) {
            continue;
        }
        c = g_new0(XenNetbackCause, 1);
        c->name = g_strdup(netif_cause_name(cause));
        c->kind = g_strdup(xen_netback_cause_kinds[netif_cause_kind(cause)]);
        c->count = stats.cause[cause];
        QAPI_LIST_APPEND(tail, c);
    }
    return info;
}

static XenNetbackInfo *xen_netback_info(XenNetbackDevice *netback)
{
    XenNetbackInfo *info = g_new0(XenNetbackInfo, 1);
    XenNetbackFeatures *f = &netback->features;
    XenNetbackQueueInfoList **qtail = &info->queues;
    strList **ftail = &info->features;
    unsigned int i;

    info->qom_path = object_get_canonical_path(OBJECT(netback));
    info->id = g_strdup(DEVICE(netback)->id);
    info->frontend_id = netback->xendev.frontend_id;
    info->vif = netback->vif;
    info->state = g_strdup(xen_netback_state_name(
        xen_device_backend_get_state(&netback->xendev)));
    info->grant_mode = g_strdup(netback->grant_mode == XEN_NETBACK_GRANT_COPY ?
                                "copy" : "map");
    info->max_queues = netback->max_queues;
    info->error = g_strdup(netback->error);

    if (netback->queues) {
        static const struct {
            const char *name;
            size_t offset;
        } flags[] = {
            { "feature-sg", offsetof(XenNetbackFeatures, sg) },
            { "feature-gso-tcpv4", offsetof(XenNetbackFeatures, gso_tcpv4) },
            { "feature-gso-tcpv6", offsetof(XenNetbackFeatures, gso_tcpv6) },
            { "feature-ipv6-csum-offload",
              offsetof(XenNetbackFeatures, ipv6_csum_offload) },
            { "feature-no-csum-offload",
              offsetof(XenNetbackFeatures, no_csum_offload) },
            { "feature-rx-notify", offsetof(XenNetbackFeatures, rx_notify) },
        };

        for (i = 0; i < ARRAY_SIZE(flags); i++) {
            if (*(bool *)((char *)f + flags[i].offset)) {
                QAPI_LIST_APPEND(ftail, g_strdup(flags[i].name));
            }
        }
        for (i = 0; i < netback->nr_queues; i++) {
            QAPI_LIST_APPEND(qtail, xen_netback_queue_info(netback, i));
        }
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
