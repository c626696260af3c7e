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
void tx_put_extra(VifQueue *q, const struct netif_extra_info *extra);
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
typedef enum RxRsp {
    RX_RSP_NONE,               /* no response there */
    RX_RSP_DATA,               /* a data response, checked against the pool */
    RX_RSP_EXTRA,              /* an extra-info slot, skipped */
    RX_RSP_BAD,                /* a response naming no buffer of ours */
} RxRsp;

/*
 * Take @q's next RX response into @rsp, if there is one; @extra_next
 * carries, from one call to the next, whether an extra-info slot follows.
 */
RxRsp rx_next_response(VifQueue *q, bool *extra_next,
                       netif_rx_response_t *rsp);
/*
 * Take @q's RX responses for @ms: count frames in @frames, those
 * containing @marker in @marked.  Every consumed buffer is posted again.
 * It ends early once a frame with @marker came and then none for
 * RX_POLL_QUIET_MS: for frames dom0 sent before it answered.
 * False, with a note, on a bad response.
 */
#define RX_POLL_QUIET_MS    1000
bool rx_poll(VifQueue *q, unsigned int ms, const char *marker,
             unsigned int *frames, unsigned int *marked, Detail *d);
/*
 * rx_poll() on every queue of @v's connection at once, for all of @ms:
 * @frames and @marked have v->nr_queues counts, one per queue.
 */
bool rx_poll_all(Vif *v, unsigned int ms, const char *marker,
                 unsigned int *frames, unsigned int *marked, Detail *d);

#endif
