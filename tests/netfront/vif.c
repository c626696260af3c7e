/*
 * qnb-netfront: the vif: finding it in xenstore, connecting it like Linux
 * netfront does (grants, rings, event channels, keys) and disconnecting.
 * With v->nr_queues > 1 it uses netif.h's multi-queue keys: the rings and
 * event channel of each queue under queue-N/, the rest at the top level.
 * Every queue has its own TX and RX data pages, so any can carry data
 * (most cases use queue 0 only).  With v->want_static it also gives the
 * backend a control ring (ctrl.c uses it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vif.h"
#include "evtchn.h"
#include "xs.h"

static bool fe_printf(Vif *v, const char *key, const char *fmt, ...)
    G_PRINTF(3, 4);

static bool fe_printf(Vif *v, const char *key, const char *fmt, ...)
{
    char path[128], value[128];
    va_list ap;

    snprintf(path, sizeof(path), "%s/%s", v->fe, key);
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xs_write(path, value);
}

int be_state(Vif *v)
{
    char path[300];

    snprintf(path, sizeof(path), "%s/state", v->be);
    return xs_read_int(path, -1);
}

char *be_error(Vif *v)
{
    return xs_read("%s/error", v->be);
}

/* Wait until the backend is in @want; false (with the state seen) if not. */
bool be_wait(Vif *v, int want, unsigned int ms, int *seen)
{
    int64_t deadline = now_ms() + ms;
    int st;

    for (;;) {
        st = be_state(v);
        if (st == want || now_ms() >= deadline) {
            break;
        }
        sleep_ms(5);    /* short: reconnect-cycles waits here a lot */
    }
    if (seen) {
        *seen = st;
    }
    return st == want;
}

static bool vif_find(Vif *v, int index)
{
    char *s;
    unsigned int m[6];

    v->index = index >= 0 ? index : xs_first_index("device/vif");
    if (v->index < 0) {
        say("no vif under device/vif");
        return false;
    }
    snprintf(v->fe, sizeof(v->fe), "device/vif/%d", v->index);
    s = xs_read("%s/backend", v->fe);
    if (!s) {
        say("%s/backend: %s", v->fe, strerror(errno));
        return false;
    }
    snprintf(v->be, sizeof(v->be), "%s", s);
    free(s);
    {
        char path[128];

        snprintf(path, sizeof(path), "%s/backend-id", v->fe);
        v->backend_id = (uint16_t)xs_read_int(path, 0);
    }
    s = xs_read("%s/mac", v->fe);
    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                     &m[4], &m[5]) != 6) {
        say("%s/mac is missing or bad", v->fe);
        free(s);
        return false;
    }
    free(s);
    for (int i = 0; i < 6; i++) {
        v->mac[i] = (uint8_t)m[i];
    }
    /* Multi-queue keys left by an earlier run: removed before connecting. */
    s = xs_read("%s/multi-queue-num-queues", v->fe);
    v->mq_keys = s != NULL;
    free(s);
    /* Likewise control ring keys, which name a gref long given back. */
    s = xs_read("%s/ctrl-ring-ref", v->fe);
    if (!s) {
        s = xs_read("%s/event-channel-ctrl", v->fe);
    }
    v->ctrl_keys = s != NULL;
    free(s);
    say("vif %d: backend %s (domain %u), mac %02x:%02x:%02x:%02x:%02x:%02x",
        v->index, v->be, v->backend_id, v->mac[0], v->mac[1], v->mac[2],
        v->mac[3], v->mac[4], v->mac[5]);
    return true;
}

/* Give every grant back, and count those the backend still maps. */
static void vif_release(Vif *v, int *leaked)
{
    Grants *all[3 * QNB_MAX_QUEUES + 1];
    unsigned int i, n = 0;

    /* Every queue, whatever nr_queues says: release what is there. */
    for (i = 0; i < QNB_MAX_QUEUES; i++) {
        VifQueue *q = &v->q[i];

        if (q->evtchn_fd >= 0) {
            close(q->evtchn_fd);    /* unbinds the port */
            q->evtchn_fd = -1;
        }
        all[n++] = &q->rings;
    }
    if (v->ctrl_fd >= 0) {
        close(v->ctrl_fd);
        v->ctrl_fd = -1;
    }
    v->has_ctrl = false;
    for (i = 0; i < QNB_MAX_QUEUES; i++) {
        all[n++] = &v->q[i].txbuf;
        all[n++] = &v->q[i].rxbuf;
    }
    all[n++] = &v->ctrl_ring;

    leak_check_mark();
    for (i = 0; i < n; i++) {
        grants_free(all[i]);
    }
    if (leaked) {
        /* The kernel logs synchronously, in the release ioctl. */
        *leaked = leak_check_count(all, n);
    }
    for (i = 0; i < n; i++) {
        free(all[i]->refs);
        all[i]->refs = NULL;
    }
}

/* An event channel for the backend, on its own evtchn device. */
static bool vif_evtchn_alloc(Vif *v, int *fd, int *port, Detail *d)
{
    *fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) {
        note(d, "/dev/xen/evtchn: %s", strerror(errno));
        return false;
    }
    *port = evtchn_bind(*fd, v->backend_id);
    if (*port < 0) {
        note(d, "cannot bind an event channel: %s", strerror(errno));
        return false;
    }
    return true;
}

/* Grant and set up the rings of @q, and bind it an event channel. */
static bool vif_queue_alloc(Vif *v, VifQueue *q, Detail *d)
{
    netif_tx_sring_t *txs;
    netif_rx_sring_t *rxs;

    if (!grants_alloc(&q->rings, v->backend_id, 2, true)) {
        note(d, "cannot grant ring pages");
        return false;
    }
    txs = grants_page(&q->rings, 0);
    rxs = grants_page(&q->rings, 1);
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&q->tx, txs, PAGE_SIZE);
    FRONT_RING_INIT(&q->rx, rxs, PAGE_SIZE);
    if (!vif_evtchn_alloc(v, &q->evtchn_fd, &q->port, d)) {
        return false;
    }
    q->rx_port = q->port;
    if (v->split) {
        /* The second port on the same fd: closing it unbinds both. */
        q->rx_port = evtchn_bind(q->evtchn_fd, v->backend_id);
        if (q->rx_port < 0) {
            note(d, "cannot bind an RX event channel: %s", strerror(errno));
            return false;
        }
    }
    return true;
}

/* Grant and set up the control ring, and bind it an event channel. */
static bool vif_ctrl_alloc(Vif *v, Detail *d)
{
    xen_netif_ctrl_sring_t *s;

    if (!grants_alloc(&v->ctrl_ring, v->backend_id, 1, true)) {
        note(d, "cannot grant the control ring page");
        return false;
    }
    s = grants_page(&v->ctrl_ring, 0);
    SHARED_RING_INIT(s);
    FRONT_RING_INIT(&v->ctrl, s, PAGE_SIZE);
    v->ctrl_id = 0;
    return vif_evtchn_alloc(v, &v->ctrl_fd, &v->ctrl_port, d);
}

/* Grant the data pages of @q: its TX pages read-only, its RX buffers. */
static bool vif_queue_pools(Vif *v, VifQueue *q, Detail *d)
{
    q->tx_next_page = 0;
    if (!grants_alloc(&q->txbuf, v->backend_id, TX_POOL, false) ||
        !grants_alloc(&q->rxbuf, v->backend_id, RX_POOL, true)) {
        note(d, "cannot grant the data pages of queue %u", q->index);
        return false;
    }
    return true;
}

/*
 * The rings and event channels of v->nr_queues queues, then their data
 * pages (queue 0's right after the rings, as with a single queue), then
 * the control ring if any.
 */
static bool vif_alloc(Vif *v, Detail *d)
{
    unsigned int i;

    for (i = 0; i < v->nr_queues; i++) {
        if (!vif_queue_alloc(v, &v->q[i], d)) {
            vif_release(v, NULL);
            return false;
        }
    }
    for (i = 0; i < v->nr_queues; i++) {
        if (!vif_queue_pools(v, &v->q[i], d)) {
            vif_release(v, NULL);
            return false;
        }
    }
    if (v->has_ctrl && !vif_ctrl_alloc(v, d)) {
        vif_release(v, NULL);
        return false;
    }
    return true;
}

/*
 * Remove the multi-queue keys of an earlier connect: the backend reads
 * multi-queue-num-queues whenever it is there, and a stale one would
 * send it looking for queue-N/ keys we no longer write.
 */
static bool vif_clear_mq_keys(Vif *v)
{
    char path[128];
    unsigned int i;
    bool ok;

    if (!v->mq_keys) {
        return true;
    }
    snprintf(path, sizeof(path), "%s/multi-queue-num-queues", v->fe);
    ok = xs_rm(path);
    for (i = 0; i < QNB_MAX_QUEUES; i++) {
        snprintf(path, sizeof(path), "%s/queue-%u", v->fe, i);
        ok = xs_rm(path) && ok;
    }
    v->mq_keys = !ok;
    return ok;
}

/*
 * Remove the control ring keys of an earlier connect when this one has no
 * control ring: the backend would map the stale gref.
 */
static bool vif_clear_ctrl_keys(Vif *v)
{
    char path[128];
    bool ok;

    if (!v->ctrl_keys || v->has_ctrl) {
        return true;    /* none, or vif_write_keys() overwrites them */
    }
    snprintf(path, sizeof(path), "%s/ctrl-ring-ref", v->fe);
    ok = xs_rm(path);
    snprintf(path, sizeof(path), "%s/event-channel-ctrl", v->fe);
    ok = xs_rm(path) && ok;
    v->ctrl_keys = !ok;
    return ok;
}

/*
 * Queue @i's keys: at the top level with one queue, else under queue-i/.
 * The channel keys of the other kind (single or split) an earlier
 * connection may have left there go: a backend would read them first.
 */
static bool vif_write_queue_keys(Vif *v, unsigned int i)
{
    static const char *const names[] = {
        "tx-ring-ref", "rx-ring-ref", "event-channel", "event-channel-tx",
        "event-channel-rx",
    };
    VifQueue *q = &v->q[i];
    unsigned int values[] = {
        q->rings.refs[0], q->rings.refs[1], (unsigned int)q->port,
        (unsigned int)q->port, (unsigned int)q->rx_port,
    };
    char prefix[16] = "", key[64], path[160];
    unsigned int k;

    if (v->nr_queues > 1) {
        snprintf(prefix, sizeof(prefix), "queue-%u/", i);
    }
    for (k = 0; k < 5; k++) {
        bool want = k < 2 || (k == 2) != v->split;
        char *old;

        snprintf(key, sizeof(key), "%s%s", prefix, names[k]);
        if (want) {
            if (!fe_printf(v, key, "%u", values[k])) {
                return false;
            }
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", v->fe, key);
        old = xs_read("%s", path);
        if (old) {
            free(old);
            if (!xs_rm(path)) {
                return false;
            }
        }
    }
    return true;
}

/* The frontend's keys, all but state. */
static bool vif_write_keys(Vif *v)
{
    unsigned int i;

    /* With one queue, no multi-queue key: like a frontend without it. */
    if (v->nr_queues > 1) {
        v->mq_keys = true;
        if (!fe_printf(v, "multi-queue-num-queues", "%u", v->nr_queues)) {
            return false;
        }
    }
    for (i = 0; i < v->nr_queues; i++) {
        if (!vif_write_queue_keys(v, i)) {
            return false;
        }
    }
    /* The control ring is the vif's, not a queue's: top level. */
    if (v->has_ctrl) {
        v->ctrl_keys = true;
        if (!fe_printf(v, "ctrl-ring-ref", "%u", v->ctrl_ring.refs[0]) ||
            !fe_printf(v, "event-channel-ctrl", "%d", v->ctrl_port)) {
            return false;
        }
    }
    return fe_printf(v, "request-rx-copy", "1") &&
           fe_printf(v, "feature-rx-notify", "1") &&
           fe_printf(v, "feature-sg", "1") &&
           fe_printf(v, "feature-gso-tcpv4", "0") &&
           fe_printf(v, "feature-gso-tcpv6", "0");
}

bool vif_set_state(Vif *v, int state)
{
    return fe_printf(v, "state", "%d", state);
}

/* Wait for InitWait, allocate v->nr_queues queues, write all but state. */
bool vif_prepare(Vif *v, Detail *d)
{
    char path[300];
    int st, max;

    if (!be_wait(v, XB_INITWAIT, 30000, &st)) {
        note(d, "backend in state %d, not InitWait", st);
        return false;
    }
    /* A backend without multi-queue support does not write the key. */
    snprintf(path, sizeof(path), "%s/multi-queue-max-queues", v->be);
    max = xs_read_int(path, 1);
    v->be_max_queues = max < 1 ? 1 : (unsigned int)max;
    if (v->nr_queues < 1) {
        v->nr_queues = 1;
    }
    if (v->nr_queues > QNB_MAX_QUEUES) {
        v->nr_queues = QNB_MAX_QUEUES;
    }
    if (v->nr_queues > v->be_max_queues) {
        v->nr_queues = v->be_max_queues;
    }
    snprintf(path, sizeof(path), "%s/feature-ctrl-ring", v->be);
    v->be_ctrl_ring = xs_read_int(path, 0) > 0;
    v->has_ctrl = v->want_static && v->be_ctrl_ring;
    snprintf(path, sizeof(path), "%s/feature-split-event-channels", v->be);
    v->split = v->want_split && xs_read_int(path, 0) > 0;
    if (!vif_alloc(v, d)) {
        return false;
    }
    if (!vif_clear_mq_keys(v) || !vif_clear_ctrl_keys(v) ||
        !vif_write_keys(v)) {
        note(d, "cannot write the frontend's keys");
        vif_release(v, NULL);
        return false;
    }
    return true;
}

/* Write state Connected; with @wait, wait until the backend is Connected. */
bool vif_go(Vif *v, Detail *d, bool wait)
{
    unsigned int i;
    char *err;
    int st;

    if (!vif_set_state(v, XB_CONNECTED)) {
        note(d, "cannot write state Connected");
        return false;   /* the caller closes */
    }
    if (!wait) {
        return true;
    }
    if (!be_wait(v, XB_CONNECTED, 20000, &st)) {
        err = be_error(v);
        note(d, "backend went to state %d, not Connected (error: %s)", st,
             err ? err : "none");
        free(err);
        return false;   /* the caller closes */
    }
    v->connected = true;
    for (i = 0; i < v->nr_queues; i++) {
        debug("connected queue %u: tx-ring-ref %u rx-ring-ref %u port %d",
              i, v->q[i].rings.refs[0], v->q[i].rings.refs[1], v->q[i].port);
    }
    if (v->has_ctrl) {
        debug("connected control ring: ctrl-ring-ref %u port %d",
              v->ctrl_ring.refs[0], v->ctrl_port);
    }
    return true;
}

/* Allocate rings and buffers, write our keys, go Connected. */
bool vif_connect(Vif *v, Detail *d)
{
    return vif_prepare(v, d) && vif_go(v, d, true);
}

/*
 * Disconnect like netfront: Closing, Closed, give the grants back (and
 * check the backend let go of every one), then Initialising so the
 * backend goes back to InitWait for the next case.
 */
bool vif_close(Vif *v, Detail *d)
{
    bool ok = true;
    int st, leaked = 0;

    st = be_state(v);
    if (st == XB_CONNECTED || st == XB_INITWAIT) {
        vif_set_state(v, XB_CLOSING);
        if (!be_wait(v, XB_CLOSING, 10000, &st) && st != XB_CLOSED) {
            note(d, "close: backend in %d, not Closing", st);
            ok = false;
        }
    }
    vif_set_state(v, XB_CLOSED);
    if (!be_wait(v, XB_CLOSED, 10000, &st)) {
        note(d, "close: backend in %d, not Closed", st);
        ok = false;
    }
    vif_release(v, &leaked);
    v->connected = false;
    v->nr_queues = 1;           /* the next case asks for more if it wants */
    v->want_static = false;     /* likewise */
    v->want_split = false;
    if (leaked) {
        note(d, "%d grant(s) still in use by backend domain after Closed",
             leaked);
        ok = false;
    }
    vif_set_state(v, XB_INITIALISING);
    if (!be_wait(v, XB_INITWAIT, 10000, &st)) {
        note(d, "reinit: backend in %d, not InitWait", st);
        ok = false;
    }
    return ok;
}

bool vif_wait_removed(Vif *v, Detail *d, unsigned int ms)
{
    int64_t deadline = now_ms() + ms;
    int leaked = 0;
    bool gone;

    while (!(gone = be_state(v) < 0) && now_ms() < deadline) {
        sleep_ms(20);
    }
    if (!gone) {
        note(d, "the backend is still there after %u ms (state %d)", ms,
             be_state(v));
    }
    vif_release(v, &leaked);
    v->connected = false;
    v->removed = true;
    if (leaked) {
        note(d, "%d grant(s) still in use by backend domain after removal",
             leaked);
    }
    return gone && !leaked;
}

/* The vifs used so far, found on first use. */
static Vif vifs[8];
static unsigned int nr_vifs;

Vif *vif_get(int index)
{
    unsigned int i;
    Vif *v;

    for (i = 0; i < nr_vifs; i++) {
        if (vifs[i].index == index) {
            return &vifs[i];
        }
    }
    if (nr_vifs == sizeof(vifs) / sizeof(vifs[0])) {
        return NULL;
    }
    v = &vifs[nr_vifs];
    memset(v, 0, sizeof(*v));
    for (i = 0; i < QNB_MAX_QUEUES; i++) {
        v->q[i].index = i;
        v->q[i].evtchn_fd = -1;
        v->q[i].port = v->q[i].rx_port = -1;
    }
    v->ctrl_fd = -1;
    v->nr_queues = 1;
    if (!vif_find(v, index)) {
        return NULL;
    }
    nr_vifs++;
    return v;
}
