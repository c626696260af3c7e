/*
 * qnb-netfront: I/O on a queue's TX and RX rings, with its data pages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_RING_H
#define QNB_RING_H

#include "qnb-netfront.h"
#include "vif.h"

/* Queue @req on @q as is (but for its id); tx_push() publishes. */
void tx_put(VifQueue *q, const netif_tx_request_t *req);
/* The request queued on @q @back slots before the next one (1: the last). */
netif_tx_request_t *tx_queued(VifQueue *q, unsigned int back);
/* Publish the requests queued on @q and notify the backend. */
void tx_push(VifQueue *q);
/* The same, notifying only if the backend asked (as a netfront does). */
void tx_push_lazy(VifQueue *q);
unsigned int tx_queue_layout(VifQueue *q, const uint8_t *frame, size_t len,
                             const unsigned int *sizes, unsigned int nr,
                             uint16_t flags0, unsigned int offset);
/* Queue a frame on @q in one slot. */
unsigned int tx_queue_frame(VifQueue *q, const uint8_t *frame, size_t len);
unsigned int tx_collect(VifQueue *q, unsigned int nr, int16_t *status,
                        unsigned int ms);
const char *rsp_name(int16_t st);

/* Post @nr RX buffers of @q and notify the backend. */
void rx_post(VifQueue *q, unsigned int nr);
/* The same, notifying only if the backend asked. */
void rx_post_lazy(VifQueue *q, unsigned int nr);
/*
 * Take @q's RX responses for @ms: count frames in @frames, those
 * containing @marker in @marked.  Every consumed buffer is posted again.
 * False, with a note, on a bad response.
 */
bool rx_poll(VifQueue *q, unsigned int ms, const char *marker,
             unsigned int *frames, unsigned int *marked, Detail *d);
/*
 * rx_poll() on every queue of @v's connection at once: @frames and
 * @marked have v->nr_queues counts, one per queue.
 */
bool rx_poll_all(Vif *v, unsigned int ms, const char *marker,
                 unsigned int *frames, unsigned int *marked, Detail *d);

#endif
