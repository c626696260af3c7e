/*
 * qnetback: Xen PV network backend in QEMU -- the device and its control
 * plane: properties, xenstore negotiation, connect and disconnect.
 *
 * The data plane (rings, grants, tap queues) lives in dataplane.c and the
 * QEMU-independent netif engine under netif/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "hw/xen/xen-backend.h"
#include "hw/xen/xen-bus-helper.h"
#include "hw/xen/interface/io/xs_wire.h"
#include "net/net.h"
#include "net/tap.h"
#include "system/iothread.h"
#include "system/runstate.h"
#include "xen-netback.h"
#include "trace.h"

#include <sys/ioctl.h>
#include <linux/if_tun.h>

/*
 * Backend states, as this device drives them (frontend state -> action):
 *
 *   realize            -> features advertised, then InitWait (by xen-bus,
 *                         after our realize: subprojects/qemu-patches/)
 *   Initialising       -> nothing; xen-bus moves Closed back to InitWait
 *                         (without calling us)
 *   Initialised        -> nothing (Linux netback waits for Connected too)
 *   Connected          -> forget an earlier fault, read and check the
 *                         frontend's keys, start every queue's data
 *                         plane -> Connected;
 *                         on failure: `error` node, -> Closing
 *   Closing            -> stop the data plane -> Closing
 *   Closed / Unknown   -> stop the data plane -> Closed
 *
 * A fatal fault in the data plane (a hostile or broken frontend) stops
 * every queue, writes the reason to the backend's `error` node and moves to
 * Closing; the frontend going Closed then brings us to Closed, and a new
 * Initialising to InitWait, so a reloaded netfront can connect again, and
 * its next fault is reported like the first.
 *
 * Faults reach the main loop through fault_bh, never in the middle of a
 * connect or disconnect (which wait for the queues' threads and so run the
 * main loop's bottom halves): a fault raised meanwhile waits until the
 * transition is over, and one from an earlier connection (an older
 * generation) is dropped.
 */

/* ------------------------------------------------------------------ */
/* Frontend keys */

static bool xen_netback_read_flag(XenNetbackDevice *netback, const char *key)
{
    unsigned int value;

    if (xen_device_frontend_scanf(&netback->xendev, key, "%u", &value) != 1) {
        return false;
    }
    return value != 0;
}

static bool xen_netback_read_features(XenNetbackDevice *netback,
                                      Error **errp)
{
    NetifFeatures *f = &netback->features;

    if (!xen_netback_read_flag(netback, "request-rx-copy")) {
        /* Page flipping was removed from Xen long ago. */
        error_setg(errp, "frontend does not support rx-copy");
        return false;
    }
    if (xen_netback_read_flag(netback, "feature-gso-tcpv4-prefix") ||
        xen_netback_read_flag(netback, "feature-gso-tcpv6-prefix")) {
        error_setg(errp, "frontend asks for GSO prefixes, which "
                   "are not supported");
        return false;
    }

#define READ_FEATURE(field, key) \
    f->field = xen_netback_read_flag(netback, key);
    NETIF_FEATURES(READ_FEATURE)
#undef READ_FEATURE

    /* GSO packets need scatter-gather: one page cannot hold them. */
    if ((f->gso_tcpv4 || f->gso_tcpv6) && !f->sg) {
        error_setg(errp, "frontend asks for GSO without feature-sg");
        return false;
    }
    if (!f->rx_notify) {
        /*
         * Without it we would have to poll the RX ring for buffers; every
         * frontend since Linux 2.6.18 sets it and Linux netback refuses too.
         */
        error_setg(errp, "frontend does not support feature-rx-notify");
        return false;
    }
    return true;
}

static bool xen_netback_read_queue_refs(XenNetbackDevice *netback,
                                        unsigned int index,
                                        XenNetbackQueueRefs *refs,
                                        Error **errp)
{
    XenDevice *xendev = &netback->xendev;
    g_autofree char *prefix = NULL;
    g_autofree char *key = NULL;

    /* A single-queue frontend writes its keys at the top level. */
    prefix = netback->nr_queues > 1 ? g_strdup_printf("queue-%u/", index)
                                    : g_strdup("");

#define READ_KEY(name, field)                                             \
    do {                                                                  \
        g_free(key);                                                      \
        key = g_strconcat(prefix, name, NULL);                            \
        if (xen_device_frontend_scanf(xendev, key, "%u", field) != 1) {   \
            error_setg(errp, "failed to read %s", key);                   \
            return false;                                                 \
        }                                                                 \
    } while (0)

    READ_KEY("tx-ring-ref", &refs->tx_ring_ref);
    READ_KEY("rx-ring-ref", &refs->rx_ring_ref);

    g_free(key);
    key = g_strconcat(prefix, "event-channel", NULL);
    if (xen_device_frontend_scanf(xendev, key, "%u", &refs->tx_evtchn) == 1) {
        refs->rx_evtchn = refs->tx_evtchn;
    } else {
        READ_KEY("event-channel-tx", &refs->tx_evtchn);
        READ_KEY("event-channel-rx", &refs->rx_evtchn);
    }
#undef READ_KEY
    return true;
}

static bool xen_netback_read_num_queues(XenNetbackDevice *netback,
                                        Error **errp)
{
    char *value = xen_device_frontend_read(&netback->xendev,
                                           "multi-queue-num-queues");
    unsigned int requested = 1;     /* absent: no multi-queue support */
    int ret = 0;

    if (value) {
        ret = qemu_strtoui(value, NULL, 10, &requested);
        if (ret < 0) {
            /* Not one queue: the frontend meant something, and broke it. */
            error_setg(errp, "frontend's multi-queue-num-queues is not a "
                       "number");
        }
        free(value);
    }
    if (ret < 0) {
        return false;
    }
    if (requested < 1 || requested > netback->max_queues) {
        error_setg(errp, "frontend asks for %u queues; between 1 and %u "
                   "are supported", requested, netback->max_queues);
        return false;
    }
    netback->nr_queues = requested;
    return true;
}

/* ------------------------------------------------------------------ */
/* Connect and disconnect */

/*
 * The kernel spreads the tap's packets over its enabled queues: enable
 * exactly those a data plane reads, so no packet waits where nobody looks.
 */
static void xen_netback_enable_tap_queues(XenNetbackDevice *netback,
                                          unsigned int nr_enabled)
{
    unsigned int i;

    if (netback->nr_tap_queues < 2) {
        return;
    }
    for (i = 0; i < netback->nr_tap_queues; i++) {
        NetClientState *peer = qemu_get_peer(netback->nic->ncs, i);

        if (i < nr_enabled) {
            tap_enable(peer);
        } else {
            tap_disable(peer);
        }
    }
}

/*
 * Connect and disconnect wait for the queues' threads, and waiting runs
 * the main loop's bottom halves: fault_bh must not act in between.
 */
static void xen_netback_begin_transition(XenNetbackDevice *netback)
{
    assert(!netback->in_transition);
    netback->in_transition = true;
}

static void xen_netback_end_transition(XenNetbackDevice *netback)
{
    netback->in_transition = false;
    /* A fault raised meanwhile was left for now. */
    qemu_bh_schedule(netback->fault_bh);
}

static void xen_netback_stop_queues(XenNetbackDevice *netback)
{
    unsigned int i;

    trace_xen_netback_disconnect(netback->xendev.frontend_id, netback->vif,
                                 netback->nr_queues);
    /* No control message may reach a queue that is going. */
    xen_netback_ctrl_stop(netback->ctrl);
    netback->ctrl = NULL;
    for (i = 0; i < netback->nr_queues; i++) {
        if (netback->queues[i]) {
            xen_netback_queue_stop(netback->queues[i]);
            xen_netback_queue_destroy(netback->queues[i]);
        }
    }
    g_free(netback->queues);
    netback->queues = NULL;
    netback->nr_queues = 0;
    xen_netback_enable_tap_queues(netback, netback->nr_tap_queues);
}

static void xen_netback_disconnect(XenNetbackDevice *netback)
{
    if (!netback->queues) {
        return;
    }
    xen_netback_begin_transition(netback);
    xen_netback_stop_queues(netback);
    xen_netback_end_transition(netback);
}

static void xen_netback_queue_fault(void *opaque, unsigned int generation,
                                    unsigned int index, const char *cause,
                                    const char *msg);
static void xen_netback_report_fault(XenNetbackDevice *netback,
                                     unsigned int generation,
                                     const char *cause, char *msg);
static void xen_netback_queue_stall(void *opaque, unsigned int index,
                                    bool stalled);

static bool xen_netback_start_queues(XenNetbackDevice *netback, Error **errp)
{
    XenNetbackQueueConfig cfg = {
        .domid = netback->xendev.frontend_id,
        .generation = netback->generation,
        .features = netback->features,
        .guard = &DEVICE(netback)->mem_reentrancy_guard,
        .rx_stall_us = (int64_t)netback->rx_stall_ms * 1000,
        .static_grants = netback->static_grants,
        .resume = netback->took_over,
        .fault = xen_netback_queue_fault,
        .stall = xen_netback_queue_stall,
        .opaque = netback,
    };
    unsigned int i;

    /* The engine's and QAPI's grant modes are the same list. */
    cfg.grant_mode = netback->grant_mode == XEN_NETBACK_GRANT_MODE_MAP ?
                     NETIF_GRANT_MAP : NETIF_GRANT_COPY;

    netback->queues = g_new0(XenNetbackQueue *, netback->nr_queues);
    for (i = 0; i < netback->nr_queues; i++) {
        XenNetbackQueueRefs refs;

        if (!xen_netback_read_queue_refs(netback, i, &refs, errp)) {
            return false;
        }
        cfg.index = i;
        cfg.tap = qemu_get_peer(netback->nic->ncs, i);
        cfg.iothread = netback->nr_iothreads ?
            netback->iothreads[i % netback->nr_iothreads] : NULL;
        netback->queues[i] = xen_netback_queue_create(&cfg);
        if (!xen_netback_queue_start(netback->queues[i], &refs, errp)) {
            error_prepend(errp, "queue %u: ", i);
            return false;
        }
    }
    return true;
}

/* The control ring's view of the device (see XenNetbackCtrlOps). */
static XenNetbackQueue *xen_netback_ctrl_queue(void *opaque,
                                               unsigned int index)
{
    XenNetbackDevice *netback = opaque;

    return netback->queues && index < netback->nr_queues ?
           netback->queues[index] : NULL;
}

static void xen_netback_ctrl_begin(void *opaque)
{
    xen_netback_begin_transition(opaque);
}

static void xen_netback_ctrl_end(void *opaque)
{
    xen_netback_end_transition(opaque);
}

static void xen_netback_ctrl_fault(void *opaque, const char *msg)
{
    XenNetbackDevice *netback = opaque;

    xen_netback_report_fault(netback, netback->generation, "control",
                             g_strdup(msg));
}

static const XenNetbackCtrlOps xen_netback_ctrl_ops = {
    .queue = xen_netback_ctrl_queue,
    .begin = xen_netback_ctrl_begin,
    .end = xen_netback_ctrl_end,
    .fault = xen_netback_ctrl_fault,
};

/*
 * The control ring, if we offered one and the frontend gave its keys
 * (Linux netfront gives none).
 */
static bool xen_netback_start_ctrl(XenNetbackDevice *netback, Error **errp)
{
    XenDevice *xendev = &netback->xendev;
    unsigned int ref, evtchn;

    if (!netback->static_grants ||
        xen_device_frontend_scanf(xendev, "ctrl-ring-ref", "%u", &ref) != 1) {
        return true;
    }
    if (xen_device_frontend_scanf(xendev, "event-channel-ctrl", "%u",
                                  &evtchn) != 1) {
        error_setg(errp, "ctrl-ring-ref without event-channel-ctrl");
        return false;
    }
    netback->ctrl = xen_netback_ctrl_start(xendev, ref, evtchn,
                                           netback->nr_queues, true,
                                           netback->took_over,
                                           &xen_netback_ctrl_ops, netback,
                                           errp);
    return netback->ctrl != NULL;
}

static bool xen_netback_connect(XenNetbackDevice *netback, Error **errp)
{
    ERRP_GUARD();

    if (!xen_netback_read_features(netback, errp) ||
        !xen_netback_read_num_queues(netback, errp)) {
        return false;
    }

    xen_netback_begin_transition(netback);
    netback->generation++;
    if (!xen_netback_start_queues(netback, errp) ||
        !xen_netback_start_ctrl(netback, errp)) {
        xen_netback_stop_queues(netback);
        xen_netback_end_transition(netback);
        return false;
    }
    xen_netback_enable_tap_queues(netback, netback->nr_queues);
    xen_netback_end_transition(netback);
    /* Any later connection is the frontend's own, on fresh rings. */
    netback->took_over = false;

    trace_xen_netback_connect(netback->xendev.frontend_id, netback->vif,
                              netback->nr_queues, netback->features.sg,
                              netback->features.gso_tcpv4,
                              netback->features.gso_tcpv6);
    return true;
}

/*
 * A guest can make us log again each time it reconnects: at most
 * XEN_NETBACK_LOG_BURST lines per vif and minute.
 */
#define XEN_NETBACK_LOG_BURST   10

static void xen_netback_log_guest_error(XenNetbackDevice *netback,
                                        const char *msg)
{
    XenDevice *xendev = &netback->xendev;
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    if (now - netback->log_window_start >= 60 * 1000) {
        if (netback->log_lines > XEN_NETBACK_LOG_BURST) {
            qemu_log_mask(LOG_GUEST_ERROR, "xen-netback %s (domain %u, "
                          "vif %d): %u more faults not logged\n",
                          xendev->name, xendev->frontend_id, netback->vif,
                          netback->log_lines - XEN_NETBACK_LOG_BURST);
        }
        netback->log_window_start = now;
        netback->log_lines = 0;
    }
    if (netback->log_lines++ < XEN_NETBACK_LOG_BURST) {
        qemu_log_mask(LOG_GUEST_ERROR, "xen-netback %s (domain %u, vif %d): "
                      "%s\n", xendev->name, xendev->frontend_id,
                      netback->vif, msg);
    }
}

/*
 * Record a fault for the administrator and the toolstack: @cause (a
 * static string: the engine's cause name, "control" or "connect") and
 * @msg stay until the frontend connects again.
 */
static void xen_netback_set_error(XenNetbackDevice *netback,
                                  const char *cause, const char *msg)
{
    XenDevice *xendev = &netback->xendev;

    netback->error_cause = cause;
    netback->faults++;

    xen_netback_log_guest_error(netback, msg);
    xen_device_backend_printf(xendev, "error", "%s", msg);
    g_free(netback->error);
    netback->error = g_strdup(msg);
}

static void xen_netback_clear_error(XenNetbackDevice *netback)
{
    XenDevice *xendev = &netback->xendev;
    g_autofree char *node = NULL;

    netback->disabled = false;
    if (!netback->error) {
        return;
    }
    g_clear_pointer(&netback->error, g_free);
    netback->error_cause = NULL;
    node = g_strdup_printf("%s/error", xendev->backend_path);
    xs_node_destroy(xendev->xsh, XBT_NULL, node, NULL);
}

/* Stop the vif after a fatal guest fault. */
static void xen_netback_fatal_error(XenNetbackDevice *netback,
                                    const char *cause, const char *msg)
{
    if (netback->disabled) {
        return;
    }
    netback->disabled = true;
    trace_xen_netback_fatal_error(netback->xendev.frontend_id, netback->vif,
                                  msg);
    xen_netback_set_error(netback, cause, msg);
    xen_netback_disconnect(netback);
    xen_device_backend_set_state(&netback->xendev, XenbusStateClosing);
}

/*
 * Record a fault of connection @generation for fault_bh; any thread.
 * @cause is a static string.
 */
static void xen_netback_report_fault(XenNetbackDevice *netback,
                                     unsigned int generation,
                                     const char *cause, char *msg)
{
    qemu_mutex_lock(&netback->fault_lock);
    /* The first fault of a connection is the one to report. */
    if (!netback->fault_msg || netback->fault_generation != generation) {
        g_free(netback->fault_msg);
        netback->fault_msg = msg;
        netback->fault_cause = cause;
        netback->fault_generation = generation;
    } else {
        g_free(msg);
    }
    qemu_mutex_unlock(&netback->fault_lock);
    qemu_bh_schedule(netback->fault_bh);
}

/* Called from a queue's thread (see XenNetbackFaultFn). */
static void xen_netback_queue_fault(void *opaque, unsigned int generation,
                                    unsigned int index, const char *cause,
                                    const char *msg)
{
    xen_netback_report_fault(opaque, generation, cause,
                             g_strdup_printf("queue %u: %s", index, msg));
}

/*
 * The tap's carrier follows the guest's RX: off while any queue's guest
 * is stalled, as Linux netback does it, so the host's qdisc drops what
 * would only wait in the tap's queue.  Called from the queues' threads.
 */
static void xen_netback_queue_stall(void *opaque, unsigned int index,
                                    bool stalled)
{
    XenNetbackDevice *netback = opaque;
    NetClientState *peer = qemu_get_peer(netback->nic->ncs, 0);
    bool change;
    int on;

    QEMU_LOCK_GUARD(&netback->stall_lock);
    if (stalled) {
        change = netback->stalled_queues++ == 0;
    } else {
        assert(netback->stalled_queues > 0);
        change = --netback->stalled_queues == 0;
    }
    if (!change) {
        return;
    }
    on = !stalled;
    trace_xen_netback_carrier(netback->xendev.frontend_id, netback->vif, on,
                              netback->stalled_queues);
    if (ioctl(tap_get_fd(peer), TUNSETCARRIER, &on) < 0) {
        warn_report_once("xen-netback: cannot set the carrier of netdev "
                         "'%s': %s", peer->name, strerror(errno));
    }
}

static void xen_netback_fault_bh(void *opaque)
{
    XenNetbackDevice *netback = opaque;
    g_autofree char *msg = NULL;
    unsigned int generation;
    const char *cause;

    if (netback->in_transition) {
        return;     /* xen_netback_end_transition() schedules us again */
    }
    qemu_mutex_lock(&netback->fault_lock);
    msg = g_steal_pointer(&netback->fault_msg);
    cause = netback->fault_cause;
    generation = netback->fault_generation;
    qemu_mutex_unlock(&netback->fault_lock);

    if (!msg) {
        return;
    }
    if (!netback->queues || generation != netback->generation) {
        /* That connection is gone already. */
        trace_xen_netback_stale_fault(netback->xendev.frontend_id,
                                      netback->vif, generation, msg);
        return;
    }
    xen_netback_fatal_error(netback, cause, msg);
}

/*
 * device_del went offline and Closing, and the frontend has closed: the
 * device may go.  xen-bus removes it through its watch on
 * backend/qnetback/<xen_domid>, so only for a frontend in this QEMU's own
 * domain; a dom0 QEMU serving other guests (-xen-domid 0) removes its
 * devices here, the way xen-bus does.
 */
static void xen_netback_unplug_bh(void *opaque)
{
    XenNetbackDevice *netback = opaque;
    XenDevice *xendev = &netback->xendev;

    if (DEVICE(netback)->realized && !xendev->backend_online &&
        xen_device_backend_get_state(xendev) == XenbusStateClosed) {
        Error *local_err = NULL;

        if (xendev->inactive) {
            QLIST_REMOVE(xendev, list);
            xendev->inactive = false;
        }
        /* A vif xen-vif-backend made goes with its tap, through it. */
        if (!xen_backend_try_device_destroy(xendev, &local_err)) {
            object_unparent(OBJECT(netback));
        }
        if (local_err) {
            error_report_err(local_err);
        }
    }
    object_unref(OBJECT(netback));
}

static void xen_netback_finish_unplug(XenNetbackDevice *netback)
{
    if (netback->xendev.frontend_id == xen_domid) {
        return;     /* xen-bus's own watch sees it */
    }
    object_ref(OBJECT(netback));
    /* iohandler: never inside the waits of a connect or disconnect. */
    aio_bh_schedule_oneshot(iohandler_get_aio_context(),
                            xen_netback_unplug_bh, netback);
}

/*
 * The toolstack removes a dead domain's whole xenstore tree, frontend
 * nodes included: the frontend then reads Unknown, and the domain's own
 * directory (which the guest cannot remove) is gone too.
 */
static bool xen_netback_frontend_domain_gone(XenNetbackDevice *netback)
{
    XenBus *xenbus = XEN_BUS(qdev_get_parent_bus(DEVICE(netback)));
    g_autofree char *path = g_strdup_printf("/local/domain/%u",
                                            netback->xendev.frontend_id);
    void *value = qemu_xen_xs_read(xenbus->xsh, XBT_NULL, path, NULL);

    if (value) {
        free(value);
        return false;
    }
    return errno == ENOENT;     /* not a transient failure to read */
}

/*
 * A frontend that connects again and again keeps the main loop busy with
 * xenstore round trips: a few dozen per connection (our reads of its keys,
 * xen-bus's watches on every state node written), each several ms under
 * emulation, which stall every vif served from the main loop.  So
 * connections are paced per vif: a burst of XEN_NETBACK_CONNECT_BURST,
 * then one per XEN_NETBACK_CONNECT_INTERVAL_MS.  One that comes too soon
 * waits in InitWait for its turn (netif.h sets no deadline there) and is
 * made then if the frontend still wants it.  No guest connects that often
 * but one playing with us.
 */
#define XEN_NETBACK_CONNECT_BURST       10
#define XEN_NETBACK_CONNECT_INTERVAL_MS 2000

/* Take a connection's turn: 0, or how many ms until it comes. */
static int64_t xen_netback_connect_wait(XenNetbackDevice *netback)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    netback->connect_credit_ms = MIN(netback->connect_credit_ms +
                                     now - netback->connect_credit_at,
                                     XEN_NETBACK_CONNECT_BURST *
                                     XEN_NETBACK_CONNECT_INTERVAL_MS);
    netback->connect_credit_at = now;
    if (netback->connect_credit_ms < XEN_NETBACK_CONNECT_INTERVAL_MS) {
        return XEN_NETBACK_CONNECT_INTERVAL_MS - netback->connect_credit_ms;
    }
    netback->connect_credit_ms -= XEN_NETBACK_CONNECT_INTERVAL_MS;
    return 0;
}

static void xen_netback_frontend_changed(XenDevice *xendev,
                                         enum xenbus_state frontend_state,
                                         Error **errp);

/* A paced connection's turn: the frontend may have moved on meanwhile. */
static void xen_netback_connect_timer(void *opaque)
{
    XenNetbackDevice *netback = opaque;
    XenDevice *xendev = &netback->xendev;

    Error *local_err = NULL;

    if (xendev->frontend_state == XenbusStateConnected) {
        xen_netback_frontend_changed(xendev, XenbusStateConnected,
                                     &local_err);
        if (local_err) {
            error_report_err(local_err);
        }
    }
}

static void xen_netback_frontend_changed(XenDevice *xendev,
                                         enum xenbus_state frontend_state,
                                         Error **errp)
{
    XenNetbackDevice *netback = XEN_NETBACK(xendev);
    enum xenbus_state backend_state = xen_device_backend_get_state(xendev);
    Error *local_err = NULL;
    int64_t wait;

    trace_xen_netback_frontend_changed(xendev->frontend_id, netback->vif,
                                       xs_strstate(frontend_state),
                                       xs_strstate(backend_state));

    switch (frontend_state) {
    case XenbusStateConnected:
        if (netback->shutting_down) {
            break;      /* QEMU is exiting: no new connection */
        }
        if (backend_state != XenbusStateInitWait &&
            backend_state != XenbusStateInitialised) {
            /* Already connected, or closing after a fault. */
            break;
        }
        wait = xen_netback_connect_wait(netback);
        if (wait) {
            netback->connects_paced++;
            trace_xen_netback_connect_paced(xendev->frontend_id,
                                            netback->vif, wait);
            timer_mod(netback->connect_timer,
                      qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + wait);
            break;
        }
        /*
         * A frontend that comes back after a fault starts afresh.  Done
         * here: xen-bus handles its Initialising (Closed -> InitWait)
         * without calling us.
         */
        xen_netback_clear_error(netback);
        if (!xen_netback_connect(netback, &local_err)) {
            /*
             * Reported here, once, as the frontend's fault; xen-bus would
             * only report it again.
             */
            xen_netback_set_error(netback, "connect",
                                  error_get_pretty(local_err));
            error_free(local_err);
            xen_device_backend_set_state(xendev, XenbusStateClosing);
            break;
        }
        xen_device_backend_set_state(xendev, XenbusStateConnected);
        break;

    case XenbusStateClosing:
        xen_netback_disconnect(netback);
        xen_device_backend_set_state(xendev, XenbusStateClosing);
        break;

    case XenbusStateClosed:
    case XenbusStateUnknown:
        xen_netback_disconnect(netback);
        xen_device_backend_set_state(xendev, XenbusStateClosed);
        if (frontend_state == XenbusStateUnknown && xendev->backend_online &&
            xen_netback_frontend_domain_gone(netback)) {
            /*
             * The guest is gone (xl destroy, shutdown, crash): so is the
             * device, as if device_del had run, with its backend nodes,
             * so a dom0 QEMU serving several guests keeps nothing of it.
             */
            trace_xen_netback_frontend_gone(xendev->frontend_id,
                                            netback->vif);
            xen_device_backend_printf(xendev, "online", "%u", 0);
            xendev->backend_online = false;
        }
        if (!xendev->backend_online) {
            xen_netback_finish_unplug(netback);
        }
        break;

    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Realize */

static char *xen_netback_get_name(XenDevice *xendev, Error **errp)
{
    XenNetbackDevice *netback = XEN_NETBACK(xendev);
    XenBus *xenbus = XEN_BUS(qdev_get_parent_bus(DEVICE(xendev)));
    int idx;

    if (netback->vif >= 0) {
        return g_strdup_printf("%d", netback->vif);
    }

    /*
     * Pick the first vif index the frontend domain does not use yet. In
     * real Xen, libxl numbers its own vifs from 0; start at 1 so a guest's
     * first (toolstack) vif and ours do not collide, as xen_nic.c does.
     */
    for (idx = xen_mode == XEN_EMULATE ? 0 : 1; idx < 256; idx++) {
        Error *local_err = NULL;
        char *value = xs_node_read(xenbus->xsh, XBT_NULL, NULL, &local_err,
                                   "/local/domain/%u/device/vif/%d",
                                   xendev->frontend_id, idx);
        if (!value) {
            error_free(local_err);
            if (errno == ENOENT) {
                netback->vif = idx;
                return g_strdup_printf("%d", idx);
            }
            error_setg_errno(errp, errno, "cannot read vif %d of domain %u",
                             idx, xendev->frontend_id);
            return NULL;
        }
        free(value);
    }
    error_setg(errp, "no free vif index for domain %u", xendev->frontend_id);
    return NULL;
}

static bool xen_netback_check_netdev(XenNetbackDevice *netback, Error **errp)
{
    NetClientState *peer = netback->conf.peers.ncs[0];
    unsigned int i;

    if (!peer) {
        error_setg(errp, "'netdev' property is required (a tap netdev)");
        return false;
    }
    netback->nr_tap_queues = netback->conf.peers.queues;
    for (i = 0; i < netback->nr_tap_queues; i++) {
        peer = netback->conf.peers.ncs[i];
        if (peer->info->type != NET_CLIENT_DRIVER_TAP) {
            error_setg(errp, "netdev '%s' is not a tap netdev; xen-netback "
                       "writes to tap queues directly", peer->name);
            return false;
        }
        if (!qemu_has_vnet_hdr(peer)) {
            error_setg(errp, "netdev '%s' has no virtio-net header support "
                       "(use vnet_hdr=on)", peer->name);
            return false;
        }
    }

    if (netback->max_queues == 0) {
        netback->max_queues = MIN(netback->nr_tap_queues,
                                  XEN_NETBACK_MAX_QUEUES);
    }
    if (netback->max_queues > netback->nr_tap_queues) {
        error_setg(errp, "queues=%u but netdev '%s' has only %u queue%s "
                   "(set queues=N on the tap netdev)", netback->max_queues,
                   netback->conf.peers.ncs[0]->name, netback->nr_tap_queues,
                   netback->nr_tap_queues == 1 ? "" : "s");
        return false;
    }
    if (netback->max_queues > XEN_NETBACK_MAX_QUEUES) {
        error_setg(errp, "queues=%u is more than the %u supported",
                   netback->max_queues, XEN_NETBACK_MAX_QUEUES);
        return false;
    }
    if (netback->static_grants > NETIF_MAX_STATIC_GRANTS) {
        error_setg(errp, "static-grants=%u is more than the %u supported",
                   netback->static_grants, NETIF_MAX_STATIC_GRANTS);
        return false;
    }
    return true;
}

static bool xen_netback_check_iothreads(XenNetbackDevice *netback,
                                        Error **errp)
{
    unsigned int i;

    if (netback->iothread && netback->nr_iothread_ids) {
        error_setg(errp, "set either 'iothread' or 'iothreads', not both");
        return false;
    }
    if (netback->iothread) {
        netback->nr_iothreads = 1;
        netback->iothreads = g_new(IOThread *, 1);
        netback->iothreads[0] = netback->iothread;
        object_ref(OBJECT(netback->iothread));
        return true;
    }

    netback->iothreads = g_new0(IOThread *, netback->nr_iothread_ids);
    for (i = 0; i < netback->nr_iothread_ids; i++) {
        IOThread *iothread = iothread_by_id(netback->iothread_ids[i]);

        if (!iothread) {
            error_setg(errp, "iothreads[%u]: no iothread with id '%s'",
                       i, netback->iothread_ids[i]);
            return false;
        }
        object_ref(OBJECT(iothread));
        netback->iothreads[netback->nr_iothreads++] = iothread;
    }
    return true;
}

/*
 * While a queue serves the frontend, its data plane reads the tap itself
 * and QEMU does not poll it.  Otherwise there is no guest to deliver to:
 * what QEMU reads from the tap is dropped, as on a link without a peer,
 * rather than queued in QEMU where nothing would ever take it.
 */
static ssize_t xen_netback_receive(NetClientState *nc, const uint8_t *buf,
                                   size_t size)
{
    return size;
}

static NetClientInfo xen_netback_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = xen_netback_receive,
};

static void xen_netback_advertise(XenNetbackDevice *netback)
{
    XenDevice *xendev = &netback->xendev;
    uint8_t *mac = netback->conf.macaddr.a;
    g_autofree char *want = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                                            mac[0], mac[1], mac[2], mac[3],
                                            mac[4], mac[5]);
    char *have = xs_node_read(xendev->xsh, XBT_NULL, NULL, NULL, "%s/mac",
                              xendev->frontend_path);

    /*
     * The toolstack wrote the frontend's mac when it made the vif (in a
     * driver domain, where the frontend area is not ours to write).
     */
    if (!have || g_ascii_strcasecmp(have, want)) {
        xen_device_frontend_printf(xendev, "mac", "%s", want);
    }
    free(have);

    xen_device_backend_printf(xendev, "feature-sg", "%u", 1);
    xen_device_backend_printf(xendev, "feature-gso-tcpv4", "%u", 1);
    xen_device_backend_printf(xendev, "feature-gso-tcpv6", "%u", 1);
    xen_device_backend_printf(xendev, "feature-ipv6-csum-offload", "%u", 1);
    xen_device_backend_printf(xendev, "feature-rx-copy", "%u", 1);
    xen_device_backend_printf(xendev, "feature-rx-flip", "%u", 0);
    xen_device_backend_printf(xendev, "feature-split-event-channels",
                              "%u", 1);
    xen_device_backend_printf(xendev, "multi-queue-max-queues", "%u",
                              netback->max_queues);
    if (netback->static_grants) {
        /* For static grants: the hash messages are NOT_SUPPORTED. */
        xen_device_backend_printf(xendev, "feature-ctrl-ring", "%u", 1);
    }
}

/*
 * QEMU is about to exit (SIGHUP from libxl, SIGTERM, QMP quit): stop the
 * data plane now, while the main loop and the taps still exist.  At exit
 * net_cleanup() deletes the taps before xen-bus unrealizes its devices
 * from an exit notifier, where the queues' taps would be gone.
 */
static void xen_netback_shutdown(Notifier *notifier, void *data)
{
    XenNetbackDevice *netback = container_of(notifier, XenNetbackDevice,
                                             shutdown);

    netback->shutting_down = true;
    xen_netback_disconnect(netback);
}

static void xen_netback_realize(XenDevice *xendev, Error **errp)
{
    ERRP_GUARD();
    XenNetbackDevice *netback = XEN_NETBACK(xendev);
    unsigned int state;

    if (!xen_netback_check_netdev(netback, errp) ||
        !xen_netback_check_iothreads(netback, errp)) {
        return;
    }

    qemu_macaddr_default_if_unset(&netback->conf.macaddr);
    netback->nic = qemu_new_nic(&xen_netback_net_info, &netback->conf,
                                object_get_typename(OBJECT(xendev)),
                                DEVICE(xendev)->id,
                                &xendev->qdev.mem_reentrancy_guard, netback);
    qemu_format_nic_info_str(qemu_get_queue(netback->nic),
                             netback->conf.macaddr.a);

    netback->fault_bh = qemu_bh_new_guarded(xen_netback_fault_bh, netback,
                                            &DEVICE(xendev)->mem_reentrancy_guard);
    netback->connect_timer = timer_new_ms(QEMU_CLOCK_REALTIME,
                                          xen_netback_connect_timer, netback);
    netback->connect_credit_ms = XEN_NETBACK_CONNECT_BURST *
                                 XEN_NETBACK_CONNECT_INTERVAL_MS;
    netback->connect_credit_at = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    /*
     * xen-bus has not written InitWait yet: a Connected state here was
     * left by the backend that served this vif and died (SIGKILL, a
     * crash).  The frontend still runs on those rings; we resume them.
     */
    if (xs_node_scanf(xendev->xsh, XBT_NULL, xendev->backend_path, "state",
                      NULL, "%u", &state) == 1 &&
        state == XenbusStateConnected) {
        netback->took_over = true;
        /*
         * The toolstack never writes a backend/qnetback vif: its frontend
         * area is the dead backend's, ours now to remove.
         */
        if (!object_dynamic_cast(OBJECT(xendev), TYPE_XEN_NETBACK_VIF)) {
            xendev->frontend_created = true;
        }
        warn_report("xen-netback: vif %d of domain %u was Connected to a "
                    "backend that is gone: taking its rings over",
                    netback->vif, xendev->frontend_id);
    }
    xen_netback_advertise(netback);
    netback->shutdown.notify = xen_netback_shutdown;
    qemu_register_shutdown_notifier(&netback->shutdown);
    trace_xen_netback_realize(xendev->frontend_id, netback->vif,
                              netback->max_queues, netback->nr_iothreads);
}

static void xen_netback_unrealize(XenDevice *xendev)
{
    XenNetbackDevice *netback = XEN_NETBACK(xendev);
    unsigned int i;

    trace_xen_netback_unrealize(xendev->frontend_id, netback->vif);

    if (netback->shutdown.notify) {
        notifier_remove(&netback->shutdown);
        netback->shutdown.notify = NULL;
    }
    xen_netback_disconnect(netback);
    if (netback->fault_bh) {
        /* A fault still pending has no connection left to act on. */
        qemu_bh_delete(netback->fault_bh);
        netback->fault_bh = NULL;
    }
    g_clear_pointer(&netback->connect_timer, timer_free);
    g_clear_pointer(&netback->fault_msg, g_free);
    /*
     * At exit net_cleanup() has deleted the taps already, and deleting
     * the NIC then never returns: the process is ending, leave it.
     */
    if (netback->nic && !netback->shutting_down) {
        qemu_del_nic(netback->nic);
    }
    netback->nic = NULL;
    for (i = 0; i < netback->nr_iothreads; i++) {
        object_unref(OBJECT(netback->iothreads[i]));
    }
    g_free(netback->iothreads);
    netback->iothreads = NULL;
    netback->nr_iothreads = 0;
    g_clear_pointer(&netback->error, g_free);
}

static const Property xen_netback_properties[] = {
    DEFINE_NIC_PROPERTIES(XenNetbackDevice, conf),
    DEFINE_PROP_INT32("vif", XenNetbackDevice, vif, -1),
    DEFINE_PROP_UINT32("queues", XenNetbackDevice, max_queues, 0),
    /* How long a frame may wait for the guest's buffers (Linux: 10 s). */
    DEFINE_PROP_UINT32("rx-stall-ms", XenNetbackDevice, rx_stall_ms, 0),
    /*
     * Static grants a frontend may add per queue over the control ring:
     * by default full TX and RX rings of pages; 0 offers no control ring.
     */
    DEFINE_PROP_UINT32("static-grants", XenNetbackDevice, static_grants,
                       NETIF_TX_RING_SIZE + NETIF_RX_RING_SIZE),
    DEFINE_PROP_LINK("iothread", XenNetbackDevice, iothread, TYPE_IOTHREAD,
                     IOThread *),
    DEFINE_PROP_ARRAY("iothreads", XenNetbackDevice, nr_iothread_ids,
                      iothread_ids, qdev_prop_string, char *),
};

/*
 * Copy is the default: on the test bed one grant copy call per batch beat
 * a batched map plus unmap (and its TLB flushes) on every rune.
 */
static int xen_netback_get_grant_mode(Object *obj, Error **errp)
{
    return XEN_NETBACK(obj)->grant_mode;
}

static void xen_netback_set_grant_mode(Object *obj, int value, Error **errp)
{
    if (DEVICE(obj)->realized) {
        error_setg(errp, "grant-mode cannot change on a realized device");
        return;
    }
    XEN_NETBACK(obj)->grant_mode = value;
}

static void xen_netback_instance_init(Object *obj)
{
    XenNetbackDevice *netback = XEN_NETBACK(obj);

    netback->grant_mode = XEN_NETBACK_GRANT_MODE_COPY;
    qemu_mutex_init(&netback->fault_lock);
    qemu_mutex_init(&netback->stall_lock);
}

static void xen_netback_instance_finalize(Object *obj)
{
    XenNetbackDevice *netback = XEN_NETBACK(obj);

    /*
     * The iothreads array property: qdev released its strings already,
     * the array is the device's to free (as for every DEFINE_PROP_ARRAY).
     */
    g_free(netback->iothread_ids);
    qemu_mutex_destroy(&netback->fault_lock);
    qemu_mutex_destroy(&netback->stall_lock);
}

static void xen_netback_class_init(ObjectClass *class, void *data)
{
    DeviceClass *dev_class = DEVICE_CLASS(class);
    XenDeviceClass *xendev_class = XEN_DEVICE_CLASS(class);

    xendev_class->backend = "qnetback";
    xendev_class->device = "vif";
    xendev_class->get_name = xen_netback_get_name;
    xendev_class->realize = xen_netback_realize;
    xendev_class->frontend_changed = xen_netback_frontend_changed;
    xendev_class->unrealize = xen_netback_unrealize;

    dev_class->desc = "Xen PV network backend (multi-queue, IOThreads, "
                      "tap data plane)";
    set_bit(DEVICE_CATEGORY_NETWORK, dev_class->categories);
    dev_class->user_creatable = true;
    device_class_set_props(dev_class, xen_netback_properties);
    object_class_property_add_enum(class, "grant-mode", "XenNetbackGrantMode",
                                   &XenNetbackGrantMode_lookup,
                                   xen_netback_get_grant_mode,
                                   xen_netback_set_grant_mode);
    object_class_property_set_description(class, "grant-mode",
        "how guest transmit data is reached: copy (default) or map");
}

static const TypeInfo xen_netback_type_info = {
    .name = TYPE_XEN_NETBACK,
    .parent = TYPE_XEN_DEVICE,
    .instance_size = sizeof(XenNetbackDevice),
    .instance_init = xen_netback_instance_init,
    .instance_finalize = xen_netback_instance_finalize,
    .class_init = xen_netback_class_init,
};

static void xen_netback_register_types(void)
{
    type_register_static(&xen_netback_type_info);
}

type_init(xen_netback_register_types)

/*
 * Registering the backend type makes xen-bus watch backend/qnetback, which
 * is how it finishes an unplug (device_del): once the frontend has closed
 * and the backend is offline and Closed, it unparents the device.
 */
static void xen_netback_backend_create(XenBackendInstance *backend,
                                       QDict *opts, Error **errp)
{
    /* Which tap to serve is QEMU's configuration, not xenstore's. */
    error_setg(errp, "qnetback vif %s: create it with -device xen-netback "
               "or device_add", xen_backend_get_name(backend));
}

static void xen_netback_backend_destroy(XenBackendInstance *backend,
                                        Error **errp)
{
    /* Nothing was created through xenstore, so nothing is destroyed. */
}

static const XenBackendInfo xen_netback_backend_info = {
    .type = "qnetback",
    .create = xen_netback_backend_create,
    .destroy = xen_netback_backend_destroy,
};

static void xen_netback_register_backend(void)
{
    xen_backend_register(&xen_netback_backend_info);
}

xen_backend_init(xen_netback_register_backend);
