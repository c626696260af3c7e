/*
 * qnetback: the data plane glue.  One XenNetbackQueue per netif queue pairs
 * the frontend's TX/RX rings and event channel(s) with tap queue k, and
 * serves both from an IOThread's AioContext (or the main loop's).  The ring
 * and packet work is the netif engine's (netif/); this file gives it grant
 * operations, the tap fd and event channel kicks, vhost style: QEMU's own
 * polling of the tap fd is off while the queue owns it.
 *
 * Lifecycle (main loop, BQL held): create -> start (map rings, bind event
 * channels, take the tap fd, attach to the AioContext) -> stop (detach,
 * release everything start took, in reverse) -> destroy.  A failed start
 * unwinds through stop, so there is one teardown path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "block/aio.h"
#include "block/aio-wait.h"
#include "net/net.h"
#include "net/tap.h"
#include "hw/xen/xen.h"
#include "hw/xen/xen_backend_ops.h"
#include "system/iothread.h"
#include "dataplane.h"
#include "trace.h"

/* Work done per handler run before yielding to other queues (XSA-332). */
#define XEN_NETBACK_TX_BUDGET   256
#define XEN_NETBACK_RX_BUDGET   256

struct XenNetbackQueue {
    XenNetbackQueueConfig cfg;
    AioContext *ctx;

    XenNetbackQueueRefs refs;
    void *tx_sring;
    void *rx_sring;

    /* One handle for both ports: one fd to poll, pending() says which. */
    xenevtchn_handle *xeh;
    int tx_port;                /* local ports, -1 when unbound */
    int rx_port;
    xengnttab_handle *xgt;
    XenGrantCopySegment *copy_segs;
    unsigned int nr_copy_segs;

    int tap_fd;
    bool tap_taken;
    bool tap_read_on;
    bool tap_write_on;

    NetifQueue *engine;
    /* What the last poll of each direction left to wait for. */
    NetifWait tx_wait;
    NetifWait rx_wait;
    QEMUBH *bh;
    QEMUTimer *rx_timer;        /* the engine's RX deadline */
    /* Ports left masked after spurious events, until eoi_timer (XSA-332). */
    QEMUTimer *eoi_timer;
    bool tx_port_masked;
    bool rx_port_masked;
    bool rx_stalled;            /* as the engine last said */
    bool attached;
};

/* ------------------------------------------------------------------ */
/* Engine operations */

static void *xen_netback_op_map(void *opaque, const uint32_t *refs,
                                unsigned int nr, bool writable)
{
    XenNetbackQueue *queue = opaque;

    return qemu_xen_gnttab_map_refs(queue->xgt, nr,
                                    queue->cfg.domid, (uint32_t *)refs,
                                    writable ? PROT_READ | PROT_WRITE
                                             : PROT_READ);
}

static int xen_netback_op_unmap(void *opaque, void *addr,
                                const uint32_t *refs, unsigned int nr)
{
    XenNetbackQueue *queue = opaque;

    return qemu_xen_gnttab_unmap(queue->xgt, addr, (uint32_t *)refs, nr);
}

static int xen_netback_op_copy(void *opaque, bool to_guest,
                               const NetifCopySeg *segs, unsigned int nr)
{
    XenNetbackQueue *queue = opaque;
    unsigned int i;

    if (nr > queue->nr_copy_segs) {
        queue->copy_segs = g_renew(XenGrantCopySegment, queue->copy_segs, nr);
        queue->nr_copy_segs = nr;
    }
    for (i = 0; i < nr; i++) {
        XenGrantCopySegment *seg = &queue->copy_segs[i];

        if (to_guest) {
            seg->source.virt = segs[i].local;
            seg->dest.foreign.ref = segs[i].ref;
            seg->dest.foreign.offset = segs[i].offset;
        } else {
            seg->source.foreign.ref = segs[i].ref;
            seg->source.foreign.offset = segs[i].offset;
            seg->dest.virt = segs[i].local;
        }
        seg->len = segs[i].len;
    }
    /* No Error: a failed segment is the guest's fault, counted by the engine */
    return qemu_xen_gnttab_grant_copy(queue->xgt, to_guest, queue->cfg.domid,
                                      queue->copy_segs, nr, NULL) ? -1 : 0;
}

/* Non-blocking tap I/O for the engine: bytes moved, or -errno. */
static ssize_t xen_netback_tap_io(XenNetbackQueue *queue,
                                  const struct iovec *iov, int iovcnt,
                                  bool write)
{
    ssize_t ret;

    do {
        ret = write ? writev(queue->tap_fd, iov, iovcnt)
                    : readv(queue->tap_fd, iov, iovcnt);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

static ssize_t xen_netback_op_tap_writev(void *opaque,
                                         const struct iovec *iov, int iovcnt)
{
    return xen_netback_tap_io(opaque, iov, iovcnt, true);
}

static ssize_t xen_netback_op_tap_readv(void *opaque,
                                        const struct iovec *iov, int iovcnt)
{
    return xen_netback_tap_io(opaque, iov, iovcnt, false);
}

static void xen_netback_op_notify(void *opaque, bool rx)
{
    XenNetbackQueue *queue = opaque;
    int port = rx ? queue->rx_port : queue->tx_port;

    if (port >= 0) {
        qemu_xen_evtchn_notify(queue->xeh, port);
    }
}

static void xen_netback_queue_set_tap_handlers(XenNetbackQueue *queue,
                                               bool read, bool write);
static void xen_netback_queue_set_evtchn_handler(XenNetbackQueue *queue,
                                                 bool on);

/* Called from the queue's thread; teardown belongs to the main loop. */
static void xen_netback_op_fatal(void *opaque, NetifCause cause,
                                 const char *msg)
{
    XenNetbackQueue *queue = opaque;

    /* Stop polling at once: a disabled engine must not be spun on. */
    xen_netback_queue_set_tap_handlers(queue, false, false);
    xen_netback_queue_set_evtchn_handler(queue, false);
    timer_del(queue->rx_timer);
    queue->cfg.fault(queue->cfg.opaque, queue->cfg.generation,
                     queue->cfg.index, netif_cause_name(cause), msg);
}

/* Called from the queue's thread. */
static void xen_netback_op_rx_stall(void *opaque, bool stalled)
{
    XenNetbackQueue *queue = opaque;

    queue->rx_stalled = stalled;
    trace_xen_netback_queue_rx_stall(queue->cfg.domid, queue->cfg.index,
                                     stalled);
    queue->cfg.stall(queue->cfg.opaque, queue->cfg.index, stalled);
}

static const NetifQueueOps xen_netback_engine_ops = {
    .map = xen_netback_op_map,
    .unmap = xen_netback_op_unmap,
    .copy = xen_netback_op_copy,
    .tap_writev = xen_netback_op_tap_writev,
    .tap_readv = xen_netback_op_tap_readv,
    .notify = xen_netback_op_notify,
    .fatal = xen_netback_op_fatal,
    .rx_stall = xen_netback_op_rx_stall,
};

/* ------------------------------------------------------------------ */
/* Handlers, all in the queue's AioContext */

static void xen_netback_tap_read(void *opaque);
static void xen_netback_tap_write(void *opaque);

static void xen_netback_queue_set_tap_handlers(XenNetbackQueue *queue,
                                               bool read, bool write)
{
    if (queue->tap_read_on == read && queue->tap_write_on == write) {
        return;
    }
    queue->tap_read_on = read;
    queue->tap_write_on = write;
    aio_set_fd_handler(queue->ctx, queue->tap_fd,
                       read ? xen_netback_tap_read : NULL,
                       write ? xen_netback_tap_write : NULL,
                       NULL, NULL, queue);
}

/* Run TX and/or RX, then wait for what their polls asked for. */
static void xen_netback_queue_work(XenNetbackQueue *queue, bool tx, bool rx)
{
    NetifWait wait;

    if (tx) {
        queue->tx_wait = netif_tx_poll(queue->engine, XEN_NETBACK_TX_BUDGET);
    }
    if (rx) {
        queue->rx_wait = netif_rx_poll(queue->engine, XEN_NETBACK_RX_BUDGET);
    }
    wait = queue->tx_wait | queue->rx_wait;
    if (wait & NETIF_WAIT_DISABLED) {
        return;     /* xen_netback_op_fatal() stopped every handler */
    }

    xen_netback_queue_set_tap_handlers(queue, wait & NETIF_WAIT_TAP_READ,
                                       wait & NETIF_WAIT_TAP_WRITE);
    if (wait & NETIF_WAIT_DEADLINE) {
        timer_mod(queue->rx_timer, netif_rx_deadline(queue->engine));
    } else {
        timer_del(queue->rx_timer);
    }
    if (wait & NETIF_WAIT_MORE) {
        /* Budget spent: let other queues and guests run, then go on. */
        qemu_bh_schedule(queue->bh);
    }
}

/*
 * Late EOI, as Linux does it against event storms (XSA-332): a port the
 * kernel masked when it delivered the event is unmasked only after the
 * polls, and after a spurious event only once the engine's delay is over.
 * Kicks meanwhile stay pending in the port, so none is lost.
 */
static void xen_netback_evtchn_event(void *opaque)
{
    XenNetbackQueue *queue = opaque;
    int port = qemu_xen_evtchn_pending(queue->xeh);
    int64_t delay;
    bool tx, rx;

    if (port < 0) {
        return;
    }
    tx = port == queue->tx_port;
    rx = port == queue->rx_port;
    delay = netif_queue_event(queue->engine, tx, rx);
    xen_netback_queue_work(queue, tx, rx);
    if (!delay) {
        qemu_xen_evtchn_unmask(queue->xeh, port);
        return;
    }
    trace_xen_netback_queue_spurious_event(queue->cfg.domid,
                                           queue->cfg.index, port, delay);
    queue->tx_port_masked |= tx;
    queue->rx_port_masked |= rx;
    timer_mod(queue->eoi_timer,
              qemu_clock_get_us(QEMU_CLOCK_REALTIME) + delay);
}

static void xen_netback_queue_unmask_ports(XenNetbackQueue *queue)
{
    if (queue->tx_port_masked) {
        qemu_xen_evtchn_unmask(queue->xeh, queue->tx_port);
    }
    if (queue->rx_port_masked && queue->rx_port != queue->tx_port) {
        qemu_xen_evtchn_unmask(queue->xeh, queue->rx_port);
    }
    queue->tx_port_masked = queue->rx_port_masked = false;
}

static void xen_netback_queue_eoi(void *opaque)
{
    xen_netback_queue_unmask_ports(opaque);
}

/*
 * Adaptive polling: an IOThread spins on this for a while before it
 * sleeps in the event loop, so a busy frontend's requests are seen without
 * an event.  The queue keeps its own evtchn handle (one fd for both ports,
 * pending() says which) rather than xen-bus's XenEventChannel, which has one
 * fd per port.  QEMU polls only while every handler of the AioContext has a
 * poll callback: the tap's read handler has none (a tap cannot be polled
 * without a system call), so this runs only while RX is not waiting for
 * frames (docs/architecture.md has the measurement).
 */
static bool xen_netback_queue_io_poll(void *opaque)
{
    XenNetbackQueue *queue = opaque;

    return netif_queue_has_work(queue->engine);
}

static void xen_netback_queue_io_poll_ready(void *opaque)
{
    xen_netback_queue_work(opaque, true, true);
}

static void xen_netback_queue_set_evtchn_handler(XenNetbackQueue *queue,
                                                 bool on)
{
    aio_set_fd_handler(queue->ctx, qemu_xen_evtchn_fd(queue->xeh),
                       on ? xen_netback_evtchn_event : NULL, NULL,
                       on ? xen_netback_queue_io_poll : NULL,
                       on ? xen_netback_queue_io_poll_ready : NULL, queue);
}

static void xen_netback_tap_read(void *opaque)
{
    xen_netback_queue_work(opaque, false, true);
}

static void xen_netback_tap_write(void *opaque)
{
    xen_netback_queue_work(opaque, true, false);
}

static void xen_netback_queue_bh(void *opaque)
{
    xen_netback_queue_work(opaque, true, true);
}

static void xen_netback_queue_rx_deadline(void *opaque)
{
    /* The engine drops the frame that waited too long (XSA-392). */
    xen_netback_queue_work(opaque, false, true);
}

/* Runs in the queue's AioContext: start serving. */
static void xen_netback_queue_attach_bh(void *opaque)
{
    XenNetbackQueue *queue = opaque;

    xen_netback_queue_set_evtchn_handler(queue, true);
    queue->attached = true;
    /* The frontend may have queued work before we listened. */
    xen_netback_queue_work(queue, true, true);
}

/* Runs in the queue's AioContext: stop serving; nothing runs after it. */
static void xen_netback_queue_detach_bh(void *opaque)
{
    XenNetbackQueue *queue = opaque;

    xen_netback_queue_set_evtchn_handler(queue, false);
    xen_netback_queue_set_tap_handlers(queue, false, false);
    qemu_bh_cancel(queue->bh);
    timer_del(queue->rx_timer);
    timer_del(queue->eoi_timer);
    queue->tx_port_masked = queue->rx_port_masked = false;
    queue->attached = false;
}

/* ------------------------------------------------------------------ */
/* Lifecycle, main loop */

XenNetbackQueue *xen_netback_queue_create(const XenNetbackQueueConfig *cfg)
{
    XenNetbackQueue *queue = g_new0(XenNetbackQueue, 1);

    queue->cfg = *cfg;
    queue->ctx = cfg->iothread ? iothread_get_aio_context(cfg->iothread)
                               : qemu_get_aio_context();
    queue->tx_port = queue->rx_port = -1;
    queue->tap_fd = -1;
    queue->bh = aio_bh_new_guarded(queue->ctx, xen_netback_queue_bh, queue,
                                   cfg->guard);
    /*
     * QEMU_CLOCK_REALTIME and g_get_monotonic_time() both read
     * CLOCK_MONOTONIC: the engine's deadline is a timer expiry in us.
     */
    queue->rx_timer = aio_timer_new(queue->ctx, QEMU_CLOCK_REALTIME,
                                    SCALE_US, xen_netback_queue_rx_deadline,
                                    queue);
    queue->eoi_timer = aio_timer_new(queue->ctx, QEMU_CLOCK_REALTIME,
                                     SCALE_US, xen_netback_queue_eoi, queue);
    return queue;
}

void xen_netback_queue_destroy(XenNetbackQueue *queue)
{
    assert(!queue->engine && !queue->attached);
    timer_free(queue->rx_timer);
    timer_free(queue->eoi_timer);
    qemu_bh_delete(queue->bh);
    g_free(queue->copy_segs);
    g_free(queue);
}

static bool xen_netback_queue_bind(XenNetbackQueue *queue, Error **errp)
{
    domid_t domid = queue->cfg.domid;
    int port;

    queue->xeh = qemu_xen_evtchn_open();
    if (!queue->xeh) {
        error_setg_errno(errp, errno, "failed to open event channel device");
        return false;
    }
    port = qemu_xen_evtchn_bind_interdomain(queue->xeh, domid,
                                            queue->refs.tx_evtchn);
    if (port < 0) {
        error_setg_errno(errp, -port, "failed to bind event channel %u",
                         queue->refs.tx_evtchn);
        return false;
    }
    queue->tx_port = queue->rx_port = port;
    if (queue->refs.rx_evtchn != queue->refs.tx_evtchn) {
        port = qemu_xen_evtchn_bind_interdomain(queue->xeh, domid,
                                                queue->refs.rx_evtchn);
        if (port < 0) {
            error_setg_errno(errp, -port, "failed to bind event channel %u",
                             queue->refs.rx_evtchn);
            return false;
        }
        queue->rx_port = port;
    }
    return true;
}

static bool xen_netback_queue_map_rings(XenNetbackQueue *queue, Error **errp)
{
    domid_t domid = queue->cfg.domid;

    queue->xgt = qemu_xen_gnttab_open();
    if (!queue->xgt) {
        error_setg_errno(errp, errno, "failed to open grant table device");
        return false;
    }
    queue->tx_sring = qemu_xen_gnttab_map_refs(queue->xgt, 1, domid,
                                               &queue->refs.tx_ring_ref,
                                               PROT_READ | PROT_WRITE);
    if (!queue->tx_sring) {
        error_setg_errno(errp, errno, "failed to map tx-ring-ref %u",
                         queue->refs.tx_ring_ref);
        return false;
    }
    queue->rx_sring = qemu_xen_gnttab_map_refs(queue->xgt, 1, domid,
                                               &queue->refs.rx_ring_ref,
                                               PROT_READ | PROT_WRITE);
    if (!queue->rx_sring) {
        error_setg_errno(errp, errno, "failed to map rx-ring-ref %u",
                         queue->refs.rx_ring_ref);
        return false;
    }
    return true;
}

/* Take tap queue k from QEMU's net layer and set it up for the frontend. */
static bool xen_netback_queue_take_tap(XenNetbackQueue *queue, Error **errp)
{
    NetifOffloads ok = netif_rx_offloads(&queue->cfg.features);
    NetClientState *peer = queue->cfg.tap;

    queue->tap_fd = tap_get_fd(peer);
    if (queue->tap_fd < 0) {
        error_setg(errp, "netdev '%s' has no fd", peer->name);
        return false;
    }
    if (!qemu_has_vnet_hdr_len(peer, NETIF_VNET_HDR_LEN)) {
        error_setg(errp, "netdev '%s' cannot use a %u-byte vnet header",
                   peer->name, NETIF_VNET_HDR_LEN);
        return false;
    }
    peer->info->poll(peer, false);
    /* Nothing QEMU read from the tap before is ours to deliver. */
    qemu_purge_queued_packets(peer);
    queue->tap_taken = true;
    if (tap_enable(peer) < 0) {
        error_setg(errp, "cannot enable queue %u of netdev '%s'",
                   queue->cfg.index, peer->name);
        return false;
    }
    qemu_set_vnet_hdr_len(peer, NETIF_VNET_HDR_LEN);
    /* The tap may hand us only what the RX path passes on. */
    qemu_set_offload(peer, ok.csum, ok.tso4, ok.tso6, 0, 0, 0, 0);
    return true;
}

static void xen_netback_queue_release_tap(XenNetbackQueue *queue)
{
    if (queue->tap_taken) {
        queue->cfg.tap->info->poll(queue->cfg.tap, true);
        queue->tap_taken = false;
    }
    queue->tap_fd = -1;
}

bool xen_netback_queue_start(XenNetbackQueue *queue,
                             const XenNetbackQueueRefs *refs, Error **errp)
{
    ERRP_GUARD();
    NetifConfig cfg = { 0 };
    GError *gerr = NULL;

    queue->refs = *refs;
    if (!xen_netback_queue_map_rings(queue, errp) ||
        !xen_netback_queue_bind(queue, errp) ||
        !xen_netback_queue_take_tap(queue, errp)) {
        goto fail;
    }

    cfg.tx_sring = queue->tx_sring;
    cfg.rx_sring = queue->rx_sring;
    cfg.features = queue->cfg.features;
    /* We advertise both GSO types, so the guest may send either. */
    cfg.tx_gso_tcpv4 = true;
    cfg.tx_gso_tcpv6 = true;
    cfg.grant_mode = queue->cfg.grant_mode;
    cfg.vnet_hdr_len = NETIF_VNET_HDR_LEN;
    cfg.rx_stall_us = queue->cfg.rx_stall_us;
    cfg.max_static_grants = queue->cfg.static_grants;
    cfg.resume = queue->cfg.resume;
    cfg.ops = &xen_netback_engine_ops;
    cfg.opaque = queue;
    queue->engine = netif_queue_new(&cfg, &gerr);
    if (!queue->engine) {
        error_setg(errp, "%s", gerr->message);
        g_error_free(gerr);
        goto fail;
    }

    trace_xen_netback_queue_start(queue->cfg.domid, queue->cfg.index,
                                  refs->tx_ring_ref, refs->rx_ring_ref,
                                  refs->tx_evtchn, refs->rx_evtchn,
                                  queue->tap_fd);
    aio_wait_bh_oneshot(queue->ctx, xen_netback_queue_attach_bh, queue);
    return true;

fail:
    xen_netback_queue_stop(queue);
    return false;
}

void xen_netback_queue_stop(XenNetbackQueue *queue)
{
    trace_xen_netback_queue_stop(queue->cfg.domid, queue->cfg.index);

    if (queue->attached) {
        aio_wait_bh_oneshot(queue->ctx, xen_netback_queue_detach_bh, queue);
    }
    if (queue->engine) {
        /* Releases the grants of packets a full tap kept pending. */
        netif_queue_free(queue->engine);
        queue->engine = NULL;
    }
    if (queue->rx_stalled) {
        queue->rx_stalled = false;
        queue->cfg.stall(queue->cfg.opaque, queue->cfg.index, false);
    }
    xen_netback_queue_release_tap(queue);
    if (queue->xeh) {
        if (queue->rx_port >= 0 && queue->rx_port != queue->tx_port) {
            qemu_xen_evtchn_unbind(queue->xeh, queue->rx_port);
        }
        if (queue->tx_port >= 0) {
            qemu_xen_evtchn_unbind(queue->xeh, queue->tx_port);
        }
        qemu_xen_evtchn_close(queue->xeh);
        queue->xeh = NULL;
    }
    queue->tx_port = queue->rx_port = -1;
    if (queue->xgt) {
        if (queue->tx_sring) {
            qemu_xen_gnttab_unmap(queue->xgt, queue->tx_sring,
                                  &queue->refs.tx_ring_ref, 1);
        }
        if (queue->rx_sring) {
            qemu_xen_gnttab_unmap(queue->xgt, queue->rx_sring,
                                  &queue->refs.rx_ring_ref, 1);
        }
        qemu_xen_gnttab_close(queue->xgt);
        queue->xgt = NULL;
    }
    queue->tx_sring = queue->rx_sring = NULL;
}

/* A static grant message, run in the queue's thread. */
typedef struct XenNetbackStaticCall {
    XenNetbackQueue *queue;
    enum { STATIC_ROOM, STATIC_ADD, STATIC_DEL } op;
    NetifGref *grefs;
    unsigned int nr;
    uint32_t status;
    uint32_t result;            /* room, or entries removed */
} XenNetbackStaticCall;

static void xen_netback_queue_static_bh(void *opaque)
{
    XenNetbackStaticCall *call = opaque;
    NetifQueue *engine = call->queue->engine;

    if (!engine) {
        call->status = XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        return;
    }
    switch (call->op) {
    case STATIC_ROOM:
        call->result = netif_static_room(engine);
        call->status = XEN_NETIF_CTRL_STATUS_SUCCESS;
        break;
    case STATIC_ADD:
        call->status = netif_static_add(engine, call->grefs, call->nr);
        break;
    case STATIC_DEL:
        call->status = netif_static_del(engine, call->grefs, call->nr,
                                        &call->result);
        break;
    }
}

static void xen_netback_queue_static_call(XenNetbackStaticCall *call)
{
    XenNetbackQueue *queue = call->queue;

    call->result = 0;
    if (!queue->attached) {
        call->status = XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
        return;
    }
    aio_wait_bh_oneshot(queue->ctx, xen_netback_queue_static_bh, call);
    trace_xen_netback_queue_static(queue->cfg.domid, queue->cfg.index,
                                   call->op, call->nr, call->status,
                                   call->result);
}

uint32_t xen_netback_queue_static_room(XenNetbackQueue *queue)
{
    XenNetbackStaticCall call = { .queue = queue, .op = STATIC_ROOM };

    xen_netback_queue_static_call(&call);
    return call.result;
}

uint32_t xen_netback_queue_static_add(XenNetbackQueue *queue,
                                      const NetifGref *grefs,
                                      unsigned int nr)
{
    XenNetbackStaticCall call = {
        .queue = queue, .op = STATIC_ADD, .grefs = (NetifGref *)grefs,
        .nr = nr,
    };

    xen_netback_queue_static_call(&call);
    return call.status;
}

uint32_t xen_netback_queue_static_del(XenNetbackQueue *queue,
                                      NetifGref *grefs, unsigned int nr,
                                      uint32_t *removed)
{
    XenNetbackStaticCall call = {
        .queue = queue, .op = STATIC_DEL, .grefs = grefs, .nr = nr,
    };

    xen_netback_queue_static_call(&call);
    *removed = call.result;
    return call.status;
}

void xen_netback_queue_get_stats(XenNetbackQueue *queue, NetifStats *stats)
{
    if (queue->engine) {
        netif_queue_get_stats(queue->engine, stats);
    } else {
        memset(stats, 0, sizeof(*stats));
    }
}
