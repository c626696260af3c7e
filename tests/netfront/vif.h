/*
 * qnb-netfront: the vif: its xenstore nodes, and connecting and
 * disconnecting like Linux netfront does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_VIF_H
#define QNB_VIF_H

/* ring.h wants the barriers of the including environment. */
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#include <stdint.h>
#include <xen/io/netif.h>

#include "qnb-netfront.h"
#include "gnt.h"

#define TX_POOL         64      /* TX data pages */
#define RX_POOL         64      /* RX buffers */

enum {
    XB_UNKNOWN, XB_INITIALISING, XB_INITWAIT, XB_INITIALISED, XB_CONNECTED,
    XB_CLOSING, XB_CLOSED,
};

typedef struct Vif {
    int index;
    char fe[64];                /* device/vif/N, relative to our domain */
    char be[256];
    uint16_t backend_id;
    uint8_t mac[6];

    Grants rings;               /* page 0: TX ring, page 1: RX ring */
    Grants txbuf;
    Grants rxbuf;
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    int evtchn_fd;
    int port;
    unsigned int tx_next_page;
    bool connected;
} Vif;

int be_state(Vif *v);
/* The backend's error node, malloc'd, or NULL. */
char *be_error(Vif *v);
/* Wait until the backend is in @want; false (with the state seen) if not. */
bool be_wait(Vif *v, int want, unsigned int ms, int *seen);

/* Allocate rings and buffers, write our keys, go Connected. */
bool vif_connect(Vif *v, Detail *d);
/* Disconnect, and leave the backend in InitWait for the next case. */
bool vif_close(Vif *v, Detail *d);

/* Vif @index (the first one if -1), found in xenstore on first use. */
Vif *vif_get(int index);

#endif
