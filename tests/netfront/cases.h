/*
 * qnb-netfront: the cases played against the backend.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_CASES_H
#define QNB_CASES_H

#include "qnb-netfront.h"
#include "vif.h"

/*
 * A case connects @v (v->nr_queues is 1 unless it asks for more), plays,
 * and says in @d what it saw; true if the backend reacted as it should.
 * The caller disconnects.
 */
typedef bool (*CaseFn)(Vif *v, Detail *d);

typedef struct Case {
    const char *name;
    CaseFn fn;
} Case;

extern const Case cases[];
extern const unsigned int nr_cases;

/* The index of case @name in cases[], or -1. */
int find_case(const char *name);

#define BAD_GREF        0xfff0u /* never granted: beyond any v1 table */

/* What the cases share (cases.c). */
VifQueue *case_queue(Vif *v);
int send_good(Vif *v, const char *tag);
bool case_begin(Vif *v, Detail *d, const char *name);
bool expect_alive(Vif *v, Detail *d, const char *name);
bool expect_fatal(Vif *v, Detail *d, const char *name, const char *keyword);
/* RX frames from dom0 on the case's queue (cases.c). */
void rx_steer(Vif *v);
void rx_steer_tick(Vif *v, int64_t *last);
bool rx_sync(Vif *v, const char *what);
void rx_post_others(Vif *v);

/* Unusual TX chains and offloads, tampering, rewriting (hostile-tx.c). */
bool case_tx_odd_chains(Vif *v, Detail *d);
bool case_tx_bad_offloads(Vif *v, Detail *d);
bool case_gso_size_zero(Vif *v, Detail *d);
bool case_missing_slots(Vif *v, Detail *d);
bool case_req_prod_back(Vif *v, Detail *d);
bool case_ring_tamper(Vif *v, Detail *d);
bool case_rewrite_under(Vif *v, Detail *d);

/* Bad RX buffers and indices (hostile-rx.c). */
bool case_rx_bad_buffers(Vif *v, Detail *d);
bool case_rx_bogus_req_prod(Vif *v, Detail *d);
bool case_rx_trickle(Vif *v, Detail *d);

/* xenstore keys and states (hostile-connect.c). */
bool case_connect_keys(Vif *v, Detail *d);
bool case_state_flap(Vif *v, Detail *d);

#endif
