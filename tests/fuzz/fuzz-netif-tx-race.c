/*
 * libFuzzer target: double fetches on guest TX (the XSA-155 class).
 *
 * The fake's maps alias the guest's pages here, and while netif_tx_poll()
 * runs the "guest" races the engine: at each call the engine makes once
 * it has read a batch's requests (grant map, copy and unmap, tap writev),
 * before and after the fake's own part, it may rewrite requests the engine
 * consumed but has not answered, and write into the pages they name.
 * (A target of its own, not a mode of fuzz-netif-tx: its input and its
 * checks are not that target's, and each input runs twice.)
 *
 * Input (see gen-corpus.py):
 *   byte 0      config: bit 0 copy mode, bit 1 12-byte vnet header,
 *               bit 2/3 GSO TCPv4/v6 offered, bit 4 pages 9..16 are
 *               read-only static grants
 *   byte 1      max batch - 1 (mod 64)
 *   byte 2      number of requests N
 *   N records   1 control byte + a 12-byte netif_tx_request (or extra),
 *               as in fuzz-netif-tx: bit 0 publish after it, bit 1 poll
 *               after it, bit 2 tap full for that poll, bit 3 tap write
 *               error, bits 5-7 poll budget (1 << n); bit 4 unused
 *   byte        number of races M
 *   M races     16 bytes each.  Byte 0: bits 0-4 how many race points
 *               (two a call: before and after the fake's part) after the
 *               previous race's, or from the first, this one comes; bit 5
 *               a page write, else a ring rewrite.  Byte 1 picks the
 *               request among the consumed, unanswered ones.  Ring
 *               rewrite: byte 2 the fields (bit 0 gref, 1 offset, 2 flags,
 *               3 id, 4 size; none: the whole slot), bytes 3-14 the new
 *               request.  Page write: bytes 2-3 (little endian) where,
 *               from the request's offset in its page (its gref modulo 16
 *               if not one of ours), byte 4 the length - 1 (mod 11),
 *               bytes 5-15 the bytes.  In copy mode a page write due at a
 *               copy is dropped: the engine then reads the copy it made,
 *               and the checks would have to know which call made it.
 *   rest        the page template: page i holds it repeated, XOR
 *               (i - 1) * 0x35, so that pages differ
 * A gref below 1 << 16 is taken modulo 20, in requests and rewrites: 1..16
 * are granted read-only, 0 and 17..19 are not granted.
 *
 * Each input runs twice, with and without the ring rewrites (the page
 * writes are the same), and the runs must agree to the byte: responses,
 * frames, fatal errors.  Each run must match what the requests as pushed
 * (the first and only read the engine may make) say: one response per
 * request, in ring order, with its id (extras: 0 and NULL), all data slots
 * of a packet with one status; a frame for each packet answered OKAY and
 * not multicast, in order, as long as its first request says; its vnet
 * header and its first NETIF_TX_HDR_COPY bytes the translation of the
 * guest's bytes when the batch was resolved (the headers the engine
 * checked); every later byte, at the place in the page the requests name,
 * the initial byte or one a race wrote there.  A mismatch aborts with a
 * "tx-race:" line; ASan/UBSan catch bad accesses, the fake's read-only
 * mappings any write to the guest's pages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "netif-fake.h"
#include "netif-int.h"  /* q->tx.req_cons: which requests the engine read */

#define NR_PAGES        16
#define NR_STATIC       8       /* pages 9..16 */
#define REC_LEN         13
#define RACE_LEN        16
#define RACE_DATA_MAX   11
#define MAX_REQS        255
#define MAX_RACES       255

#define RACE_PAGE       0x20
#define RACE_SKIP       0x1f

typedef struct PageWrite {
    unsigned int page;
    size_t off, len;
    const uint8_t *data;
} PageWrite;

/* Bytes of a frame, in a page. */
typedef struct Span {
    unsigned int page;
    size_t off, len;
} Span;

/* A packet as the requests pushed make it. */
typedef struct Packet {
    RING_IDX end;               /* one past its last request */
    netif_tx_request_t first;
    bool mcast;
    bool has_gso;
    struct netif_extra_info gso;
    unsigned int nr_frags;
    uint32_t frags_len;
} Packet;

typedef struct Input {
    uint8_t config, batch;
    const uint8_t *rec;
    unsigned int nr_rec;
    const uint8_t *races;
    unsigned int nr_races;
    const uint8_t *tmpl;
    size_t tmpl_len;
} Input;

/* What a run produced, for the comparison of the two. */
typedef struct Result {
    netif_tx_response_t rsp[MAX_REQS];
    unsigned int nr_rsp;
    GPtrArray *written;
    unsigned int fatal;
} Result;

static struct {
    Fake f;
    bool ring_races;            /* this run rewrites the ring */
    bool in_poll;               /* count race points only in polls */
    const Input *in;
    unsigned int next_race;
    unsigned int wait;          /* race points until the next race */

    netif_tx_request_t pushed[MAX_REQS];
    unsigned int nr_pushed;

    uint8_t init[NR_PAGES + 1][NETIF_PAGE_SIZE];
    uint8_t touched[NR_PAGES + 1][NETIF_PAGE_SIZE];
    PageWrite log[MAX_RACES];
    unsigned int nr_log;

    /* The page writes a batch's headers were checked after. */
    bool resolved;              /* a map or copy since the last writev */
    RING_IDX last_rsp_prod;     /* rsp_prod at the last writev */
    unsigned int mark;
    GArray *marks;              /* of unsigned int, per frame written */

    Result *res;
} s;

static void G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "tx-race: %s run: ",
            s.ring_races ? "ring-rewriting" : "page-only");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static uint32_t fold_gref(uint32_t gref)
{
    /*
     * Extra-info overlays the field (type, flags, two bytes of data): keep
     * it when the data is not 0, as in a multicast address (whose second
     * byte is 0: fuzz-netif-tx's 1 << 24 folds those).
     */
    return gref >> 16 ? gref : gref % (NR_PAGES + 4);
}

static unsigned int page_of(uint32_t gref)
{
    return gref >= 1 && gref <= NR_PAGES ? gref : 1 + gref % NR_PAGES;
}

static void race_ring(const uint8_t *r, RING_IDX idx)
{
    netif_tx_request_t *slot = RING_GET_REQUEST(&s.f.txf, idx);
    netif_tx_request_t req;
    uint8_t mask = r[2] & 0x1f;

    memcpy(&req, r + 3, sizeof(req));
    req.gref = fold_gref(req.gref);
    if (!mask) {
        *slot = req;
        return;
    }
    if (mask & 1) {
        slot->gref = req.gref;
    }
    if (mask & 2) {
        slot->offset = req.offset;
    }
    if (mask & 4) {
        slot->flags = req.flags;
    }
    if (mask & 8) {
        slot->id = req.id;
    }
    if (mask & 16) {
        slot->size = req.size;
    }
}

static void race_page(const uint8_t *r, RING_IDX idx)
{
    const netif_tx_request_t *req = &s.pushed[idx];
    PageWrite *w = &s.log[s.nr_log++];

    w->page = page_of(req->gref);
    w->off = (req->offset + (r[2] | r[3] << 8)) % NETIF_PAGE_SIZE;
    w->len = MIN(1 + r[4] % RACE_DATA_MAX, NETIF_PAGE_SIZE - w->off);
    w->data = r + 5;
    memcpy(fake_page(&s.f, w->page) + w->off, w->data, w->len);
    memset(&s.touched[w->page][w->off], 1, w->len);
}

static void race_apply(const uint8_t *r, bool at_copy)
{
    RING_IDX lo = s.f.tx_sring->rsp_prod, hi = s.f.q->tx.req_cons, idx;

    if (hi == lo) {
        return;
    }
    idx = lo + r[1] % (hi - lo);
    g_assert_cmpuint(idx, <, s.nr_pushed);
    if (r[0] & RACE_PAGE) {
        if (!at_copy) {
            race_page(r, idx);
        }
    } else if (s.ring_races) {
        race_ring(r, idx);
    }
}

/* One race point: the races due there, in input order. */
static void race_point(bool at_copy)
{
    const Input *in = s.in;

    while (s.next_race < in->nr_races) {
        if (s.wait) {
            s.wait--;
            return;
        }
        race_apply(in->races + s.next_race * RACE_LEN, at_copy);
        if (++s.next_race < in->nr_races) {
            s.wait = in->races[s.next_race * RACE_LEN] & RACE_SKIP;
        }
    }
}

static void *race_map(void *opaque, const uint32_t *refs, unsigned int nr,
                      bool writable)
{
    void *addr;

    if (!s.in_poll) {
        return fake_ops.map(opaque, refs, nr, writable);
    }
    s.resolved = true;
    race_point(false);
    addr = fake_ops.map(opaque, refs, nr, writable);
    race_point(false);
    return addr;
}

static int race_unmap(void *opaque, void *addr, const uint32_t *refs,
                      unsigned int nr)
{
    int ret;

    if (!s.in_poll) {
        return fake_ops.unmap(opaque, addr, refs, nr);
    }
    race_point(false);
    ret = fake_ops.unmap(opaque, addr, refs, nr);
    race_point(false);
    return ret;
}

static int race_copy(void *opaque, bool to_guest, const NetifCopySeg *segs,
                     unsigned int nr)
{
    int ret;

    g_assert(s.in_poll && !to_guest);
    s.resolved = true;
    race_point(true);
    ret = fake_ops.copy(opaque, to_guest, segs, nr);
    race_point(true);
    return ret;
}

static ssize_t race_writev(void *opaque, const struct iovec *iov, int iovcnt)
{
    unsigned int frames = s.f.written->len;
    ssize_t ret;

    /*
     * The first write of a batch: the engine checked its headers since the
     * last map or copy, or since the last batch was answered, and no page
     * write came in between.
     */
    if (s.resolved || s.f.tx_sring->rsp_prod != s.last_rsp_prod) {
        s.resolved = false;
        s.mark = s.nr_log;
    }
    s.last_rsp_prod = s.f.tx_sring->rsp_prod;

    race_point(false);
    ret = fake_ops.tap_writev(opaque, iov, iovcnt);
    if (s.f.written->len > frames) {
        g_array_append_val(s.marks, s.mark);
    }
    race_point(false);
    return ret;
}

static NetifQueueOps race_ops;

static void take_responses(void)
{
    Result *res = s.res;

    res->nr_rsp += fake_tx_responses(&s.f, res->rsp + res->nr_rsp,
                                     MAX_REQS - res->nr_rsp);
    /* More than requests would be left on the ring, and seen there. */
    g_assert_cmpuint(s.f.txf.rsp_cons, ==, s.f.tx_sring->rsp_prod);
    g_assert_cmpuint(res->nr_rsp, <=, s.nr_pushed);
}

/* fake_nr_mapped() of our pages, the only grants */
static unsigned int nr_mapped(void)
{
    unsigned int i, n = 0;

    for (i = 1; i <= NR_PAGES; i++) {
        n += s.f.grants[i].mapped;
    }
    return n;
}

static NetifWait poll(unsigned int budget)
{
    NetifWait wait;

    s.in_poll = true;
    wait = netif_tx_poll(s.f.q, budget);
    s.in_poll = false;
    /* Only a batch a full tap holds keeps grants mapped. */
    if (!(wait & NETIF_WAIT_TAP_WRITE)) {
        g_assert_cmpuint(nr_mapped(), ==, s.f.cfg.max_static_grants);
    }
    take_responses();
    return wait;
}

/* The byte at @page/@off after the first @version page writes. */
static uint8_t byte_at(unsigned int page, size_t off, unsigned int version)
{
    uint8_t b = s.init[page][off];
    unsigned int i;

    if (!s.touched[page][off]) {
        return b;
    }
    for (i = 0; i < version; i++) {
        const PageWrite *w = &s.log[i];

        if (w->page == page && off >= w->off && off < w->off + w->len) {
            b = w->data[off - w->off];
        }
    }
    return b;
}

/* Did @page/@off ever hold @b? */
static bool byte_was(unsigned int page, size_t off, uint8_t b)
{
    unsigned int i;

    if (b == s.init[page][off]) {
        return true;
    }
    if (!s.touched[page][off]) {
        return false;
    }
    for (i = 0; i < s.nr_log; i++) {
        const PageWrite *w = &s.log[i];

        if (w->page == page && off >= w->off && off < w->off + w->len &&
            w->data[off - w->off] == b) {
            return true;
        }
    }
    return false;
}

/*
 * Walk the packet at @idx as the engine must: from the requests as pushed,
 * within the @answered ones, checking their responses.
 */
static void model_packet(RING_IDX idx, RING_IDX answered, Packet *p)
{
    const netif_tx_response_t *rsp = s.res->rsp;
    RING_IDX i = idx + 1;
    int16_t status = rsp[idx].status;

    memset(p, 0, sizeof(*p));
    p->first = s.pushed[idx];
    if (rsp[idx].id != p->first.id) {
        fail("response %u has id %u, its request %u", idx, rsp[idx].id,
             p->first.id);
    }
    if (status != NETIF_RSP_OKAY && status != NETIF_RSP_ERROR &&
        status != NETIF_RSP_DROPPED) {
        fail("response %u: status %d for a packet", idx, status);
    }

    if (p->first.flags & NETTXF_extra_info) {
        struct netif_extra_info x;

        do {
            if (i >= answered) {
                fail("responses end inside packet %u's extras", idx);
            }
            memcpy(&x, &s.pushed[i], sizeof(x));
            if (x.type == XEN_NETIF_EXTRA_TYPE_GSO) {
                p->gso = x;
                p->has_gso = true;
            } else if (x.type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD ||
                       x.type == XEN_NETIF_EXTRA_TYPE_MCAST_DEL) {
                p->mcast = true;
            }
            if (rsp[i].id != 0 || rsp[i].status != NETIF_RSP_NULL) {
                fail("response %u to an extra: id %u status %d", i,
                     rsp[i].id, rsp[i].status);
            }
            i++;
        } while (x.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    }

    if (p->first.flags & NETTXF_more_data) {
        const netif_tx_request_t *t;

        do {
            if (i >= answered) {
                fail("responses end inside packet %u's slots", idx);
            }
            t = &s.pushed[i];
            if (rsp[i].id != t->id || rsp[i].status != status) {
                fail("response %u: id %u status %d, request id %u and "
                     "packet status %d", i, rsp[i].id, rsp[i].status,
                     t->id, status);
            }
            p->nr_frags++;
            p->frags_len += t->size;
            i++;
        } while (t->flags & NETTXF_more_data);
    }
    p->end = i;
}

/* A sent packet's data spans, in frame order; checks it could be sent. */
static unsigned int packet_spans(RING_IDX idx, const Packet *p, Span *sp)
{
    const netif_tx_request_t *first = &p->first;
    unsigned int n = 0, i;

    if (p->nr_frags > NETIF_TX_LEGACY_FRAGS || p->frags_len > first->size ||
        first->size < NETIF_ETH_HLEN) {
        fail("packet %u sent against its requests: %u frags of %u bytes, "
             "size %u", idx, p->nr_frags, p->frags_len, first->size);
    }
    sp[n++] = (Span) {
        .page = first->gref, .off = first->offset,
        .len = first->size - p->frags_len,
    };
    for (i = 0; i < p->nr_frags; i++) {
        const netif_tx_request_t *t = &s.pushed[p->end - p->nr_frags + i];

        sp[n++] = (Span) { .page = t->gref, .off = t->offset,
                           .len = t->size };
    }
    for (i = 0; i < n; i++) {
        if (sp[i].len && (sp[i].page < 1 || sp[i].page > NR_PAGES ||
                          sp[i].off + sp[i].len > NETIF_PAGE_SIZE)) {
            fail("packet %u sent from gref %u offset %zu size %zu", idx,
                 sp[i].page, sp[i].off, sp[i].len);
        }
    }
    return n;
}

static void check_frame(unsigned int nr, RING_IDX idx, const Packet *p)
{
    GByteArray *fr = g_ptr_array_index(s.res->written, nr);
    unsigned int mark = g_array_index(s.marks, unsigned int, nr);
    size_t vlen = s.f.cfg.vnet_hdr_len, len = p->first.size;
    size_t hdr_len = MIN(len, NETIF_TX_HDR_COPY), pos = 0;
    uint8_t hdr[NETIF_TX_HDR_COPY];
    Span sp[NETIF_TX_MAX_SLOTS];
    unsigned int n, i;
    NetifVnetHdr vh;
    NetifCause cause;

    if (fr->len != vlen + len) {
        fail("frame %u (request %u) has %u bytes, its request says %zu",
             nr, idx, fr->len - (unsigned int)vlen, len);
    }
    n = packet_spans(idx, p, sp);
    for (i = 0; i < n; i++) {
        size_t k;

        for (k = 0; k < sp[i].len; k++, pos++) {
            uint8_t b = fr->data[vlen + pos];

            if (pos < hdr_len) {
                hdr[pos] = byte_at(sp[i].page, sp[i].off + k, mark);
            } else if (!byte_was(sp[i].page, sp[i].off + k, b)) {
                fail("frame %u (request %u) byte %zu is %#x, never at gref "
                     "%u offset %zu", nr, idx, pos, b, sp[i].page,
                     sp[i].off + k);
            }
        }
    }
    g_assert_cmpuint(pos, ==, len);

    if (!netif_hdr_from_netif(hdr, hdr_len, len, p->first.flags,
                              p->has_gso ? &p->gso : NULL,
                              s.f.cfg.tx_gso_tcpv4, s.f.cfg.tx_gso_tcpv6,
                              &vh, &cause)) {
        fail("frame %u (request %u) written, its checked headers drop it "
             "(cause %d)", nr, idx, cause);
    }
    if (memcmp(fr->data, &vh, vlen)) {
        fail("frame %u (request %u): vnet header not the checked headers'",
             nr, idx);
    }
    for (i = 0; i < hdr_len; i++) {
        if (fr->data[vlen + i] != hdr[i]) {
            fail("frame %u (request %u) header byte %u is %#x, checked %#x",
                 nr, idx, i, fr->data[vlen + i], hdr[i]);
        }
    }
}

/* The run against the requests as pushed. */
static void check_run(void)
{
    static uint8_t page[NETIF_PAGE_SIZE];
    Result *res = s.res;
    unsigned int frames = 0, i;
    RING_IDX idx = 0;

    while (idx < res->nr_rsp) {
        Packet p;

        model_packet(idx, res->nr_rsp, &p);
        if (res->rsp[idx].status == NETIF_RSP_OKAY && !p.mcast) {
            if (frames >= res->written->len) {
                fail("no frame for packet %u", idx);
            }
            check_frame(frames++, idx, &p);
        }
        idx = p.end;
    }
    if (frames != res->written->len) {
        fail("%u frames written, %u packets sent", res->written->len,
             frames);
    }

    /* The engine never wrote the guest's pages. */
    for (i = 1; i <= NR_PAGES; i++) {
        unsigned int j;

        memcpy(page, s.init[i], sizeof(page));
        for (j = 0; j < s.nr_log; j++) {
            if (s.log[j].page == i) {
                memcpy(page + s.log[j].off, s.log[j].data, s.log[j].len);
            }
        }
        g_assert(memcmp(page, fake_page(&s.f, i), sizeof(page)) == 0);
    }
}

static void run(const Input *in, bool ring_races, Result *res)
{
    const uint8_t *rec = in->rec;
    unsigned int i;

    memset(res, 0, sizeof(*res));
    s.in = in;
    s.res = res;
    s.ring_races = ring_races;
    s.next_race = 0;
    s.wait = in->nr_races ? in->races[0] & RACE_SKIP : 0;
    s.nr_pushed = 0;
    s.nr_log = 0;
    memset(s.touched, 0, sizeof(s.touched));
    s.resolved = true;
    s.last_rsp_prod = 0;
    s.mark = 0;
    s.marks = g_array_new(false, false, sizeof(unsigned int));

    fake_init(&s.f, in->config & 1 ? NETIF_GRANT_COPY : NETIF_GRANT_MAP);
    fake_alias_maps(&s.f);
    s.f.cfg.ops = &race_ops;
    s.f.cfg.vnet_hdr_len = in->config & 2 ? NETIF_VNET_HDR_MRG_LEN :
                                            NETIF_VNET_HDR_LEN;
    s.f.cfg.tx_gso_tcpv4 = in->config & 4;
    s.f.cfg.tx_gso_tcpv6 = in->config & 8;
    s.f.cfg.max_batch = 1 + in->batch % 64;
    s.f.cfg.max_static_grants = in->config & 16 ? NR_STATIC : 0;
    fake_start(&s.f);

    for (i = 1; i <= NR_PAGES; i++) {
        g_assert_cmpuint(fake_grant(&s.f, s.init[i], NETIF_PAGE_SIZE, 0,
                                    true), ==, i);
    }
    if (s.f.cfg.max_static_grants) {
        NetifGref table[NR_STATIC];

        for (i = 0; i < NR_STATIC; i++) {
            table[i] = (NetifGref) {
                .ref = NR_PAGES - NR_STATIC + 1 + i,
                .flags = XEN_NETIF_CTRLF_GREF_readonly,
            };
        }
        g_assert_cmpuint(netif_static_add(s.f.q, table, NR_STATIC), ==,
                         XEN_NETIF_CTRL_STATUS_SUCCESS);
    }

    for (i = 0; i < in->nr_rec && !s.f.fatal_count; i++, rec += REC_LEN) {
        uint8_t ctl = rec[0];
        netif_tx_request_t req;

        memcpy(&req, rec + 1, sizeof(req));
        req.gref = fold_gref(req.gref);
        /* Never full: fewer requests than slots. */
        g_assert_false(RING_FULL(&s.f.txf));
        *RING_GET_REQUEST(&s.f.txf, s.f.txf.req_prod_pvt) = req;
        s.pushed[s.nr_pushed++] = req;
        s.f.txf.req_prod_pvt++;
        if (ctl & 1) {
            int notify;

            RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&s.f.txf, notify);
            (void)notify;
        }
        if (ctl & 2) {
            s.f.tap_room = ctl & 4 ? (ctl >> 5) % 3 : -1;
            s.f.tap_error = !!(ctl & 8);
            poll(1u << (ctl >> 5));
        }
    }

    /* Drain: everything pushed gets answered, unless the queue died. */
    if (!s.f.fatal_count) {
        int notify;

        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&s.f.txf, notify);
        (void)notify;
        s.f.tap_room = -1;
        s.f.tap_error = 0;
        for (i = 0; i < 64 && (poll(256) & NETIF_WAIT_MORE); i++) {
            continue;
        }
        if (!s.f.fatal_count) {
            g_assert_cmpuint(res->nr_rsp, ==, s.nr_pushed);
        }
    }
    g_assert_cmpuint(s.f.fatal_count, <=, 1);
    res->fatal = s.f.fatal_count;

    res->written = s.f.written;
    check_run();
    s.f.written = g_ptr_array_new();
    fake_cleanup(&s.f);
    g_array_free(s.marks, true);
}

/* Rewriting requests already read must change nothing at all. */
static void compare(const Result *a, const Result *b)
{
    unsigned int i;

    s.ring_races = true;
    if (a->fatal != b->fatal) {
        fail("fatal errors: %u, without the rewrites %u", a->fatal,
             b->fatal);
    }
    for (i = 0; i < MAX(a->nr_rsp, b->nr_rsp); i++) {
        if (i >= a->nr_rsp || i >= b->nr_rsp ||
            a->rsp[i].id != b->rsp[i].id ||
            a->rsp[i].status != b->rsp[i].status) {
            fail("response %u differs from the run without the rewrites "
                 "(%u and %u responses)", i, a->nr_rsp, b->nr_rsp);
        }
    }
    for (i = 0; i < MAX(a->written->len, b->written->len); i++) {
        GByteArray *x, *y;

        if (i >= a->written->len || i >= b->written->len) {
            fail("%u frames, %u without the rewrites", a->written->len,
                 b->written->len);
        }
        x = g_ptr_array_index(a->written, i);
        y = g_ptr_array_index(b->written, i);
        if (x->len != y->len || memcmp(x->data, y->data, x->len)) {
            fail("frame %u differs from the run without the rewrites", i);
        }
    }
}

/* Page i: the template repeated, XOR (i - 1) * 0x35; a word at a time. */
static void fill_pages(const Input *in)
{
    uint8_t *p = s.init[1];
    size_t done, j;
    unsigned int i;

    if (in->tmpl_len) {
        done = MIN(in->tmpl_len, NETIF_PAGE_SIZE);
        memcpy(p, in->tmpl, done);
    } else {
        for (done = 0; done < 256; done++) {
            p[done] = done;
        }
    }
    while (done < NETIF_PAGE_SIZE) {
        size_t n = MIN(done, NETIF_PAGE_SIZE - done);

        memcpy(p + done, p, n);
        done += n;
    }
    for (i = 2; i <= NR_PAGES; i++) {
        uint64_t salt = 0x0101010101010101ull * (uint8_t)((i - 1) * 0x35);

        for (j = 0; j < NETIF_PAGE_SIZE; j += 8) {
            uint64_t w;

            memcpy(&w, p + j, 8);
            w ^= salt;
            memcpy(s.init[i] + j, &w, 8);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Result a, b;
    const uint8_t *p;
    size_t left;
    Input in;

    if (size < 3) {
        return 0;
    }
    in.config = data[0];
    in.batch = data[1];
    in.nr_rec = MIN(MIN(data[2], MAX_REQS), (size - 3) / REC_LEN);
    in.rec = data + 3;
    p = in.rec + in.nr_rec * REC_LEN;
    left = size - 3 - in.nr_rec * REC_LEN;
    in.nr_races = 0;
    if (left) {
        in.nr_races = MIN(p[0], (left - 1) / RACE_LEN);
        p++;
        left--;
    }
    in.races = p;
    in.tmpl = p + in.nr_races * RACE_LEN;
    in.tmpl_len = left - in.nr_races * RACE_LEN;

    race_ops = fake_ops;
    race_ops.map = race_map;
    race_ops.unmap = race_unmap;
    race_ops.copy = race_copy;
    race_ops.tap_writev = race_writev;

    fill_pages(&in);
    run(&in, true, &a);
    run(&in, false, &b);
    compare(&a, &b);
    g_ptr_array_free(a.written, true);
    g_ptr_array_free(b.written, true);
    return 0;
}
