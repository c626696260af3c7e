/*
 * qnetback netif engine: queue creation, teardown and shared helpers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdarg.h>

#include "netif-int.h"

#define NETIF_ERROR netif_error_quark()

static GQuark netif_error_quark(void)
{
    return g_quark_from_static_string("netif-error-quark");
}

void netif_count_cause(NetifQueue *q, NetifCause cause)
{
    NetifDirStats *dir = netif_cause_is_rx(cause) ? &q->stats.rx :
                                                    &q->stats.tx;

    __atomic_store_n(&q->stats.cause[cause], q->stats.cause[cause] + 1,
                     __ATOMIC_RELAXED);
    if (netif_cause_kind(cause) == NETIF_CAUSE_KIND_DROP) {
        __atomic_store_n(&dir->drops, dir->drops + 1, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(&dir->errors, dir->errors + 1, __ATOMIC_RELAXED);
    }
}

void netif_fatal(NetifQueue *q, NetifCause cause, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    if (q->disabled) {
        return;
    }
    q->disabled = true;
    netif_count_cause(q, cause);

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    q->ops->fatal(q->opaque, cause, msg);
}

static bool netif_config_check(const NetifConfig *cfg, GError **errp)
{
    const NetifQueueOps *ops = cfg->ops;

    if (!cfg->tx_sring || !cfg->rx_sring) {
        g_set_error(errp, NETIF_ERROR, 0, "missing shared ring");
        return false;
    }
    if (cfg->vnet_hdr_len != NETIF_VNET_HDR_LEN &&
        cfg->vnet_hdr_len != NETIF_VNET_HDR_MRG_LEN) {
        g_set_error(errp, NETIF_ERROR, 0, "vnet header length %u, not %u or %u",
                    cfg->vnet_hdr_len, NETIF_VNET_HDR_LEN,
                    NETIF_VNET_HDR_MRG_LEN);
        return false;
    }
    if (cfg->rx_stall_us < 0) {
        g_set_error(errp, NETIF_ERROR, 0, "negative RX stall bound");
        return false;
    }
    if (cfg->max_batch > NETIF_MAX_BATCH) {
        g_set_error(errp, NETIF_ERROR, 0, "batch of %u packets, above %u",
                    cfg->max_batch, (unsigned int)NETIF_MAX_BATCH);
        return false;
    }
    if (cfg->max_static_grants > NETIF_MAX_STATIC_GRANTS) {
        g_set_error(errp, NETIF_ERROR, 0, "%u static grants, above %u",
                    cfg->max_static_grants,
                    (unsigned int)NETIF_MAX_STATIC_GRANTS);
        return false;
    }
    if (cfg->max_static_grants && (!ops || !ops->map || !ops->unmap)) {
        g_set_error(errp, NETIF_ERROR, 0, "static grants need map and unmap");
        return false;
    }
    if (!ops || !ops->copy || !ops->tap_writev || !ops->tap_readv ||
        !ops->notify || !ops->fatal || !ops->rx_stall ||
        (cfg->grant_mode == NETIF_GRANT_MAP && (!ops->map || !ops->unmap))) {
        g_set_error(errp, NETIF_ERROR, 0, "missing queue operation");
        return false;
    }
    if (cfg->grant_mode != NETIF_GRANT_MAP &&
        cfg->grant_mode != NETIF_GRANT_COPY) {
        g_set_error(errp, NETIF_ERROR, 0, "unknown grant mode %d",
                    cfg->grant_mode);
        return false;
    }
    return true;
}

NetifQueue *netif_queue_new(const NetifConfig *cfg, GError **errp)
{
    NetifQueue *q;

    if (!netif_config_check(cfg, errp)) {
        return NULL;
    }

    q = g_new0(NetifQueue, 1);
    q->cfg = *cfg;
    if (!q->cfg.max_batch) {
        q->cfg.max_batch = NETIF_DEFAULT_BATCH;
    }
    if (!q->cfg.rx_stall_us) {
        q->cfg.rx_stall_us = NETIF_DEFAULT_RX_STALL_US;
    }
    q->ops = cfg->ops;
    q->opaque = cfg->opaque;

    /*
     * Attach where the published responses end: 0 on a fresh ring.  After
     * a backend restart the rings are still live: what the previous
     * backend left unanswered is answered first (cfg->resume), and the
     * rest served as ever.  Linux's netback attaches the same way.  A
     * frontend lying about rsp_prod only chooses where its own requests
     * are read from.
     */
    BACK_RING_ATTACH(&q->tx, cfg->tx_sring,
                     __atomic_load_n(&cfg->tx_sring->rsp_prod, __ATOMIC_RELAXED),
                     NETIF_PAGE_SIZE);
    BACK_RING_ATTACH(&q->rx, cfg->rx_sring,
                     __atomic_load_n(&cfg->rx_sring->rsp_prod, __ATOMIC_RELAXED),
                     NETIF_PAGE_SIZE);
    q->rx_pushed = q->rx.rsp_prod_pvt;
    q->rx_static_end = q->rx.req_cons;
    q->tx_resume = q->rx_resume = cfg->resume;
    q->tx_ring_size = RING_SIZE(&q->tx);
    q->rx_ring_size = RING_SIZE(&q->rx);

    netif_tx_init(q);
    netif_rx_init(q);
    netif_static_init(q);
    return q;
}

void netif_queue_free(NetifQueue *q)
{
    if (!q) {
        return;
    }
    netif_tx_cleanup(q);
    netif_rx_cleanup(q);
    netif_static_cleanup(q);
    g_free(q);
}

int64_t netif_spurious_delay(unsigned int *run, bool useful)
{
    unsigned int shift;

    if (useful) {
        *run = 0;
        return 0;
    }
    if (*run < 32) {
        (*run)++;
    }
    if (*run <= NETIF_SPURIOUS_THRESHOLD) {
        return 0;
    }
    shift = *run - NETIF_SPURIOUS_THRESHOLD - 1;
    if (shift >= 20 || NETIF_SPURIOUS_DELAY_MIN_US << shift >
                       NETIF_SPURIOUS_DELAY_MAX_US) {
        return NETIF_SPURIOUS_DELAY_MAX_US;
    }
    return NETIF_SPURIOUS_DELAY_MIN_US << shift;
}

int64_t netif_queue_event(NetifQueue *q, bool tx, bool rx)
{
    uint64_t progress = q->stats.tx.slots + q->stats.rx.slots;
    bool useful;

    if (tx) {
        NETIF_STAT_ADD(q, tx.events, 1);
    }
    if (rx) {
        NETIF_STAT_ADD(q, rx.events, 1);
    }
    /*
     * Work done since the last event counts: with adaptive polling the
     * requests an event announces are often consumed before it is read.
     */
    useful = progress != q->event_progress ||
             (tx && netif_tx_has_work(q)) || (rx && netif_rx_has_work(q));
    q->event_progress = progress;
    if (!useful && tx) {
        NETIF_STAT_ADD(q, tx.spurious, 1);
    }
    if (!useful && rx) {
        NETIF_STAT_ADD(q, rx.spurious, 1);
    }
    return netif_spurious_delay(&q->spurious_run, useful);
}

bool netif_queue_has_work(const NetifQueue *q)
{
    if (q->disabled) {
        return false;
    }
    /* Hints only: the polls validate what they read. */
    return netif_tx_has_work(q) || netif_rx_has_work(q);
}

void netif_queue_get_stats(const NetifQueue *q, NetifStats *out)
{
    const uint64_t *src = (const uint64_t *)&q->stats;
    uint64_t *dst = (uint64_t *)out;
    size_t i;

    G_STATIC_ASSERT(sizeof(NetifStats) % sizeof(uint64_t) == 0);
    for (i = 0; i < sizeof(NetifStats) / sizeof(uint64_t); i++) {
        dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
    }
}
