/*
 * qnb-netfront: event channels, with /dev/xen/evtchn.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_EVTCHN_H
#define QNB_EVTCHN_H

/* A port for @remote on the evtchn device @fd, or -1 with errno. */
int evtchn_bind(int fd, unsigned int remote);
void evtchn_notify(int fd, int port);
/* Consume pending events and unmask their ports; we poll the rings. */
void evtchn_drain(int fd);

#endif
