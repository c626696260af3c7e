/*
 * qnb-netfront: the test packets: Ethernet frames with a UDP datagram
 * from our address (--ip) to dom0's listener (--peer).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "packet.h"

#define UDP_SPORT       7008
#define UDP_DPORT       7009    /* dom0's listener */
#define TCP_DPORT       7012    /* nobody listens: the frames only cross */

static uint16_t ip_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/*
 * The broadcast Ethernet and IPv4 headers (DF, TTL 64, from our address to
 * dom0's) of a frame carrying @l4len bytes of protocol @proto; returns
 * where the transport header goes.
 */
static uint8_t *build_eth_ipv4(uint8_t *f, const Vif *v, uint8_t proto,
                               size_t l4len)
{
    size_t iplen = 20 + l4len;
    uint8_t *ip = f + 14;
    uint32_t sum;

    memset(f, 0xff, 6);
    memcpy(f + 6, v->mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;

    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(iplen >> 8);
    ip[3] = (uint8_t)iplen;
    ip[6] = 0x40;               /* DF */
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, &opt_ip, 4);
    memcpy(ip + 16, &opt_peer, 4);
    sum = ip_csum(ip, 20, 0);
    ip[10] = (uint8_t)(~sum >> 8);
    ip[11] = (uint8_t)~sum;
    return ip + 20;
}

/*
 * A broadcast Ethernet frame with a UDP datagram from our address to dom0's
 * listener, carrying @text padded to @plen bytes.  With @partial, the UDP
 * checksum holds the pseudo-header sum, for NETTXF_csum_blank.
 */
size_t build_udp(uint8_t *f, const Vif *v, const char *text, size_t plen,
                 bool partial)
{
    return build_udp_to(f, v, UDP_DPORT, text, plen, partial);
}

size_t build_udp_to(uint8_t *f, const Vif *v, uint16_t dport,
                    const char *text, size_t plen, bool partial)
{
    size_t tlen = strlen(text), ulen;
    uint8_t *ip = f + 14, *udp;
    uint32_t sum;

    if (plen < tlen) {
        plen = tlen;
    }
    ulen = 8 + plen;
    udp = build_eth_ipv4(f, v, 17, ulen);

    udp[0] = UDP_SPORT >> 8;
    udp[1] = UDP_SPORT & 0xff;
    udp[2] = (uint8_t)(dport >> 8);
    udp[3] = (uint8_t)dport;
    udp[4] = (uint8_t)(ulen >> 8);
    udp[5] = (uint8_t)ulen;
    udp[6] = udp[7] = 0;
    memcpy(udp + 8, text, tlen);
    memset(udp + 8 + tlen, '.', plen - tlen);
    if (plen > tlen) {
        udp[8 + plen - 1] = '\n';
    }
    if (partial) {
        /* ~csum_tcpudp_magic(): the folded pseudo-header, not inverted. */
        sum = ip_csum(ip + 12, 8, 17 + (uint32_t)ulen);
        udp[6] = (uint8_t)(sum >> 8);
        udp[7] = (uint8_t)sum;
    }
    return 14 + 20 + ulen;
}

/*
 * The same with a TCP segment (PSH|ACK, no connection behind it) to port
 * TCP_DPORT: for the GSO and checksum offload cases.  With @partial, the
 * TCP checksum holds the pseudo-header sum.
 */
size_t build_tcp(uint8_t *f, const Vif *v, const char *text, size_t plen,
                 bool partial)
{
    size_t tlen = strlen(text), tcplen;
    uint8_t *ip = f + 14, *tcp;
    uint32_t sum;

    if (plen < tlen) {
        plen = tlen;
    }
    tcplen = 20 + plen;
    tcp = build_eth_ipv4(f, v, 6, tcplen);

    memset(tcp, 0, 20);
    tcp[0] = UDP_SPORT >> 8;
    tcp[1] = UDP_SPORT & 0xff;
    tcp[2] = TCP_DPORT >> 8;
    tcp[3] = TCP_DPORT & 0xff;
    tcp[7] = 1;                 /* seq 1 */
    tcp[12] = 5 << 4;           /* 20-byte header */
    tcp[13] = 0x18;             /* PSH|ACK */
    tcp[14] = 0x02;             /* window 512 */
    memcpy(tcp + 20, text, tlen);
    memset(tcp + 20 + tlen, '.', plen - tlen);
    sum = ip_csum(ip + 12, 8, 6 + (uint32_t)tcplen);
    if (!partial) {
        sum = ip_csum(tcp, tcplen, sum);
        sum = ~sum;
    }
    tcp[16] = (uint8_t)(sum >> 8);
    tcp[17] = (uint8_t)sum;
    return 14 + 20 + tcplen;
}
