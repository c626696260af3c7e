/*
 * qnb-netfront: I/O on the vif's TX and RX rings (those of queue 0).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_RING_H
#define QNB_RING_H

#include "qnb-netfront.h"
#include "vif.h"

/* Queue @req as is (but for its id); tx_push() publishes. */
void tx_put(Vif *v, const netif_tx_request_t *req);
/* The request queued @back slots before the next one (1: the last). */
netif_tx_request_t *tx_queued(Vif *v, unsigned int back);
/* Publish the queued requests and notify the backend. */
void tx_push(Vif *v);
unsigned int tx_queue_layout(Vif *v, const uint8_t *frame, size_t len,
                             const unsigned int *sizes, unsigned int nr,
                             uint16_t flags0, unsigned int offset);
/* Queue a frame in one slot. */
unsigned int tx_queue_frame(Vif *v, const uint8_t *frame, size_t len);
unsigned int tx_collect(Vif *v, unsigned int nr, int16_t *status,
                        unsigned int ms);
const char *rsp_name(int16_t st);

/* Post @nr RX buffers and notify the backend. */
void rx_post(Vif *v, unsigned int nr);
bool rx_poll(Vif *v, unsigned int ms, const char *marker,
             unsigned int *frames, unsigned int *marked, Detail *d);

#endif
