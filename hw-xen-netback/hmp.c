/*
 * qnetback: "info xen-netback", the QMP statistics as a table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-xen-netback.h"
#include "qobject/qdict.h"

/* An absent ratio (too few events or polls to mean anything) is "-". */
static const char *hmp_xen_netback_ratio(char *buf, size_t size,
                                         bool has, double ratio)
{
    if (!has) {
        return "-";
    }
    snprintf(buf, size, "%.2f", ratio);
    return buf;
}

static void hmp_xen_netback_row(Monitor *mon, unsigned int index,
                                const char *dir, XenNetbackDirStats *s)
{
    char ppi[32], spi[32], ppn[32], spn[32];

    monitor_printf(mon, "  %2u %s %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                   " %10" PRIu64 " %12" PRIu64 " %7s %7s %7s %7s"
                   " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %6" PRIu64
                   " %6" PRIu64 "\n",
                   index, dir, s->events, s->polls, s->packets, s->slots,
                   s->bytes,
                   hmp_xen_netback_ratio(ppi, sizeof(ppi), s->has_ppi, s->ppi),
                   hmp_xen_netback_ratio(spi, sizeof(spi), s->has_spi, s->spi),
                   hmp_xen_netback_ratio(ppn, sizeof(ppn), s->has_ppn, s->ppn),
                   hmp_xen_netback_ratio(spn, sizeof(spn), s->has_spn, s->spn),
                   s->map_ops + s->unmap_ops, s->copy_segs,
                   s->map_calls + s->unmap_calls + s->copy_calls,
                   s->drops, s->errors);
}

void hmp_info_xen_netback(Monitor *mon, const QDict *qdict)
{
    XenNetbackInfoList *list = qmp_query_xen_netback(NULL), *l;

    if (!list) {
        monitor_printf(mon, "No xen-netback device\n");
        return;
    }
    for (l = list; l; l = l->next) {
        XenNetbackInfo *info = l->value;
        XenNetbackQueueInfoList *q;
        XenNetbackCauseList *c;

        monitor_printf(mon, "%s: domain %u vif %" PRId64 ", %s, grant-mode %s"
                       ", %u queue(s) of %u\n",
                       info->id ? info->id : info->qom_path,
                       info->frontend_id, info->vif,
                       XenNetbackState_str(info->state),
                       XenNetbackGrantMode_str(info->grant_mode),
                       (unsigned int)QAPI_LIST_LENGTH(info->queues),
                       info->max_queues);
        if (info->error) {
            monitor_printf(mon, "  error: %s (%s; %" PRIu64 " faults so far)\n",
                           info->error, info->fault_cause ?: "?",
                           info->faults);
        }
        if (info->connects_paced) {
            monitor_printf(mon, "  connects paced: %" PRIu64 "\n",
                           info->connects_paced);
        }
        if (info->has_control_messages) {
            monitor_printf(mon, "  control ring: %" PRIu64 " messages, %"
                           PRIu64 " refused; %" PRIu64 " events, %" PRIu64
                           " spurious\n", info->control_messages,
                           info->control_refused, info->control_events,
                           info->control_spurious);
        }
        if (info->stalled_queues) {
            monitor_printf(mon, "  guest RX stalled on %u queue(s): "
                           "carrier off\n", info->stalled_queues);
        }
        if (!info->queues) {
            continue;
        }
        monitor_printf(mon, "   q dir     events      polls    packets"
                       "      slots        bytes     PPI     SPI     PPN"
                       "     SPN  map+unmap copy-segs  gnt-calls  drops"
                       "   errs\n");
        for (q = info->queues; q; q = q->next) {
            hmp_xen_netback_row(mon, q->value->index, "tx", q->value->tx);
            hmp_xen_netback_row(mon, q->value->index, "rx", q->value->rx);
            if (q->value->static_grants || q->value->tx->static_hits ||
                q->value->rx->static_hits) {
                monitor_printf(mon, "  %2u static grants %" PRIu64
                               ", slots served by them: tx %" PRIu64
                               " rx %" PRIu64 ", by grant ops: tx %" PRIu64
                               " rx %" PRIu64 "\n", q->value->index,
                               q->value->static_grants,
                               q->value->tx->static_hits,
                               q->value->rx->static_hits,
                               q->value->tx->static_misses,
                               q->value->rx->static_misses);
            }
            if (q->value->tx->spurious || q->value->rx->spurious) {
                monitor_printf(mon, "  %2u spurious events: tx %" PRIu64
                               " rx %" PRIu64 "\n", q->value->index,
                               q->value->tx->spurious,
                               q->value->rx->spurious);
            }
            for (c = q->value->causes; c; c = c->next) {
                monitor_printf(mon, "  %2u %s: %" PRIu64 " (%s)\n",
                               q->value->index, c->value->name,
                               c->value->count,
                               XenNetbackCauseKind_str(c->value->kind));
            }
        }
    }
    qapi_free_XenNetbackInfoList(list);
}
