#!/usr/bin/env python3
# Generate the seed corpora of the netif fuzzers (tests/fuzz/corpus/).
# The input formats are described at the top of each fuzz-netif-*.c.
# Run from anywhere; rewrites the corpus directories.
#
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

NETTXF_CSUM_BLANK = 1
NETTXF_DATA_VALIDATED = 2
NETTXF_MORE_DATA = 4
NETTXF_EXTRA_INFO = 8

EXTRA_GSO = 1
EXTRA_MCAST_ADD = 2
EXTRA_HASH = 4
EXTRA_FLAG_MORE = 1

PUBLISH, POLL, TAP_FULL, TAP_ERROR, BOGUS = 1, 2, 4, 8, 16


def csum(data, initial=0):
    if len(data) & 1:
        data += b'\0'
    s = initial
    for i in range(0, len(data), 2):
        s += data[i] << 8 | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def frame(ip=4, l4=6, vlan=False, payload=64):
    eth = bytes.fromhex('525400123456525400abcdef')
    if vlan:
        eth += struct.pack('>HH', 0x8100, 42)
    l4h = (struct.pack('>HHIIBBHHH', 40000, 5201, 1, 0, 5 << 4, 0x18,
                       65535, 0, 0) if l4 == 6 else
           struct.pack('>HHHH', 40000, 5201, 8 + payload, 0))
    seg = l4h + bytes((i * 7) & 0xff for i in range(payload))
    if ip == 4:
        src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        iph = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(seg), 0, 0x4000,
                          64, l4, 0, src, dst)
        iph = iph[:10] + struct.pack('>H', ~csum(iph) & 0xffff) + iph[12:]
        pseudo = src + dst + struct.pack('>BBH', 0, l4, len(seg))
        eth += b'\x08\x00'
    else:
        src, dst = b'\xfd' + b'\0' * 14 + b'\x01', b'\xfd' + b'\0' * 14 + b'\x02'
        iph = struct.pack('>IHBB16s16s', 0x60000000, len(seg), l4, 64, src,
                          dst)
        pseudo = src + dst + struct.pack('>IxxxB', len(seg), l4)
        eth += b'\x86\xdd'
    # partial checksum, as a frontend with csum_blank leaves it
    off = 16 if l4 == 6 else 6
    seg = seg[:off] + struct.pack('>H', csum(pseudo)) + seg[off + 2:]
    return eth + iph + seg


def txreq(gref, offset, flags, rid, size):
    return struct.pack('<IHHHH', gref, offset, flags, rid, size)


def extra(etype, flags, payload=b''):
    return struct.pack('<BB', etype, flags) + payload.ljust(10, b'\0')


def gso(gtype, size, flags=0):
    return extra(EXTRA_GSO, flags, struct.pack('<HBBH', size, gtype, 0, 0))


def tx_input(config, batch, records, pages=b''):
    out = bytes([config, batch, len(records)])
    for ctl, req in records:
        assert len(req) == 12
        out += bytes([ctl]) + req
    return out + pages


def last(records, ctl=PUBLISH | POLL | (3 << 5)):
    records[-1] = (records[-1][0] | ctl, records[-1][1])
    return records


def tx_seeds():
    seeds = {}
    pkt = frame(4, 6, payload=200)
    # page contents: every granted page holds them, repeated
    seeds['single'] = tx_input(0, 63, last([(0, txreq(1, 0, 0, 0, 60))]),
                               pkt)
    seeds['csum-blank'] = tx_input(
        0, 63, last([(0, txreq(1, 0, NETTXF_CSUM_BLANK, 0, len(pkt)))]), pkt)
    seeds['csum-blank-v6-vlan'] = tx_input(
        1, 63, last([(0, txreq(2, 0, NETTXF_CSUM_BLANK, 5, 150))]),
        frame(6, 17, True, 80))
    seeds['sg'] = tx_input(0, 7, last([
        (0, txreq(1, 0, NETTXF_MORE_DATA | NETTXF_CSUM_BLANK, 1, 300)),
        (0, txreq(2, 100, NETTXF_MORE_DATA, 2, 100)),
        (0, txreq(0, 0, NETTXF_MORE_DATA, 3, 0)),
        (0, txreq(3, 4000, 0, 4, 96)),
    ]), pkt)
    seeds['gso'] = tx_input(4 | 8, 63, last([
        (0, txreq(1, 0, NETTXF_EXTRA_INFO | NETTXF_CSUM_BLANK |
                  NETTXF_MORE_DATA, 1, 5000)),
        (0, gso(1, 1448)),
        (0, txreq(2, 0, 0, 2, 904)),
    ]), pkt)
    seeds['extras'] = tx_input(4, 63, last([
        (0, txreq(1, 0, NETTXF_EXTRA_INFO, 1, 0)),
        (0, extra(EXTRA_MCAST_ADD, EXTRA_FLAG_MORE, b'\x01\x00\x5e\x00\x00\x01')),
        (0, extra(EXTRA_HASH, 0, b'\x01\x01\x12\x34\x56\x78')),
        (0, txreq(3, 0, 0, 2, 60)),
    ]), pkt)
    seeds['many-slots'] = tx_input(0, 63, last(
        [(0, txreq(1, 0, NETTXF_MORE_DATA, 0, 20 * 10))] +
        [(0, txreq(1 + i % 16, 0, NETTXF_MORE_DATA if i < 18 else 0, i, 10))
         for i in range(1, 20)]), pkt)
    seeds['bad-gref'] = tx_input(0, 63, last([
        (PUBLISH, txreq(1, 0, 0, 0, 60)),
        (PUBLISH, txreq(18, 0, 0, 1, 60)),
        (PUBLISH, txreq(2, 0, 0, 2, 60)),
    ]), pkt)
    seeds['eagain'] = tx_input(1, 1, [
        (PUBLISH, txreq(1, 0, 0, 0, 60)),
        (PUBLISH, txreq(2, 0, 0, 1, 60)),
        (PUBLISH | POLL | TAP_FULL | (1 << 5), txreq(3, 0, 0, 2, 60)),
        (PUBLISH | POLL | TAP_ERROR, txreq(4, 0, 0, 3, 60)),
    ], pkt)
    seeds['bogus-prod'] = tx_input(0, 63, [
        (PUBLISH, txreq(1, 0, 0, 0, 60)),
        (BOGUS, txreq(0x1000, 0, 0, 0, 0)),
    ], pkt)
    seeds['cross-page'] = tx_input(0, 63, last([
        (0, txreq(1, 4000, 0, 0, 200)),
    ]), pkt)
    return seeds


# fuzz-netif-tx-race: the requests of fuzz-netif-tx, then races.
RACE_PAGE = 0x20
R_GREF, R_OFFSET, R_FLAGS, R_ID, R_SIZE = (1 << i for i in range(5))
STATIC = 16


def race_ring(skip, slot, mask, req):
    return bytes([skip, slot, mask]) + req + b'\0'


def race_page(skip, slot, delta, data):
    assert 0 < len(data) <= 11
    return bytes([skip | RACE_PAGE, slot]) + struct.pack('<HB', delta,
                                                         len(data) - 1) + \
        data.ljust(11, b'\0')


def race_salt(gref):
    return (gref - 1) * 0x35 & 0xff


def for_page(gref, data):
    """The template that puts @data in page @gref."""
    return bytes(b ^ race_salt(gref) for b in data)


def tx_race_input(config, batch, records, races, pages):
    out = bytes([config, batch, len(records)])
    for ctl, req in records:
        assert len(req) == 12
        out += bytes([ctl & ~BOGUS]) + req
    return out + bytes([len(races)]) + b''.join(races) + pages


# A race comes that many points after the one before.  Map mode, one
# batch: points 0-1 at the map, 2-3 at each writev, then two at the unmap;
# copy mode has the copy's two instead of the map's, none after.
RACES = [
    # at the map: a whole new first slot, a byte the check sees (TCP window)
    race_ring(0, 0, 0, txreq(3, 7, NETTXF_MORE_DATA, 0x55, 1000)),
    race_page(0, 0, 48, b'\x12\x34'),
    # at the first writev, after the check: other slots, headers, payload
    race_ring(2, 1, R_SIZE, txreq(0, 0, 0, 0, 4096)),
    race_ring(0, 2, R_OFFSET | R_GREF, txreq(5, 3000, 0, 0, 0)),
    race_page(0, 0, 14, b'\x4f' + b'\xff' * 10),
    race_page(0, 0, 23, b'\x11'),
    race_page(0, 0, 300, b'\xee' * 11),
    race_ring(0, 3, R_FLAGS | R_ID, txreq(0, 0, NETTXF_EXTRA_INFO, 0x77, 0)),
    # later writes and the unmap: ids, the rest
    race_ring(1, 0, R_ID, txreq(0, 0, 0, 0x99, 0)),
    race_page(1, 1, 40, b'\x00' * 11),
    race_ring(1, 4, 0, gso(2, 1)),
]


def tx_race_seeds():
    pkt = frame(4, 6, payload=200)
    seeds = {}
    for name, data in tx_seeds().items():
        if name in ('bogus-prod', 'eagain'):
            continue
        config, batch, n = data[0], data[1], data[2]
        records = [(data[3 + 13 * i], data[4 + 13 * i:16 + 13 * i])
                   for i in range(n)]
        gref = struct.unpack('<I', records[0][1][:4])[0] % 20
        pages = for_page(gref, data[3 + 13 * n:])
        seeds[name] = tx_race_input(config, batch, records, RACES, pages)
        seeds[name + '-copy'] = tx_race_input(config | 1, batch, records,
                                              RACES, pages)
    # the tap full: pages rewritten while a batch waits on it
    seeds['eagain'] = tx_race_input(0, 3, [
        (PUBLISH, txreq(1, 0, NETTXF_CSUM_BLANK, 0, len(pkt))),
        (PUBLISH, txreq(1, 0, NETTXF_CSUM_BLANK, 1, len(pkt))),
        (PUBLISH | POLL | TAP_FULL | (1 << 5), txreq(2, 0, 0, 2, 60)),
        (PUBLISH | POLL, txreq(1, 0, 0, 3, 60)),
    ], [race_page(3, 1, 20, b'\xff' * 11), race_page(0, 1, 200, b'\x01'),
        race_ring(0, 1, R_SIZE | R_OFFSET, txreq(0, 4000, 0, 0, 96)),
        race_page(2, 0, 30, b'\x99' * 4)], pkt)
    # static grants: slots in pages 9..16 read the standing mappings
    for copy in (0, 1):
        seeds['static' + ('-copy' if copy else '')] = tx_race_input(
            STATIC | copy | 4, 63, last([
                (0, txreq(9, 0, NETTXF_EXTRA_INFO | NETTXF_CSUM_BLANK |
                          NETTXF_MORE_DATA, 1, 5000)),
                (0, gso(1, 1448)),
                (0, txreq(12, 0, NETTXF_MORE_DATA, 2, 904)),
                (0, txreq(2, 0, 0, 3, 2000)),
            ]), [race_page(2, 0, 14, b'\x46'), race_page(0, 0, 34, b'\x01'),
                 race_ring(0, 0, R_SIZE, txreq(0, 0, 0, 0, 100)),
                 race_page(0, 2, 100, b'\x42' * 11),
                 race_ring(0, 2, R_GREF, txreq(16, 0, 0, 0, 0))],
            for_page(9, pkt))
    # one packet a batch: the guest rewrites the next packet's headers
    # before they are checked (at the unmap, the map), then after
    seeds['batches'] = tx_race_input(4, 0, last([
        (0, txreq(1, 0, NETTXF_CSUM_BLANK, i, len(pkt))) for i in range(4)
    ]), [race_page(4, 0, 23, b'\x11'), race_page(2, 0, 34, b'\x9c\x41'),
         race_page(2, 0, 23, b'\x06'), race_page(0, 0, 14, b'\x46'),
         race_ring(0, 0, R_SIZE | R_FLAGS, txreq(0, 0, NETTXF_MORE_DATA, 0,
                                                 10)),
         race_page(2, 0, 14, b'\x45')], pkt)
    return seeds


def vnet(flags=0, gso_type=0, hdr_len=0, gso_size=0, start=0, off=0):
    return struct.pack('<BBHHHHH', flags, gso_type, hdr_len, gso_size, start,
                       off, 0)


def hdr_input(features, txflags, vh, gso_extra, pkt):
    return bytes([features, txflags]) + vh + gso_extra[:8] + pkt


def hdr_seeds():
    seeds = {}
    all_feat = 1 | 2 | 4 | 8 | 0x20 | 0x40
    for ip in (4, 6):
        for l4 in (6, 17):
            for vlan in (False, True):
                p = frame(ip, l4, vlan, 100)
                start = 14 + (4 if vlan else 0) + (20 if ip == 4 else 40)
                name = 'ipv%d-%s%s' % (ip, 'tcp' if l4 == 6 else 'udp',
                                       '-vlan' if vlan else '')
                seeds[name] = hdr_input(
                    all_feat, NETTXF_CSUM_BLANK,
                    vnet(1, 0, 0, 0, start, 16 if l4 == 6 else 6),
                    gso(0, 0), p)
                seeds[name + '-sw'] = hdr_input(
                    0x10, NETTXF_DATA_VALIDATED,
                    vnet(1, 0, 0, 0, start, 16 if l4 == 6 else 6),
                    gso(0, 0), p)
    p = frame(4, 6, False, 3000)
    seeds['gso-v4'] = hdr_input(all_feat | 0x80, NETTXF_CSUM_BLANK,
                                vnet(1, 1, 54, 1448, 34, 16), gso(1, 1448), p)
    p = frame(6, 6, False, 3000)
    seeds['gso-v6'] = hdr_input(all_feat | 0x80, 0,
                                vnet(1, 4, 74, 1440, 54, 16), gso(2, 1440), p)
    ext = bytearray(frame(6, 6, False, 40))
    # insert a hop-by-hop header (next: TCP) after the IPv6 header
    ext[20] = 0
    ext = ext[:54] + bytes([6, 0, 1, 4, 0, 0, 0, 0]) + ext[54:]
    seeds['ipv6-ext'] = hdr_input(all_feat, NETTXF_CSUM_BLANK,
                                  vnet(1, 0, 0, 0, 62, 16), gso(0, 0),
                                  bytes(ext))
    seeds['runt'] = hdr_input(0xff, 0xff, vnet(1, 1, 0, 1, 0, 0), gso(1, 1),
                              b'\x01' * 13)
    return seeds


# fuzz-netif-ctrl: control ring messages.
CTRL_SIZE, CTRL_ADD, CTRL_DEL = 8, 9, 10
HOLD, RELEASE, BOGUS_PROD, POLL_ONLY = 12, 13, 14, 15


def ctrl_rec(op, queue=0, count=0, start=0, flags=0, budget=15):
    return bytes([op | budget << 4, queue]) + struct.pack('<H', count) + \
        bytes([start, flags])


def ctrl_seeds():
    full = bytes([150, 0])          # 600 static grants, one queue
    seeds = {
        'size': full + ctrl_rec(CTRL_SIZE) + ctrl_rec(CTRL_SIZE, 1),
        'add-del': full + ctrl_rec(CTRL_ADD, count=8) +
        ctrl_rec(CTRL_SIZE) + ctrl_rec(CTRL_DEL, count=4, start=2),
        'add-readonly': full + ctrl_rec(CTRL_ADD, count=8, start=24,
                                        flags=1),
        'add-refused': full + ctrl_rec(CTRL_ADD, count=0) +
        ctrl_rec(CTRL_ADD, count=513) + ctrl_rec(CTRL_ADD, count=4, flags=2) +
        ctrl_rec(CTRL_ADD, count=4, flags=4) +
        ctrl_rec(CTRL_ADD, count=4, flags=3 << 3) +
        ctrl_rec(CTRL_ADD, count=40) + ctrl_rec(CTRL_ADD, queue=255, count=1),
        'del-held': full + ctrl_rec(CTRL_ADD, count=4) + ctrl_rec(HOLD) +
        ctrl_rec(CTRL_DEL, count=4) + ctrl_rec(RELEASE) +
        ctrl_rec(CTRL_DEL, count=4),
        'hash-and-off': bytes([0, 3]) + b''.join(
            ctrl_rec(t) for t in range(12)),
        'budget': full + b''.join(ctrl_rec(CTRL_SIZE, budget=0)
                                  for _ in range(20)) + ctrl_rec(POLL_ONLY),
        'bogus-prod': full + ctrl_rec(CTRL_ADD, count=2) +
        ctrl_rec(BOGUS_PROD) + ctrl_rec(CTRL_SIZE),
    }
    return seeds


# fuzz-netif-rx: tap frames and RX requests.
RX_COPY, RX_MRG, RX_SG, RX_GSO4, RX_GSO6, RX_V6CSUM, RX_NOCSUM, RX_STATIC = (
    1 << i for i in range(8))
RX_OFFLOADS = RX_SG | RX_GSO4 | RX_GSO6 | RX_V6CSUM
# frame record bits
F_V6, F_UDP, F_VLAN, F_PARTIAL, F_64K = 1, 2, 4, 8, 16
# gref bytes
G_ZERO, G_BEYOND, G_REVOKED, G_RO, G_FRESH = 0, 1, 2, 3, 6
POLL_1024 = 22                  # budget 16 << (22 - 16)


def g_pool(i):
    return 4 | i << 3


def rx_frame(bits, vh, length, over=b''):
    if length >= 65536:
        bits |= F_64K
    return bytes([0 | bits << 3]) + vh + struct.pack('<HB', length & 0xffff,
                                                     len(over)) + over


def rx_post(n):
    out = b''
    while n > 0:
        out += bytes([1 | (min(n, 32) - 1) << 3])
        n -= 32
    return out


def rx_refs(grefs, ids=None):
    assert 0 < len(grefs) <= 16
    a = len(grefs) - 1 | (16 if ids is not None else 0)
    return bytes([2 | a << 3]) + bytes(grefs) + bytes(ids or [])


def rx_bogus(value, relative=False):
    return bytes([3 | int(relative) << 3]) + struct.pack('<I', value)


def rx_poll(a=POLL_1024):
    return bytes([4 | a << 3])


def rx_take(a=0):
    return bytes([5 | a << 3])


def rx_revoke(a):
    return bytes([6 | a << 3])


def rx_static(a):
    return bytes([7 | a << 3])


def rx_restart(resume):
    return bytes([7 | (16 | int(resume)) << 3])


def rx_input(config, batch, *records):
    return bytes([config, batch]) + b''.join(records)


def rx_seeds():
    tcp4 = vnet(1, 0, 0, 0, 34, 16)
    gso4 = vnet(1, 1, 54, 1448, 34, 16)
    gso6 = vnet(1, 4, 74, 1440, 54, 16)
    udp6_vlan = vnet(1, 0, 0, 0, 58, 6)
    # the whole frame from the input: IPv6 with a hop-by-hop header
    ext = bytearray(frame(6, 6, False, 40))
    ext[20] = 0
    ext = bytes(ext[:54] + bytes([6, 0, 1, 4, 0, 0, 0, 0]) + ext[54:])
    seeds = {
        'v6-ext': rx_input(RX_SG, 63, rx_post(2),
                           rx_frame(F_V6, vnet(1, 0, 0, 0, 62, 16),
                                    len(ext), ext),
                           rx_poll(), rx_take()),
        # one small frame, plenty of buffers
        'small': rx_input(RX_OFFLOADS, 63, rx_post(32),
                          rx_frame(F_PARTIAL, tcp4, 100), rx_poll(),
                          rx_take()),
        # 64 KiB of GSO: 17 pages and the extra-info
        'gso-64k': rx_input(RX_OFFLOADS, 63, rx_post(18),
                            rx_frame(F_PARTIAL, gso4, 65549), rx_poll(),
                            rx_take()),
        # too few buffers: the frame waits, then more come
        'too-few': rx_input(RX_OFFLOADS, 7, rx_post(10),
                            rx_frame(F_PARTIAL, gso4, 65549),
                            rx_frame(F_PARTIAL, tcp4, 1500), rx_poll(),
                            rx_take(), rx_post(8), rx_poll(), rx_take(3),
                            rx_post(1), rx_poll(1), rx_take()),
        # requests no copy can fill, and a page revoked once posted
        'bad-gref': rx_input(RX_OFFLOADS | RX_COPY, 63,
                             rx_refs([G_FRESH, G_ZERO, G_BEYOND, G_REVOKED,
                                      G_RO, G_FRESH, G_FRESH]),
                             rx_revoke(5),
                             b''.join(rx_frame(F_PARTIAL, tcp4, 200)
                                      for _ in range(7)),
                             rx_poll(), rx_take()),
        # XSA-39: req_prod far ahead, then just a little ahead
        'bogus-prod': rx_input(RX_OFFLOADS, 63, rx_post(4),
                               rx_frame(F_PARTIAL, tcp4, 100),
                               rx_bogus(256 + 5, True)),
        'bogus-prod-stale': rx_input(RX_OFFLOADS, 63, rx_post(4),
                                     rx_frame(F_PARTIAL, tcp4, 100),
                                     rx_poll(),
                                     b''.join(rx_frame(0, tcp4, 200)
                                              for _ in range(6)),
                                     rx_bogus(3, True)),
        # repeated ids, the same pool page in several requests
        'dup-ids': rx_input(RX_OFFLOADS, 63,
                            rx_refs([g_pool(0), g_pool(0), G_FRESH, G_RO],
                                    [7, 7, 7, 300 & 0xff]),
                            rx_frame(0, tcp4, 60), rx_frame(0, tcp4, 60),
                            rx_frame(0, tcp4, 5000), rx_poll(), rx_take()),
        # IPv6 GSO and a VLAN-tagged UDPv6 frame, copy mode, 12-byte header
        'v6-mrg': rx_input(RX_OFFLOADS | RX_COPY | RX_MRG, 1, rx_post(32),
                           rx_frame(F_V6 | F_PARTIAL, gso6, 20000),
                           rx_frame(F_V6 | F_UDP | F_VLAN | F_PARTIAL,
                                    udp6_vlan, 3000),
                           rx_poll(), rx_take()),
        # checksums the frontend cannot take blank, no sg
        'sw-csum': rx_input(RX_NOCSUM, 63, rx_post(8),
                            rx_frame(F_PARTIAL, tcp4, 1500),
                            rx_frame(F_PARTIAL, gso4, 3000),
                            rx_frame(F_V6 | F_UDP | F_VLAN | F_PARTIAL,
                                     udp6_vlan, 1000),
                            rx_poll(), rx_take()),
        # bogus vnet headers, a runt, a frame over the bound
        'bad-hdr': rx_input(RX_OFFLOADS, 63, rx_post(32),
                            rx_frame(0, vnet(1, 0, 0, 0, 0xffff, 0xffff), 100),
                            rx_frame(0, vnet(1, 0x81, 0xffff, 0, 34, 16), 100),
                            rx_frame(0, vnet(0, 3, 0, 1448, 0, 0), 3000),
                            rx_frame(0, tcp4, 10, b'\xff' * 10),
                            rx_frame(0, vnet(), 65536 + 320),
                            rx_poll(), rx_take()),
        # static grants: frames read straight into the pool's pages (18
        # writable ones posted), then through the buffer; some deleted
        'static': rx_input(RX_OFFLOADS | RX_STATIC, 63,
                           rx_refs([g_pool(i) for i in range(12)] +
                                   [g_pool(i) for i in range(4)]),
                           rx_refs([g_pool(4), g_pool(5)]),
                           rx_frame(F_PARTIAL, tcp4, 1500),
                           rx_frame(F_PARTIAL, gso4, 9000), rx_poll(),
                           rx_take(), rx_static(3), rx_static(3),
                           rx_static(7),
                           rx_refs([g_pool(i) for i in range(12)] +
                                   [g_pool(0)] * 3 + [g_pool(12)]),
                           rx_refs([g_pool(7)] * 2),
                           rx_frame(0, vnet(), 4000), rx_poll(), rx_take()),
        # a backend restart on live rings: requests left behind are
        # served on, or answered with errors (resume)
        'restart': rx_input(RX_OFFLOADS | RX_STATIC, 63, rx_post(6),
                            rx_frame(F_PARTIAL, tcp4, 100), rx_poll(),
                            rx_restart(False),
                            rx_frame(F_PARTIAL, tcp4, 5000), rx_poll(),
                            rx_take(1), rx_restart(True),
                            rx_frame(F_PARTIAL, tcp4, 100), rx_poll(),
                            rx_post(1), rx_poll(), rx_take()),
        # small budgets and batches over many frames
        'budget': rx_input(RX_OFFLOADS, 2, rx_post(64),
                           b''.join(rx_frame(0, vnet(), 60 + i)
                                    for i in range(20)),
                           rx_poll(1), rx_poll(3), rx_take(5), rx_poll(0),
                           rx_poll(8), rx_take()),
        # regression, found by this fuzzer: a 40 KiB frame whose vnet
        # header says ECN alone (no GSO) and NEEDS_CSUM, into 18 static
        # pages; it was checksummed over its first page's end
        'static-ecn': bytes.fromhex(
            'bc3f7a040c141c242c343c444c545c040c141c0a242c4001800000000000'
            '283a00000000a000'),
    }
    return seeds


def write(target, seeds):
    d = os.path.join(HERE, 'corpus', target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


write('tx', tx_seeds())
write('tx-race', tx_race_seeds())
write('rx', rx_seeds())
write('hdr', hdr_seeds())
write('ctrl', ctrl_seeds())
