/*
 * In-process grant table, tap and frontend for the netif engine's tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE             /* memfd_create() */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netif-fake.h"

static FakeGrant *fake_lookup(Fake *f, uint32_t ref)
{
    if (ref >= FAKE_NR_GRANTS || !f->grants[ref].page) {
        return NULL;
    }
    return &f->grants[ref];
}

/*
 * Like gntdev: all or nothing.  The area is a private copy of the pages;
 * unmap checks that a read-only mapping was not written and, for a
 * writable one, writes it back.  Aliased, the area maps the pages
 * themselves, read-only ones without write permission.
 */
static uint8_t *fake_map_alias(Fake *f, const uint32_t *refs, unsigned int nr,
                               bool writable)
{
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    uint8_t *addr;
    unsigned int i;

    /* Reserve the span, then put each page in its place. */
    addr = mmap(NULL, (size_t)nr * NETIF_PAGE_SIZE, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(addr != MAP_FAILED);
    for (i = 0; i < nr; i++) {
        void *p = mmap(addr + (size_t)i * NETIF_PAGE_SIZE, NETIF_PAGE_SIZE,
                       prot, MAP_SHARED | MAP_FIXED, f->pool_fd,
                       (off_t)refs[i] * NETIF_PAGE_SIZE);

        g_assert(p == addr + (size_t)i * NETIF_PAGE_SIZE);
    }
    return addr;
}

static void *fake_map(void *opaque, const uint32_t *refs, unsigned int nr,
                      bool writable)
{
    Fake *f = opaque;
    FakeMapping *m;
    unsigned int i;

    f->map_calls++;
    g_assert_cmpuint(nr, >, 0);
    if (f->fail_map_calls > 0) {
        f->fail_map_calls--;
        return NULL;
    }
    for (i = 0; i < nr; i++) {
        FakeGrant *g = fake_lookup(f, refs[i]);

        if (!g || (writable && g->readonly)) {
            return NULL;
        }
    }

    m = g_new0(FakeMapping, 1);
    m->addr = f->alias ? fake_map_alias(f, refs, nr, writable) :
              g_aligned_alloc(nr, NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
    m->refs = g_memdup2(refs, nr * sizeof(*refs));
    m->nr = nr;
    m->writable = writable;
    for (i = 0; i < nr; i++) {
        FakeGrant *g = fake_lookup(f, refs[i]);

        if (!f->alias) {
            /* from a mapping already standing, as Xen's would alias it */
            memcpy(m->addr + (size_t)i * NETIF_PAGE_SIZE,
                   fake_page(f, refs[i]), NETIF_PAGE_SIZE);
        }
        g->mapped++;
    }
    f->map_ops += nr;
    g_ptr_array_add(f->mappings, m);
    return m->addr;
}

static int fake_unmap(void *opaque, void *addr, const uint32_t *refs,
                      unsigned int nr)
{
    Fake *f = opaque;
    unsigned int i, j;

    f->unmap_calls++;
    for (i = 0; i < f->mappings->len; i++) {
        FakeMapping *m = g_ptr_array_index(f->mappings, i);

        if (m->addr != addr) {
            continue;
        }
        g_assert_cmpuint(m->nr, ==, nr);
        for (j = 0; j < nr; j++) {
            FakeGrant *g = &f->grants[m->refs[j]];
            uint8_t *page = m->addr + (size_t)j * NETIF_PAGE_SIZE;

            g_assert_cmpuint(m->refs[j], ==, refs[j]);
            g_assert_cmpint(g->mapped, >, 0);
            if (f->alias) {
                /* nothing to write back or compare: it is the page */
            } else if (m->writable) {
                memcpy(g->page, page, NETIF_PAGE_SIZE);
            } else {
                g_assert(memcmp(g->page, page, NETIF_PAGE_SIZE) == 0);
            }
            g->mapped--;
        }
        if (f->alias) {
            g_assert(munmap(m->addr, (size_t)nr * NETIF_PAGE_SIZE) == 0);
        } else {
            g_aligned_free(m->addr);
        }
        g_free(m->refs);
        g_free(m);
        g_ptr_array_remove_index_fast(f->mappings, i);
        return 0;
    }
    g_assert_not_reached();
}

/* Like GNTTABOP_copy: every segment is tried, any failure fails the call. */
static int fake_copy(void *opaque, bool to_guest, const NetifCopySeg *segs,
                     unsigned int nr)
{
    Fake *f = opaque;
    unsigned int i;
    int ret = 0;

    f->copy_calls++;
    f->copy_segs += nr;
    g_assert_cmpuint(nr, >, 0);
    if (f->fail_copy_calls > 0) {
        /* As the hypercall itself failing (-ENOMEM, -EFAULT). */
        f->fail_copy_calls--;
        return -1;
    }
    for (i = 0; i < nr; i++) {
        FakeGrant *g = fake_lookup(f, segs[i].ref);
        uintptr_t first = (uintptr_t)segs[i].local / NETIF_PAGE_SIZE;

        if (segs[i].len) {
            f->copy_pieces += ((uintptr_t)segs[i].local + segs[i].len - 1) /
                              NETIF_PAGE_SIZE - first + 1;
        }
        if (!g || (to_guest && g->readonly) ||
            segs[i].offset + segs[i].len > NETIF_PAGE_SIZE) {
            ret = -1;
            continue;
        }
        /* A statically mapped page is shared: copy to what the guest sees. */
        if (to_guest) {
            memcpy(fake_page(f, segs[i].ref) + segs[i].offset, segs[i].local,
                   segs[i].len);
        } else {
            memcpy(segs[i].local, fake_page(f, segs[i].ref) + segs[i].offset,
                   segs[i].len);
        }
    }
    return ret;
}

static ssize_t fake_tap_writev(void *opaque, const struct iovec *iov,
                               int iovcnt)
{
    Fake *f = opaque;
    GByteArray *frame;
    int i;

    g_assert_cmpint(iovcnt, >, 0);
    g_assert_cmpuint(iov[0].iov_len, ==, f->cfg.vnet_hdr_len);
    if (f->tap_room == 0) {
        return -EAGAIN;
    }
    if (f->tap_room > 0) {
        f->tap_room--;
    }
    if (f->tap_error > 0) {
        f->tap_error--;
        return -EIO;
    }
    frame = g_byte_array_new();
    for (i = 0; i < iovcnt; i++) {
        g_byte_array_append(frame, iov[i].iov_base, iov[i].iov_len);
    }
    g_ptr_array_add(f->written, frame);
    return frame->len;
}

static ssize_t fake_tap_readv(void *opaque, const struct iovec *iov,
                              int iovcnt)
{
    Fake *f = opaque;
    GByteArray *frame;
    size_t done = 0;
    int i;

    if (f->tap_read_error > 0) {
        f->tap_read_error--;
        return -EIO;
    }
    frame = g_queue_pop_head(&f->readable);
    if (!frame) {
        return -EAGAIN;
    }
    /* Like tun: a frame that does not fit is truncated. */
    for (i = 0; i < iovcnt && done < frame->len; i++) {
        size_t n = MIN(iov[i].iov_len, frame->len - done);

        memcpy(iov[i].iov_base, frame->data + done, n);
        done += n;
    }
    g_byte_array_unref(frame);
    return done;
}

static void fake_notify(void *opaque, bool rx)
{
    Fake *f = opaque;

    if (rx) {
        f->notify_rx++;
    } else {
        f->notify_tx++;
    }
}

static void fake_ctrl_fatal(void *opaque, const char *msg)
{
    Fake *f = opaque;

    f->fatal_count++;
    g_free(f->fatal_msg);
    f->fatal_msg = g_strdup(msg);
}

static void fake_fatal(void *opaque, NetifCause cause, const char *msg)
{
    Fake *f = opaque;

    f->fatal_cause = cause;
    fake_ctrl_fatal(opaque, msg);
}

static void fake_rx_stall(void *opaque, bool stalled)
{
    Fake *f = opaque;

    g_assert(f->stalled != stalled);    /* the engine reports changes */
    f->stalled = stalled;
    f->stall_changes++;
}

const NetifQueueOps fake_ops = {
    .map = fake_map,
    .unmap = fake_unmap,
    .copy = fake_copy,
    .tap_writev = fake_tap_writev,
    .tap_readv = fake_tap_readv,
    .notify = fake_notify,
    .fatal = fake_fatal,
    .rx_stall = fake_rx_stall,
};

/* The control ring's ops: the table through the fake grant table. */
static void *fake_ctrl_map_table(void *opaque, uint32_t ref)
{
    return fake_map(opaque, &ref, 1, true);
}

static void fake_ctrl_unmap_table(void *opaque, void *page, uint32_t ref)
{
    fake_unmap(opaque, page, &ref, 1);
}

static uint32_t fake_ctrl_static_room(void *opaque, unsigned int queue)
{
    return netif_static_room(((Fake *)opaque)->q);
}

static uint32_t fake_ctrl_static_add(void *opaque, unsigned int queue,
                                     const NetifGref *grefs, unsigned int nr)
{
    return netif_static_add(((Fake *)opaque)->q, grefs, nr);
}

static uint32_t fake_ctrl_static_del(void *opaque, unsigned int queue,
                                     NetifGref *grefs, unsigned int nr,
                                     uint32_t *removed)
{
    return netif_static_del(((Fake *)opaque)->q, grefs, nr, removed);
}

static void fake_ctrl_notify(void *opaque)
{
    ((Fake *)opaque)->notify_ctrl++;
}

static const NetifCtrlOps fake_ctrl_ops = {
    .map_table = fake_ctrl_map_table,
    .unmap_table = fake_ctrl_unmap_table,
    .static_room = fake_ctrl_static_room,
    .static_add = fake_ctrl_static_add,
    .static_del = fake_ctrl_static_del,
    .notify = fake_ctrl_notify,
    .fatal = fake_ctrl_fatal,
};

static void *fake_page_alloc(void)
{
    void *p = mmap(NULL, NETIF_PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert(p != MAP_FAILED);
    return p;
}

void fake_init(Fake *f, NetifGrantMode mode)
{
    memset(f, 0, sizeof(*f));
    f->next_gref = 1;           /* 0 stays invalid */
    f->tap_room = -1;
    f->mappings = g_ptr_array_new();
    f->written = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_byte_array_unref);
    g_queue_init(&f->readable);

    f->tx_sring = fake_page_alloc();
    f->rx_sring = fake_page_alloc();
    SHARED_RING_INIT(f->tx_sring);
    SHARED_RING_INIT(f->rx_sring);
    FRONT_RING_INIT(&f->txf, f->tx_sring, NETIF_PAGE_SIZE);
    FRONT_RING_INIT(&f->rxf, f->rx_sring, NETIF_PAGE_SIZE);

    f->cfg = (NetifConfig) {
        .tx_sring = f->tx_sring,
        .rx_sring = f->rx_sring,
        .features = {
            .sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true,
            .ipv6_csum_offload = true, .rx_notify = true,
        },
        .tx_gso_tcpv4 = true,
        .tx_gso_tcpv6 = true,
        .grant_mode = mode,
        .vnet_hdr_len = NETIF_VNET_HDR_LEN,
        .ops = &fake_ops,
        .opaque = f,
    };
}

void fake_alias_maps(Fake *f)
{
    size_t size = (size_t)FAKE_NR_GRANTS * NETIF_PAGE_SIZE;

    g_assert(!f->alias && f->next_gref == 1);
    f->pool_fd = memfd_create("netif-fake-grants", MFD_CLOEXEC);
    g_assert(f->pool_fd >= 0);
    g_assert(ftruncate(f->pool_fd, size) == 0);
    f->pool = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   f->pool_fd, 0);
    g_assert(f->pool != MAP_FAILED);
    f->alias = true;
}

void fake_start(Fake *f)
{
    GError *err = NULL;

    f->q = netif_queue_new(&f->cfg, &err);
    g_assert_no_error(err);
    g_assert(f->q);
}

uint8_t *fake_page(Fake *f, uint32_t gref)
{
    unsigned int i;

    if (f->alias) {
        g_assert(fake_lookup(f, gref));
        return f->grants[gref].page;
    }
    /* A standing (static) mapping of it: the view the backend has. */
    for (i = 0; i < f->mappings->len; i++) {
        FakeMapping *m = g_ptr_array_index(f->mappings, i);
        unsigned int j;

        for (j = 0; j < m->nr; j++) {
            if (m->refs[j] == gref) {
                return m->addr + (size_t)j * NETIF_PAGE_SIZE;
            }
        }
    }
    g_assert(fake_lookup(f, gref));
    return f->grants[gref].page;
}

void fake_guest_write(Fake *f, uint32_t gref, size_t offset,
                      const void *data, size_t len)
{
    g_assert(fake_lookup(f, gref) && offset + len <= NETIF_PAGE_SIZE);
    memcpy(f->grants[gref].page + offset, data, len);
    if (!f->alias) {
        memcpy(fake_page(f, gref) + offset, data, len);
    }
}

void fake_static_add(Fake *f, uint32_t *grefs, unsigned int nr, bool ro)
{
    NetifGref table[NETIF_CTRL_MAX_GREFS];
    unsigned int i;

    g_assert_cmpuint(nr, <=, NETIF_CTRL_MAX_GREFS);
    for (i = 0; i < nr; i++) {
        grefs[i] = fake_grant(f, NULL, 0, 0, ro);
        table[i] = (NetifGref) {
            .ref = grefs[i], .flags = ro ? XEN_NETIF_CTRLF_GREF_readonly : 0,
        };
    }
    g_assert_cmpuint(netif_static_add(f->q, table, nr), ==,
                     XEN_NETIF_CTRL_STATUS_SUCCESS);
}

void fake_rx_post_refs(Fake *f, const uint32_t *grefs, unsigned int nr)
{
    unsigned int i;
    int notify;

    for (i = 0; i < nr; i++) {
        RING_IDX idx = f->rxf.req_prod_pvt;
        netif_rx_request_t *req = RING_GET_REQUEST(&f->rxf, idx);
        uint16_t id = idx & (NETIF_RX_RING_SIZE - 1);

        g_assert_false(RING_FULL(&f->rxf));
        f->rx_gref_by_id[id] = grefs[i];
        req->id = id;
        req->gref = grefs[i];
        f->rxf.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->rxf, notify);
    (void)notify;
}

void fake_ctrl_start(Fake *f, unsigned int nr_queues)
{
    g_assert(f->q && !f->ctrl);
    f->ctrl_sring = fake_page_alloc();
    SHARED_RING_INIT(f->ctrl_sring);
    FRONT_RING_INIT(&f->ctrlf, f->ctrl_sring, NETIF_PAGE_SIZE);
    f->ctrl_nr_queues = nr_queues;
    f->ctrl = netif_ctrl_new(f->ctrl_sring, nr_queues,
                             f->cfg.max_static_grants > 0, f->cfg.resume,
                             &fake_ctrl_ops, f);
}

void fake_ctrl_restart(Fake *f)
{
    netif_ctrl_free(f->ctrl);
    f->ctrl = netif_ctrl_new(f->ctrl_sring, f->ctrl_nr_queues,
                             f->cfg.max_static_grants > 0, f->cfg.resume,
                             &fake_ctrl_ops, f);
}

uint16_t fake_ctrl_queue(Fake *f, uint16_t type, uint32_t d0, uint32_t d1,
                         uint32_t d2)
{
    struct xen_netif_ctrl_request *req =
        RING_GET_REQUEST(&f->ctrlf, f->ctrlf.req_prod_pvt);

    req->id = f->next_ctrl_id++;
    req->type = type;
    req->data[0] = d0;
    req->data[1] = d1;
    req->data[2] = d2;
    f->ctrlf.req_prod_pvt++;
    return req->id;
}

void fake_ctrl_push(Fake *f)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->ctrlf, notify);
    (void)notify;
}

bool fake_ctrl_response(Fake *f, struct xen_netif_ctrl_response *rsp)
{
    if (f->ctrlf.rsp_cons == f->ctrl_sring->rsp_prod) {
        return false;
    }
    *rsp = *RING_GET_RESPONSE(&f->ctrlf, f->ctrlf.rsp_cons);
    f->ctrlf.rsp_cons++;
    return true;
}

uint32_t fake_ctrl_call(Fake *f, uint16_t type, uint32_t d0, uint32_t d1,
                        uint32_t d2, uint32_t *data)
{
    struct xen_netif_ctrl_response rsp;
    uint16_t id = fake_ctrl_queue(f, type, d0, d1, d2);

    fake_ctrl_push(f);
    g_assert_cmpint(netif_ctrl_poll(f->ctrl, 64), ==, NETIF_WAIT_EVENT);
    g_assert_true(fake_ctrl_response(f, &rsp));
    g_assert_cmpuint(rsp.id, ==, id);
    g_assert_cmpuint(rsp.type, ==, type);
    g_assert_false(fake_ctrl_response(f, &rsp) && "one response per call");
    if (data) {
        *data = rsp.data;
    }
    return rsp.status;
}

void fake_cleanup(Fake *f)
{
    unsigned int i;

    if (f->ctrl) {
        netif_ctrl_free(f->ctrl);
        munmap(f->ctrl_sring, NETIF_PAGE_SIZE);
    }
    netif_queue_free(f->q);
    /* Whatever the test did, the engine must hold no mapping now. */
    g_assert_cmpuint(f->mappings->len, ==, 0);
    g_ptr_array_free(f->mappings, true);
    for (i = 0; i < FAKE_NR_GRANTS; i++) {
        g_assert_cmpint(f->grants[i].mapped, ==, 0);
        if (!f->alias) {
            g_aligned_free(f->grants[i].page);
        }
    }
    if (f->alias) {
        munmap(f->pool, (size_t)FAKE_NR_GRANTS * NETIF_PAGE_SIZE);
        close(f->pool_fd);
    }
    g_ptr_array_free(f->written, true);
    g_queue_clear_full(&f->readable, (GDestroyNotify)g_byte_array_unref);
    fake_protect_rings(f, false);
    munmap(f->tx_sring, NETIF_PAGE_SIZE);
    munmap(f->rx_sring, NETIF_PAGE_SIZE);
    g_free(f->fatal_msg);
}

uint32_t fake_grant(Fake *f, const void *data, size_t len, size_t offset,
                    bool readonly)
{
    uint32_t ref = f->next_gref;
    FakeGrant *g;

    /* Reuse freed references, as a guest does. */
    while (f->grants[ref].page) {
        ref = ref + 1 < FAKE_NR_GRANTS ? ref + 1 : 1;
        g_assert(ref != f->next_gref);
    }
    f->next_gref = ref + 1 < FAKE_NR_GRANTS ? ref + 1 : 1;

    g = &f->grants[ref];
    /* Page-aligned, as a granted page is in the frontend and a mapping. */
    if (f->alias) {
        g->page = f->pool + (size_t)ref * NETIF_PAGE_SIZE;
        memset(g->page, 0, NETIF_PAGE_SIZE);
    } else {
        g->page = g_aligned_alloc0(1, NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
    }
    g->readonly = readonly;
    g_assert(offset + len <= NETIF_PAGE_SIZE);
    if (len) {
        memcpy(g->page + offset, data, len);
    }
    return ref;
}

void fake_revoke(Fake *f, uint32_t gref)
{
    FakeGrant *g = fake_lookup(f, gref);

    g_assert(g);
    /* What netfront reports as "Grant still in use by backend domain". */
    g_assert_cmpint(g->mapped, ==, 0);
    if (!f->alias) {
        g_aligned_free(g->page);
    }
    g->page = NULL;
}

unsigned int fake_nr_mapped(const Fake *f)
{
    unsigned int i, n = 0;

    for (i = 0; i < FAKE_NR_GRANTS; i++) {
        n += f->grants[i].mapped;
    }
    return n;
}

void fake_tx_push(Fake *f, const netif_tx_request_t *reqs, unsigned int nr)
{
    unsigned int i;
    int notify;

    for (i = 0; i < nr; i++) {
        g_assert_false(RING_FULL(&f->txf));
        *RING_GET_REQUEST(&f->txf, f->txf.req_prod_pvt) = reqs[i];
        f->txf.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->txf, notify);
    (void)notify;
}

unsigned int fake_tx_send(Fake *f, const uint8_t *frame, size_t len,
                          size_t chunk, uint16_t flags,
                          const struct netif_extra_info *extras,
                          unsigned int nr_extras)
{
    netif_tx_request_t data[NETIF_TX_MAX_SLOTS + 8], reqs[64];
    unsigned int nr_data = 0, nr = 0, i;
    size_t off = 0;

    g_assert(chunk > 0 && chunk <= NETIF_PAGE_SIZE);
    do {
        size_t n = MIN(chunk, len - off);

        g_assert_cmpuint(nr_data, <, G_N_ELEMENTS(data));
        data[nr_data++] = (netif_tx_request_t) {
            .gref = fake_grant(f, frame + off, n, 0, true),
            .id = f->next_id++,
            .size = n,
        };
        off += n;
    } while (off < len);

    for (i = 0; i + 1 < nr_data; i++) {
        data[i].flags = NETTXF_more_data;
    }
    data[0].flags |= flags | (nr_extras ? NETTXF_extra_info : 0);
    data[0].size = len;

    g_assert_cmpuint(nr_data + nr_extras, <=, G_N_ELEMENTS(reqs));
    reqs[nr++] = data[0];
    for (i = 0; i < nr_extras; i++) {
        memset(&reqs[nr], 0, sizeof(reqs[nr]));
        memcpy(&reqs[nr++], &extras[i], sizeof(extras[i]));
    }
    for (i = 1; i < nr_data; i++) {
        reqs[nr++] = data[i];
    }
    fake_tx_push(f, reqs, nr);
    return nr;
}

unsigned int fake_tx_responses(Fake *f, netif_tx_response_t *rsp,
                               unsigned int max)
{
    unsigned int n = 0;

    while (f->txf.rsp_cons != f->tx_sring->rsp_prod && n < max) {
        rsp[n++] = *RING_GET_RESPONSE(&f->txf, f->txf.rsp_cons);
        f->txf.rsp_cons++;
    }
    return n;
}

void fake_rx_post(Fake *f, unsigned int nr)
{
    uint32_t grefs[NETIF_RX_RING_SIZE];
    unsigned int i;

    g_assert_cmpuint(nr, <=, NETIF_RX_RING_SIZE);
    for (i = 0; i < nr; i++) {
        grefs[i] = fake_grant(f, NULL, 0, 0, false);
    }
    fake_rx_post_refs(f, grefs, nr);
}

unsigned int fake_rx_responses(Fake *f, netif_rx_response_t *rsp,
                               uint32_t *grefs, unsigned int max)
{
    unsigned int n = 0;

    while (f->rxf.rsp_cons != f->rx_sring->rsp_prod && n < max) {
        RING_IDX idx = f->rxf.rsp_cons;

        rsp[n] = *RING_GET_RESPONSE(&f->rxf, idx);
        /* netfront: the response is in its request's slot */
        grefs[n] = f->rx_gref_by_id[idx & (NETIF_RX_RING_SIZE - 1)];
        n++;
        f->rxf.rsp_cons++;
    }
    return n;
}

void fake_tap_queue(Fake *f, const NetifVnetHdr *vh, const uint8_t *frame,
                    size_t len)
{
    GByteArray *b = g_byte_array_new();

    g_byte_array_append(b, (const uint8_t *)vh, f->cfg.vnet_hdr_len);
    g_byte_array_append(b, frame, len);
    g_queue_push_tail(&f->readable, b);
}

void fake_protect_rings(Fake *f, bool protect)
{
    int prot = protect ? PROT_NONE : PROT_READ | PROT_WRITE;

    g_assert(mprotect(f->tx_sring, NETIF_PAGE_SIZE, prot) == 0);
    g_assert(mprotect(f->rx_sring, NETIF_PAGE_SIZE, prot) == 0);
}

uint16_t fake_ref_csum(const uint8_t *buf, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i < len; i++) {
        sum += i & 1 ? buf[i] : buf[i] << 8;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* Folded (not inverted) pseudo-header sum. */
static uint16_t pseudo_sum(const uint8_t *l3, int ip, uint8_t l4,
                           size_t l4_len)
{
    uint8_t ph[40] = { 0 };
    size_t n;

    if (ip == 4) {
        memcpy(ph, l3 + 12, 8);
        ph[9] = l4;
        put16(ph + 10, l4_len);
        n = 12;
    } else {
        memcpy(ph, l3 + 8, 32);
        put16(ph + 34, l4_len);
        ph[39] = l4;
        n = 40;
    }
    return fake_ref_csum(ph, n, 0);
}

size_t fake_build_frame(uint8_t *buf, size_t size, int ip, uint8_t l4,
                        bool vlan, size_t payload, bool partial)
{
    size_t l3 = NETIF_ETH_HLEN + (vlan ? 4 : 0);
    size_t l4_off = l3 + (ip == 4 ? 20 : 40);
    size_t l4_hlen = l4 == NETIF_IPPROTO_TCP ? 20 : 8;
    size_t len = l4_off + l4_hlen + payload;
    size_t csum_off = l4_off + (l4 == NETIF_IPPROTO_TCP ? 16 : 6);
    uint16_t sum;
    size_t i;

    g_assert(len <= size);
    memset(buf, 0, len);
    memcpy(buf, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\xab\xcd\xef", 12);
    if (vlan) {
        put16(buf + 12, NETIF_ETH_P_8021Q);
        put16(buf + 14, 42);
    }
    put16(buf + l3 - 2, ip == 4 ? NETIF_ETH_P_IP : NETIF_ETH_P_IPV6);
    if (ip == 4) {
        buf[l3] = 0x45;
        put16(buf + l3 + 2, MIN(len - l3, 0xffff));
        put16(buf + l3 + 6, 0x4000);            /* DF */
        buf[l3 + 8] = 64;
        buf[l3 + 9] = l4;
        memcpy(buf + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
        put16(buf + l3 + 10, ~fake_ref_csum(buf + l3, 20, 0));
    } else {
        buf[l3] = 0x60;
        put16(buf + l3 + 4, len - l4_off);
        buf[l3 + 6] = l4;
        buf[l3 + 7] = 64;
        buf[l3 + 8] = 0xfd;
        buf[l3 + 23] = 1;
        buf[l3 + 24] = 0xfd;
        buf[l3 + 39] = 2;
    }
    put16(buf + l4_off, 40000);
    put16(buf + l4_off + 2, 5201);
    if (l4 == NETIF_IPPROTO_TCP) {
        buf[l4_off + 12] = 5 << 4;
        buf[l4_off + 13] = 0x18;
    } else {
        put16(buf + l4_off + 4, len - l4_off);
    }
    for (i = 0; i < payload; i++) {
        buf[l4_off + l4_hlen + i] = i * 7 + (i >> 8);
    }

    sum = pseudo_sum(buf + l3, ip, l4, len - l4_off);
    if (partial) {
        put16(buf + csum_off, sum);
    } else {
        uint16_t c = ~fake_ref_csum(buf + l4_off, len - l4_off, sum);

        put16(buf + csum_off, l4 == NETIF_IPPROTO_UDP && !c ? 0xffff : c);
    }
    return len;
}

bool fake_l4_csum_ok(const uint8_t *frame, size_t len, int ip, bool vlan)
{
    size_t l3 = NETIF_ETH_HLEN + (vlan ? 4 : 0);
    size_t l4_off = l3 + (ip == 4 ? 20 : 40);
    uint8_t l4 = ip == 4 ? frame[l3 + 9] : frame[l3 + 6];
    uint16_t sum = pseudo_sum(frame + l3, ip, l4, len - l4_off);

    return fake_ref_csum(frame + l4_off, len - l4_off, sum) == 0xffff;
}
