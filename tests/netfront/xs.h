/*
 * qnb-netfront: a xenstore client over the xenbus device (the xs_wire.h
 * protocol, no libxenstore), and the rendezvous with dom0 (--sync).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_XS_H
#define QNB_XS_H

#include "qnb-netfront.h"

bool xs_open(void);
/* A node's value, NUL-terminated and malloc'd, or NULL with errno. */
char *G_PRINTF(1, 2) xs_read(const char *fmt, ...);
int xs_read_int(const char *path, int dflt);
bool xs_write(const char *path, const char *value);
/* Remove a node and its children; true if it is gone (or never was). */
bool xs_rm(const char *path);
/* The smallest numeric entry of a directory, or -1. */
int xs_first_index(const char *path);

/*
 * With --sync, meet dom0 at the point named by @fmt (in data/qnb-sync,
 * dom0 answers in data/qnb-ack); true at once without.
 */
bool sync_point(const char *fmt, ...) G_PRINTF(1, 2);
/*
 * sync_point(), calling @poll(@opaque) instead of sleeping while dom0 has
 * not answered: dom0 answers some points only once it has sent us its
 * traffic, which we must take meanwhile.  @poll should take about 100 ms.
 */
bool sync_point_poll(void (*poll)(void *opaque), void *opaque,
                     const char *fmt, ...) G_PRINTF(3, 4);

#endif
