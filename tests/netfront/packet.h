/*
 * qnb-netfront: the test packets: UDP datagrams from us to dom0's
 * listener.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_PACKET_H
#define QNB_PACKET_H

#include "qnb-netfront.h"
#include "vif.h"

/* A frame with @text padded to @plen bytes in @f; its length. */
size_t build_udp(uint8_t *f, const Vif *v, const char *text, size_t plen,
                 bool partial);
/*
 * The same to port @dport of dom0.  UDP_STEER_PORT: dom0 sends a case's
 * RX frames from there to our port, the same flow reversed (rx_sync()).
 */
#define UDP_STEER_PORT  7013
size_t build_udp_to(uint8_t *f, const Vif *v, uint16_t dport,
                    const char *text, size_t plen, bool partial);

size_t build_tcp(uint8_t *f, const Vif *v, const char *text, size_t plen,
                 bool partial);

#endif
