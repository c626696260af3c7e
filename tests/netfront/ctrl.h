/*
 * qnb-netfront: the control ring (netif.h "Control ring") and the static
 * grants it manages (netif.h "Static Grants").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_CTRL_H
#define QNB_CTRL_H

#include "qnb-netfront.h"
#include "vif.h"

/* What ctrl_call() returns when there is no XEN_NETIF_CTRL_STATUS_*. */
#define CTRL_TIMEOUT        (-1)    /* no response in time */
#define CTRL_BAD_RESPONSE   (-2)    /* our id with another type, or junk */
#define CTRL_LOCAL_ERROR    (-3)    /* no control ring, table, or bad args */
#define CTRL_TABLE_HELD     (-4)    /* answered, but the table still mapped */

/* Entries in one table page; the backend takes no more per message. */
#define CTRL_MAX_GREFS      (PAGE_SIZE / sizeof(struct xen_netif_gref))

/* Preset in each entry's status, to see those the backend did not set. */
#define CTRL_STATUS_UNSET   0xffffu

/*
 * Send one request on v's control ring and wait up to @ms for its
 * response.  Returns the response's status (a XEN_NETIF_CTRL_STATUS_*),
 * with its data in @data if not NULL, or a CTRL_* error.
 */
int ctrl_call(Vif *v, uint16_t type, uint32_t d0, uint32_t d1, uint32_t d2,
              uint32_t *data, unsigned int ms);
/* A ctrl_call() result, or an entry status, for the notes. */
const char *ctrl_status_name(int status);

/*
 * ADD or DEL on @queue with a table of the @n entries of @e (read back
 * into @e afterwards), the message saying @count entries (hostile cases
 * send counts that do not match).
 */
int ctrl_table(Vif *v, uint16_t type, uint32_t queue,
               struct xen_netif_gref *e, unsigned int n, uint32_t count,
               uint32_t *data);

/*
 * Add every page of queue @queue's txbuf (read-only entries if granted
 * read-only) and rxbuf as static grants of that queue, in one
 * ADD_GREF_MAPPING, checking the room the backend has for them
 * (GET_GREF_MAPPING_SIZE of that queue) before and after.  False, with a
 * note, on any trouble.
 */
bool static_add_pools(Vif *v, unsigned int queue, Detail *d);
/* static_add_pools() for every queue of the connection, 0 first. */
bool static_add_all_pools(Vif *v, Detail *d);

/*
 * DEL_GREF_MAPPING of @refs[@n] from queue @queue: the entries' statuses
 * in @status_out[@n], the response's count of unmapped grefs in
 * @removed.  Returns what ctrl_call() does.
 */
int static_del(Vif *v, unsigned int queue, const uint32_t *refs,
               unsigned int n, unsigned int *removed, uint16_t *status_out);

#endif
