/*
 * libFuzzer target: guest TX slot chains, grant resolution and header
 * translation, fed through netif_tx_poll() from a fake frontend.
 *
 * Input (see gen-corpus.py):
 *   byte 0      config: bit 0 copy mode, bit 1 12-byte vnet header,
 *               bit 2/3 GSO TCPv4/v6 offered
 *   byte 1      max batch - 1 (mod 64)
 *   byte 2      number of records N
 *   N records   1 control byte + a 12-byte netif_tx_request (or extra):
 *               bit 0 publish after it, bit 1 poll after it,
 *               bit 2 tap full for that poll, bit 3 tap write error,
 *               bit 4 write the gref field to req_prod instead (XSA-39),
 *               bits 5-7 poll budget (1 << n)
 *   rest        contents of each of the 16 granted pages (repeated)
 * A gref below 1 << 24 is taken modulo 20: 1..16 are granted read-only,
 * 0 and 17..19 are not granted; larger values are kept (extra-info
 * overlays that field).
 *
 * Checked: no grant is mapped once a batch is answered or the queue freed,
 * responses never outnumber requests, every request is answered once the
 * tap drains (unless a fatal error stopped the queue), and ASan/UBSan see
 * no bad access.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define NR_PAGES 16

/* Set once the input wrote req_prod behind the frontend's back. */
static bool bogus;

static void take_responses(Fake *f, RING_IDX *answered)
{
    netif_tx_response_t rsp[NETIF_TX_RING_SIZE];
    unsigned int n;

    while ((n = fake_tx_responses(f, rsp, G_N_ELEMENTS(rsp)))) {
        *answered += n;
    }
    if (!bogus) {
        g_assert_cmpuint(*answered, <=, f->tx_sring->req_prod);
    }
}

/* Poll as the glue does; returns what the engine waits for. */
static NetifWait poll(Fake *f, unsigned int budget, RING_IDX *answered)
{
    NetifWait wait = netif_tx_poll(f->q, budget);

    /* Only a batch a full tap holds keeps grants mapped. */
    if (!(wait & NETIF_WAIT_TAP_WRITE)) {
        g_assert_cmpuint(fake_nr_mapped(f), ==, 0);
    }
    /* A disabled queue says so, and nothing else. */
    g_assert(!!(wait & NETIF_WAIT_DISABLED) == (f->fatal_count > 0));
    if (wait & NETIF_WAIT_DISABLED) {
        g_assert_cmpint(wait, ==, NETIF_WAIT_DISABLED);
    }
    take_responses(f, answered);
    return wait;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t page[NETIF_PAGE_SIZE];
    const uint8_t *rec, *rest;
    size_t nrec, rest_len, i;
    RING_IDX answered = 0;
    Fake f;

    if (size < 3) {
        return 0;
    }
    bogus = false;
    nrec = MIN(data[2], (size - 3) / 13);
    rec = data + 3;
    rest = rec + nrec * 13;
    rest_len = size - 3 - nrec * 13;

    fake_init(&f, data[0] & 1 ? NETIF_GRANT_COPY : NETIF_GRANT_MAP);
    f.cfg.vnet_hdr_len = data[0] & 2 ? NETIF_VNET_HDR_MRG_LEN :
                                       NETIF_VNET_HDR_LEN;
    f.cfg.tx_gso_tcpv4 = data[0] & 4;
    f.cfg.tx_gso_tcpv6 = data[0] & 8;
    f.cfg.max_batch = 1 + data[1] % 64;
    fake_start(&f);

    for (i = 0; i < NR_PAGES; i++) {
        size_t j;

        for (j = 0; j < sizeof(page); j++) {
            page[j] = rest_len ? rest[j % rest_len] : j;
        }
        g_assert_cmpuint(fake_grant(&f, page, sizeof(page), 0, true), ==,
                         i + 1);
    }

    for (i = 0; i < nrec && !bogus; i++, rec += 13) {
        uint8_t ctl = rec[0];
        netif_tx_request_t req;

        memcpy(&req, rec + 1, sizeof(req));
        if (ctl & 0x10) {
            /* a producer index the frontend has no business writing */
            f.tx_sring->req_prod = req.gref;
            bogus = true;
        } else {
            /*
             * Fold small grefs onto the table, a few beyond it; leave the
             * others alone, as extra-info overlays the gref field.
             */
            if (!(req.gref >> 24)) {
                req.gref %= NR_PAGES + 4;
            }
            if (RING_FULL(&f.txf)) {
                poll(&f, 1024, &answered);
                if (RING_FULL(&f.txf)) {
                    break;
                }
            }
            *RING_GET_REQUEST(&f.txf, f.txf.req_prod_pvt) = req;
            f.txf.req_prod_pvt++;
            if (ctl & 1) {
                int notify;

                RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f.txf, notify);
                (void)notify;
            }
        }
        if (ctl & 2 || bogus) {
            f.tap_room = ctl & 4 ? (ctl >> 5) % 3 : -1;
            f.tap_error = !!(ctl & 8);
            poll(&f, 1u << (ctl >> 5), &answered);
        }
        if (f.fatal_count) {
            break;
        }
    }

    /* Drain: everything pushed gets answered, unless the queue died. */
    if (!bogus && !f.fatal_count) {
        NetifWait wait;
        int notify;

        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f.txf, notify);
        (void)notify;
        f.tap_room = -1;
        f.tap_error = 0;
        for (i = 0; i < 64 && (netif_tx_poll(f.q, 256) & NETIF_WAIT_MORE);
             i++) {
            take_responses(&f, &answered);
        }
        wait = poll(&f, 256, &answered);
        if (!f.fatal_count) {
            g_assert_cmpint(wait, ==, NETIF_WAIT_EVENT);
            g_assert_cmpuint(f.tx_sring->rsp_prod, ==, f.tx_sring->req_prod);
            g_assert_cmpuint(answered, ==, f.txf.req_prod_pvt);
        }
    }
    g_assert_cmpuint(f.fatal_count, <=, 1);

    fake_cleanup(&f);
    return 0;
}
