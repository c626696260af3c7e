/*
 * qnb-netfront: the bench cases (make bench's userspace netfront).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_BENCH_H
#define QNB_BENCH_H

#include "qnb-netfront.h"
#include "vif.h"

/* Seconds each direction runs (--secs). */
extern unsigned int opt_secs;

/* Traffic with the buffers named by grant references: grant copy/map. */
bool case_bench(Vif *v, Detail *d);
/* The same with the buffers added as static grants first. */
bool case_bench_static(Vif *v, Detail *d);

#endif
