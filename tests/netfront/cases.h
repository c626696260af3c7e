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

#endif
