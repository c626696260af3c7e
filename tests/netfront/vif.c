/*
 * qnb-netfront: the vif: finding it in xenstore, connecting it like Linux
 * netfront does (grants, rings, event channel, keys) and disconnecting.
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
        sleep_ms(20);
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
    say("vif %d: backend %s (domain %u), mac %02x:%02x:%02x:%02x:%02x:%02x",
        v->index, v->be, v->backend_id, v->mac[0], v->mac[1], v->mac[2],
        v->mac[3], v->mac[4], v->mac[5]);
    return true;
}

static void vif_release(Vif *v, int *leaked)
{
    Grants *all[] = { &v->rings, &v->txbuf, &v->rxbuf };

    if (v->evtchn_fd >= 0) {
        close(v->evtchn_fd);    /* unbinds the port */
        v->evtchn_fd = -1;
    }
    leak_check_mark();
    grants_free(&v->rings);
    grants_free(&v->txbuf);
    grants_free(&v->rxbuf);
    if (leaked) {
        /* The kernel logs synchronously, in the release ioctl. */
        *leaked = leak_check_count(all, 3);
    }
    free(v->rings.refs);
    free(v->txbuf.refs);
    free(v->rxbuf.refs);
    v->rings.refs = v->txbuf.refs = v->rxbuf.refs = NULL;
}

/* Grant the rings and buffers, set the rings up, bind an event channel. */
static bool vif_alloc(Vif *v, Detail *d)
{
    v->evtchn_fd = -1;
    if (!grants_alloc(&v->rings, v->backend_id, 2, true) ||
        !grants_alloc(&v->txbuf, v->backend_id, TX_POOL, false) ||
        !grants_alloc(&v->rxbuf, v->backend_id, RX_POOL, true)) {
        note(d, "cannot grant pages");
        vif_release(v, NULL);
        return false;
    }
    {
        netif_tx_sring_t *txs = grants_page(&v->rings, 0);
        netif_rx_sring_t *rxs = grants_page(&v->rings, 1);

        SHARED_RING_INIT(txs);
        SHARED_RING_INIT(rxs);
        FRONT_RING_INIT(&v->tx, txs, PAGE_SIZE);
        FRONT_RING_INIT(&v->rx, rxs, PAGE_SIZE);
    }
    v->tx_next_page = 0;
    v->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (v->evtchn_fd < 0) {
        note(d, "/dev/xen/evtchn: %s", strerror(errno));
        vif_release(v, NULL);
        return false;
    }
    v->port = evtchn_bind(v->evtchn_fd, v->backend_id);
    if (v->port < 0) {
        note(d, "cannot bind an event channel: %s", strerror(errno));
        vif_release(v, NULL);
        return false;
    }
    return true;
}

/* The frontend's keys, ending with state Connected. */
static bool vif_write_keys(Vif *v)
{
    return fe_printf(v, "tx-ring-ref", "%u", v->rings.refs[0]) &&
           fe_printf(v, "rx-ring-ref", "%u", v->rings.refs[1]) &&
           fe_printf(v, "event-channel", "%d", v->port) &&
           fe_printf(v, "request-rx-copy", "1") &&
           fe_printf(v, "feature-rx-notify", "1") &&
           fe_printf(v, "feature-sg", "1") &&
           fe_printf(v, "feature-gso-tcpv4", "0") &&
           fe_printf(v, "feature-gso-tcpv6", "0") &&
           fe_printf(v, "state", "%d", XB_CONNECTED);
}

/* Allocate rings and buffers, write our keys, go Connected. */
bool vif_connect(Vif *v, Detail *d)
{
    int st;
    char *err;

    if (!be_wait(v, XB_INITWAIT, 30000, &st)) {
        note(d, "backend in state %d, not InitWait", st);
        return false;
    }
    if (!vif_alloc(v, d)) {
        return false;
    }
    if (!vif_write_keys(v)) {
        note(d, "cannot write the frontend's keys");
        vif_release(v, NULL);
        return false;
    }
    if (!be_wait(v, XB_CONNECTED, 20000, &st)) {
        err = be_error(v);
        note(d, "backend went to state %d, not Connected (error: %s)", st,
             err ? err : "none");
        free(err);
        return false;   /* the caller closes */
    }
    v->connected = true;
    debug("connected: tx-ring-ref %u rx-ring-ref %u port %d",
          v->rings.refs[0], v->rings.refs[1], v->port);
    return true;
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
        fe_printf(v, "state", "%d", XB_CLOSING);
        if (!be_wait(v, XB_CLOSING, 10000, &st) && st != XB_CLOSED) {
            note(d, "close: backend in %d, not Closing", st);
            ok = false;
        }
    }
    fe_printf(v, "state", "%d", XB_CLOSED);
    if (!be_wait(v, XB_CLOSED, 10000, &st)) {
        note(d, "close: backend in %d, not Closed", st);
        ok = false;
    }
    vif_release(v, &leaked);
    v->connected = false;
    if (leaked) {
        note(d, "%d grant(s) still in use by backend domain after Closed",
             leaked);
        ok = false;
    }
    fe_printf(v, "state", "%d", XB_INITIALISING);
    if (!be_wait(v, XB_INITWAIT, 10000, &st)) {
        note(d, "reinit: backend in %d, not InitWait", st);
        ok = false;
    }
    return ok;
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
    v->evtchn_fd = -1;
    if (!vif_find(v, index)) {
        return NULL;
    }
    nr_vifs++;
    return v;
}
