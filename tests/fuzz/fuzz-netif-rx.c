/*
 * libFuzzer target: guest RX, frames the tap hands the engine placed by
 * netif_rx_poll() onto the RX requests of a fake frontend.
 *
 * Input (see gen-corpus.py):
 *   byte 0      config: bit 0 copy mode, bit 1 12-byte vnet header; the
 *               frontend's features: bit 2 sg, bit 3 gso-tcpv4, bit 4
 *               gso-tcpv6, bit 5 ipv6-csum-offload, bit 6
 *               no-csum-offload; bit 7 static grants (the pool's)
 *   byte 1      max batch - 1 (mod 64)
 *   then up to 64 records until the input ends: an op byte, bits 0-2
 *   the op and bits 3-7 its argument a, then the op's bytes:
 *     0 frame   queue a frame on the tap: a 12-byte vnet header (its
 *               first 10 bytes with the short one), a 2-byte little
 *               endian length (a bit 4: plus 64 KiB; capped at 64 KiB
 *               + 320), a count n and n bytes written over the frame's
 *               start.  The frame is first built as TCP/IPv4 (a bit 0:
 *               IPv6, bit 1: UDP, bit 2: VLAN tag, bit 3: its checksum
 *               left partial).  Frames past 1 MiB in all are not queued
 *     1 post    post a + 1 fresh writable pages
 *     2 refs    post (a & 15) + 1 requests: a gref byte each (below),
 *               then, with a bit 4, an id byte each (ids may repeat)
 *     3 bogus   write 4 bytes (little endian; a bit 0: plus the
 *               frontend's req_prod) to req_prod (XSA-39); then one
 *               poll ends the input
 *     4 poll    with a budget of a < 16 ? a : 16 << (a - 16)
 *     5 take    take the responses (a > 0: at most a of them)
 *     6 revoke  the guest revokes the page of the a-th posted request
 *               not answered yet
 *     7 static  delete pool grant a % 16 from the static grants, or add
 *               it back; with a bit 4, restart the backend instead (a
 *               new queue on the rings, with resume if a bit 0), the
 *               pool added again; 2 restarts at most
 *   A gref byte b, by b & 7: 0 gref 0, 1 a gref beyond the table, 2 a
 *   revoked page, 3 a fresh read-only page, 4 and 5 pool grant
 *   (b >> 3) % 16, 6 and 7 a fresh writable page.  The pool is 12
 *   writable and 4 read-only pages, posted any number of times; with bit
 *   7 of the config they are the queue's static grants.
 * The engine's stall deadline runs on the real clock (10 s): not fuzzed.
 *
 * Checked: responses never outnumber the requests posted (unless the
 * input wrote req_prod) and each answers the request of its slot with
 * its id; a status is an error or fits the page; frames come whole, with
 * flags and GSO the frontend negotiated; a poll leaves nothing mapped but
 * the static grants, says DEADLINE exactly when a frame waits, and
 * DISABLED, alone, exactly after a fatal error; the tap drains once
 * buffers are posted; ASan/UBSan see no bad access, no leak.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define MAX_RECORDS     64
#define FRAME_MAX       (65536 + 320)
#define RX_FRAME_MAX    (65536 + 64)    /* what the engine reads at most */
/* Per input, to keep it fast: bytes queued on the tap, restarts. */
#define TAP_BYTES_MAX   (1024 * 1024)
#define RESTARTS_MAX    2
#define NR_POOL         16
#define NR_POOL_RO      4
#define RING            NETIF_RX_RING_SIZE

enum { OP_FRAME, OP_POST, OP_REFS, OP_BOGUS, OP_POLL, OP_TAKE, OP_REVOKE,
       OP_STATIC };     /* OP_STATIC with a bit 4: a backend restart */

/* What the frontend posted in each ring slot. */
typedef struct Slot {
    uint32_t gref;
    uint16_t id;
    bool owned;                 /* a fresh page, revoked once answered */
} Slot;

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static Slot slots[RING];
static uint32_t pool[NR_POOL];
/* Set once the input wrote req_prod behind the frontend's back. */
static bool bogus;
/* Where the responses taken so far leave the current frame. */
static struct {
    bool more, extra;
    unsigned int slots;
    size_t len;
} fr;

/* NULL when the input ran out: then nothing more is read. */
static const uint8_t *take_bytes(Input *in, size_t n)
{
    const uint8_t *p = in->p;

    if (in->left < n) {
        in->left = 0;
        return NULL;
    }
    in->p += n;
    in->left -= n;
    return p;
}

static unsigned int ring_room(Fake *f)
{
    return RING - (f->rxf.req_prod_pvt - f->rxf.rsp_cons);
}

/* An error, or data within the page. */
static void check_status(const netif_rx_response_t *rsp)
{
    g_assert(rsp->status < 0 ||
             rsp->offset + rsp->status <= (int)NETIF_PAGE_SIZE);
}

static void check_extra(Fake *f, const netif_rx_response_t *rsp)
{
    NetifOffloads ok = netif_rx_offloads(&f->cfg.features);
    struct netif_extra_info x;

    memcpy(&x, rsp, sizeof(x));
    g_assert_cmpuint(x.type, ==, XEN_NETIF_EXTRA_TYPE_GSO);
    g_assert_cmpuint(x.flags, ==, 0);
    g_assert_cmpuint(x.u.gso.size, >, 0);
    g_assert(x.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ? ok.tso4 :
             x.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6 && ok.tso6);
}

/* A data slot's response, in order within its frame. */
static void check_data(Fake *f, const netif_rx_response_t *rsp)
{
    static const uint16_t first_flags = NETRXF_csum_blank |
        NETRXF_data_validated | NETRXF_more_data | NETRXF_extra_info;

    if (!fr.more) {
        g_assert_cmpuint(rsp->flags & ~first_flags, ==, 0);
        if (f->cfg.features.no_csum_offload) {
            g_assert_false(rsp->flags & NETRXF_csum_blank);
        }
        fr.extra = rsp->flags & NETRXF_extra_info;
        fr.slots = 0;
        fr.len = 0;
    } else {
        g_assert_cmpuint(rsp->flags & ~NETRXF_more_data, ==, 0);
    }
    fr.more = rsp->flags & NETRXF_more_data;
    fr.slots++;
    g_assert_cmpuint(fr.slots, <=, NETIF_RX_MAX_SLOTS);
    /* Several pages only with sg (a failed GSO frame errs in 2 slots). */
    g_assert(fr.slots == 1 || rsp->status < 0 || f->cfg.features.sg);
    if (rsp->status > 0) {
        fr.len += rsp->status;
        g_assert_cmpuint(fr.len, <=, RX_FRAME_MAX);
    }
}

/* Take up to @max responses (0: all) as netfront would. */
static void take_responses(Fake *f, unsigned int max)
{
    unsigned int n = 0;

    while (f->rxf.rsp_cons != f->rx_sring->rsp_prod && (!max || n < max)) {
        RING_IDX idx = f->rxf.rsp_cons;
        netif_rx_response_t rsp = *RING_GET_RESPONSE(&f->rxf, idx);
        Slot *s = &slots[idx % RING];

        if (fr.extra) {
            check_extra(f, &rsp);
            fr.extra = false;
        } else {
            check_status(&rsp);
            check_data(f, &rsp);
            /* A bogus req_prod exposes stale slots, without our ids. */
            g_assert(bogus || rsp.id == s->id);
        }
        if (!bogus) {
            g_assert_cmpuint(idx, <, f->rxf.req_prod_pvt);
            if (s->owned) {
                fake_revoke(f, s->gref);
                s->owned = false;
            }
        }
        f->rxf.rsp_cons++;
        n++;
    }
    /* A push answers whole frames. */
    if (f->rxf.rsp_cons == f->rx_sring->rsp_prod) {
        g_assert_false(fr.more || fr.extra);
    }
}

/* Poll as the glue does; returns what the engine waits for. */
static NetifWait poll(Fake *f, unsigned int budget)
{
    NetifWait wait = netif_rx_poll(f->q, budget);
    unsigned int i, pages = 0;

    /*
     * RX maps nothing of its own: only the static grants stay, a page
     * each in their blocks (fake_nr_mapped() counts the same, slowly).
     */
    for (i = 0; i < f->mappings->len; i++) {
        pages += ((FakeMapping *)g_ptr_array_index(f->mappings, i))->nr;
    }
    g_assert_cmpuint(pages, ==, netif_static_count(f->q));
    /* A disabled queue says so, and nothing else. */
    g_assert(!!(wait & NETIF_WAIT_DISABLED) == (f->fatal_count > 0));
    if (wait & NETIF_WAIT_DISABLED) {
        g_assert_cmpint(wait, ==, NETIF_WAIT_DISABLED);
        return wait;
    }
    g_assert_false(wait & NETIF_WAIT_TAP_WRITE);
    /* Either a frame waits for buffers (and a deadline), or read on. */
    g_assert(!(wait & NETIF_WAIT_DEADLINE) != !(wait & NETIF_WAIT_TAP_READ));
    g_assert(!(wait & NETIF_WAIT_DEADLINE) == !netif_rx_deadline(f->q));
    /* What could be done was: no work is left for adaptive polling. */
    g_assert_false(netif_queue_has_work(f->q));
    if (!bogus) {
        g_assert_cmpuint(f->rx_sring->rsp_prod, <=, f->rxf.req_prod_pvt);
    }
    return wait;
}

/*
 * Post @nr requests for @grefs; @own: fresh pages to revoke once
 * answered.  With @ids, they are written straight into the ring.
 */
static void post(Fake *f, const uint32_t *grefs, const bool *own,
                 const uint8_t *ids, unsigned int nr)
{
    RING_IDX idx = f->rxf.req_prod_pvt;
    unsigned int i;

    g_assert_cmpuint(nr, <=, ring_room(f));
    if (!ids) {
        fake_rx_post_refs(f, grefs, nr);
    } else {
        int notify;

        for (i = 0; i < nr; i++) {
            netif_rx_request_t *req = RING_GET_REQUEST(&f->rxf, idx + i);

            req->id = ids[i];
            req->gref = grefs[i];
        }
        f->rxf.req_prod_pvt += nr;
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->rxf, notify);
        (void)notify;
    }
    for (i = 0; i < nr; i++) {
        slots[(idx + i) % RING] = (Slot) {
            .gref = grefs[i],
            .id = ids ? ids[i] : (idx + i) % RING,
            .owned = own[i],
        };
    }
}

static void post_fresh(Fake *f, unsigned int nr)
{
    uint32_t grefs[RING];
    bool own[RING];
    unsigned int i;

    nr = MIN(nr, ring_room(f));
    for (i = 0; i < nr; i++) {
        grefs[i] = fake_grant(f, NULL, 0, 0, false);
        own[i] = true;
    }
    post(f, grefs, own, NULL, nr);
}

static uint32_t gref_of(Fake *f, uint8_t b, bool *own)
{
    uint32_t ref;

    *own = false;
    switch (b & 7) {
    case 0:
        return 0;
    case 1:
        return FAKE_NR_GRANTS + b;
    case 2:
        ref = fake_grant(f, NULL, 0, 0, false);
        fake_revoke(f, ref);
        return ref;
    case 3:
        *own = true;
        return fake_grant(f, NULL, 0, 0, true);
    case 4:
    case 5:
        return pool[(b >> 3) % NR_POOL];
    default:
        *own = true;
        return fake_grant(f, NULL, 0, 0, false);
    }
}

static void post_refs(Fake *f, unsigned int a, Input *in)
{
    unsigned int nr = (a & 15) + 1, i;
    const uint8_t *spec = take_bytes(in, nr);
    const uint8_t *ids = NULL;
    uint32_t grefs[16];
    bool own[16];

    if (!spec || (a & 16 && !(ids = take_bytes(in, nr)))) {
        return;
    }
    nr = MIN(nr, ring_room(f));
    for (i = 0; i < nr; i++) {
        grefs[i] = gref_of(f, spec[i], &own[i]);
    }
    post(f, grefs, own, ids, nr);
}

static void queue_frame(Fake *f, unsigned int a, Input *in,
                        size_t *tap_bytes)
{
    static uint8_t frame[FRAME_MAX + 128], pattern[FRAME_MAX];
    const uint8_t *vh_bytes, *lenb, *cnt, *over;
    NetifVnetHdr vh;
    size_t len, hdrs, i;

    vh_bytes = take_bytes(in, sizeof(vh));
    lenb = take_bytes(in, 2);
    cnt = take_bytes(in, 1);
    if (!cnt) {
        return;
    }
    over = take_bytes(in, MIN(*cnt, in->left));

    len = lenb[0] | lenb[1] << 8 | (a & 16 ? 65536 : 0);
    len = MIN(len, FRAME_MAX);
    if (*tap_bytes + len > TAP_BYTES_MAX) {
        return;
    }
    *tap_bytes += len;

    memcpy(&vh, vh_bytes, sizeof(vh));
    /*
     * Headers alone, then a payload that is only copied: building 64 KiB
     * takes longer than the engine does with it.  RX never reads the IP
     * lengths.
     */
    hdrs = fake_build_frame(frame, sizeof(frame), a & 1 ? 6 : 4,
                            a & 2 ? NETIF_IPPROTO_UDP : NETIF_IPPROTO_TCP,
                            a & 4, 0, a & 8);
    if (!pattern[1]) {
        for (i = 0; i < sizeof(pattern); i++) {
            pattern[i] = i * 7 + (i >> 8);
        }
    }
    if (len > hdrs) {
        memcpy(frame + hdrs, pattern, len - hdrs);
    }
    memcpy(frame, over, MIN((size_t)(in->p - over), len));
    fake_tap_queue(f, &vh, frame, len);
}

static NetifGref pool_entry(unsigned int i)
{
    return (NetifGref) {
        .ref = pool[i],
        .flags = i >= NR_POOL - NR_POOL_RO ? XEN_NETIF_CTRLF_GREF_readonly
                                           : 0,
    };
}

/* The guest deletes a static grant, or adds it back. */
static void toggle_static(Fake *f, unsigned int i)
{
    NetifGref g = pool_entry(i);
    uint32_t removed;

    if (!f->cfg.max_static_grants) {
        return;
    }
    if (netif_static_page(f->q, g.ref, false)) {
        /* RX holds none between polls: each can go. */
        g_assert_cmpuint(netif_static_del(f->q, &g, 1, &removed), ==,
                         XEN_NETIF_CTRL_STATUS_SUCCESS);
        g_assert_cmpuint(removed, ==, 1);
    } else {
        g_assert_cmpuint(netif_static_add(f->q, &g, 1), ==,
                         XEN_NETIF_CTRL_STATUS_SUCCESS);
    }
}

/*
 * A new backend on the live rings, as after a crash; with @resume, it
 * answers what the old one left with errors.  The frontend adds its
 * static grants again.
 */
static void restart(Fake *f, bool resume)
{
    NetifGref table[NR_POOL];
    unsigned int i;

    netif_queue_free(f->q);
    f->cfg.resume = resume;
    fake_start(f);
    if (f->cfg.max_static_grants) {
        for (i = 0; i < NR_POOL; i++) {
            table[i] = pool_entry(i);
        }
        g_assert_cmpuint(netif_static_add(f->q, table, NR_POOL), ==,
                         XEN_NETIF_CTRL_STATUS_SUCCESS);
    }
}

/* The guest revokes the page of the @a-th request not answered yet. */
static void revoke(Fake *f, unsigned int a)
{
    RING_IDX answered = f->rx_sring->rsp_prod;
    Slot *s = &slots[(answered + a) % RING];

    if (a < f->rxf.req_prod_pvt - answered && s->owned) {
        fake_revoke(f, s->gref);
        s->owned = false;
    }
}

static void bogus_prod(Fake *f, unsigned int a, Input *in)
{
    const uint8_t *v = take_bytes(in, 4);

    if (!v) {
        return;
    }
    /* From a frame boundary, and nothing left for the engine to overrun. */
    take_responses(f, 0);
    f->rx_sring->req_prod = (v[0] | v[1] << 8 | v[2] << 16 |
                             (uint32_t)v[3] << 24) +
                            (a & 1 ? f->rxf.req_prod_pvt : 0);
    bogus = true;
    poll(f, 64);
    take_responses(f, 0);
}

/* Enough buffers for everything: the tap must drain. */
static void drain(Fake *f)
{
    NetifWait wait = NETIF_WAIT_MORE;
    unsigned int i;

    for (i = 0; i < 64; i++) {
        /* A frame takes 18 slots at most; posting more costs time. */
        unsigned int frames = g_queue_get_length(&f->readable) + 1;

        take_responses(f, 0);
        post_fresh(f, MIN(ring_room(f), frames * NETIF_RX_MAX_SLOTS));
        wait = poll(f, 1024);
        if (!g_queue_get_length(&f->readable) &&
            !(wait & (NETIF_WAIT_MORE | NETIF_WAIT_DEADLINE))) {
            break;
        }
    }
    take_responses(f, 0);
    g_assert_cmpint(wait, ==, NETIF_WAIT_TAP_READ);
    g_assert_cmpuint(g_queue_get_length(&f->readable), ==, 0);
    g_assert_cmpint(netif_rx_deadline(f->q), ==, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned int i, restarts = 0;
    size_t tap_bytes = 0;
    Input in;
    Fake f;

    if (size < 2) {
        return 0;
    }
    in = (Input) { data + 2, size - 2 };
    bogus = false;
    memset(&fr, 0, sizeof(fr));
    memset(slots, 0, sizeof(slots));

    fake_init(&f, data[0] & 1 ? NETIF_GRANT_COPY : NETIF_GRANT_MAP);
    f.cfg.vnet_hdr_len = data[0] & 2 ? NETIF_VNET_HDR_MRG_LEN :
                                       NETIF_VNET_HDR_LEN;
    f.cfg.features.sg = data[0] & 4;
    f.cfg.features.gso_tcpv4 = data[0] & 8;
    f.cfg.features.gso_tcpv6 = data[0] & 16;
    f.cfg.features.ipv6_csum_offload = data[0] & 32;
    f.cfg.features.no_csum_offload = data[0] & 64;
    f.cfg.max_static_grants = data[0] & 128 ? NR_POOL : 0;
    f.cfg.max_batch = 1 + data[1] % 64;
    fake_start(&f);

    if (f.cfg.max_static_grants) {
        fake_static_add(&f, pool, NR_POOL - NR_POOL_RO, false);
        fake_static_add(&f, pool + NR_POOL - NR_POOL_RO, NR_POOL_RO, true);
    } else {
        for (i = 0; i < NR_POOL; i++) {
            pool[i] = fake_grant(&f, NULL, 0, 0, i >= NR_POOL - NR_POOL_RO);
        }
    }

    for (i = 0; i < MAX_RECORDS && !bogus && !f.fatal_count; i++) {
        const uint8_t *op = take_bytes(&in, 1);
        unsigned int a;

        if (!op) {
            break;
        }
        a = *op >> 3;
        switch (*op & 7) {
        case OP_FRAME:
            queue_frame(&f, a, &in, &tap_bytes);
            break;
        case OP_POST:
            post_fresh(&f, a + 1);
            break;
        case OP_REFS:
            post_refs(&f, a, &in);
            break;
        case OP_BOGUS:
            bogus_prod(&f, a, &in);
            break;
        case OP_POLL:
            poll(&f, a < 16 ? a : 16u << (a - 16));
            break;
        case OP_TAKE:
            take_responses(&f, a);
            break;
        case OP_REVOKE:
            revoke(&f, a);
            break;
        case OP_STATIC:
            if (a & 16) {
                if (restarts++ < RESTARTS_MAX) {
                    restart(&f, a & 1);
                }
            } else {
                toggle_static(&f, a % NR_POOL);
            }
            break;
        }
    }

    if (!bogus && !f.fatal_count) {
        drain(&f);
    }
    g_assert_cmpuint(fake_nr_mapped(&f), ==, netif_static_count(f.q));
    g_assert_cmpuint(f.fatal_count, <=, 1);
    if (f.fatal_count) {
        /* A disabled queue never touches the rings again. */
        fake_protect_rings(&f, true);
        g_assert_cmpint(netif_rx_poll(f.q, 64), ==, NETIF_WAIT_DISABLED);
        g_assert_false(netif_queue_has_work(f.q));
        fake_protect_rings(&f, false);
    }

    fake_cleanup(&f);
    return 0;
}
