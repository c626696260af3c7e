/*
 * libFuzzer target: control ring messages and static grant tables, fed
 * through netif_ctrl_poll() from a fake frontend.
 *
 * Input (see gen-corpus.py):
 *   byte 0      max static grants / 4 (0: static grants off)
 *   byte 1      number of queues - 1 (mod 4)
 *   then 6-byte records until the input ends:
 *     byte 0    bits 0-3: 0-11 send a message of that type, 12 hold a
 *               static gref (a request in flight), 13 release the holds,
 *               14 write a bogus req_prod, 15 poll; bits 4-7 poll budget
 *               (1 + n)
 *     byte 1    queue index (255: 0xffffffff)
 *     byte 2-3  entry count (little endian), data[2] of the message
 *     byte 4    table entries: ref = pool[(byte 4 + i * 7) % 40]; the pool
 *               is 24 writable grants, 8 readonly ones and 8 never granted
 *     byte 5    bit 0: entries readonly, bit 1: unknown flag, bit 2: the
 *               table gref is not granted, bits 3-7: where the table
 *               repeats an entry (0: nowhere)
 *
 * Checked: one response per request with its id, the table is unmapped
 * once its message is answered, the static table never exceeds its bound,
 * nothing stays mapped once the queue is freed, and ASan/UBSan see no bad
 * access.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "netif-fake.h"

#define POOL    40

static uint32_t pool[POOL];
static uint32_t held[64];
static unsigned int nr_held;

static void release_holds(Fake *f)
{
    while (nr_held) {
        netif_static_hold(f->q, held[--nr_held], false);
    }
}

static void take_responses(Fake *f, unsigned int *answered, uint16_t *ids,
                           unsigned int sent)
{
    struct xen_netif_ctrl_response rsp;

    while (fake_ctrl_response(f, &rsp)) {
        g_assert_cmpuint(*answered, <, sent);
        g_assert_cmpuint(rsp.id, ==, ids[*answered % 256]);
        (*answered)++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static NetifGref table[NETIF_CTRL_MAX_GREFS];
    uint8_t page[64] = { 0 };
    unsigned int i, sent = 0, answered = 0, max_static;
    uint16_t ids[256];
    bool bogus = false;
    Fake f;

    if (size < 2) {
        return 0;
    }
    fake_init(&f, NETIF_GRANT_COPY);
    max_static = data[0] * 4u;
    f.cfg.max_static_grants = max_static;
    fake_start(&f);
    fake_ctrl_start(&f, 1 + data[1] % 4);
    for (i = 0; i < POOL; i++) {
        page[0] = (uint8_t)i;
        pool[i] = i < 32 ? fake_grant(&f, page, sizeof(page), 0, i >= 24)
                         : 0xff00u + i;
    }
    nr_held = 0;

    for (data += 2, size -= 2; size >= 6; data += 6, size -= 6) {
        unsigned int op = data[0] & 15, budget = 1 + (data[0] >> 4);
        uint32_t queue = data[1] == 255 ? 0xffffffffu : data[1];
        uint32_t count = data[2] | data[3] << 8;
        uint32_t tref = 0xfff0;
        unsigned int n = MIN(count, NETIF_CTRL_MAX_GREFS), dup;

        if (op == 12) {
            uint32_t ref = pool[data[4] % POOL];

            if (nr_held < G_N_ELEMENTS(held) &&
                netif_static_page(f.q, ref, false)) {
                netif_static_hold(f.q, ref, true);
                held[nr_held++] = ref;
            }
            continue;
        }
        if (op == 13) {
            release_holds(&f);
            continue;
        }
        if (op == 14) {
            f.ctrl_sring->req_prod += 1000 + data[4];
            bogus = true;
        }
        if (op <= 11) {
            memset(table, 0, sizeof(table));
            for (i = 0; i < n; i++) {
                table[i].ref = pool[(data[4] + i * 7) % POOL];
                table[i].flags = (data[5] & 1 ? XEN_NETIF_CTRLF_GREF_readonly
                                              : 0) |
                                 (data[5] & 2 ? 0x100 : 0);
            }
            dup = data[5] >> 3;
            if (dup && dup < n) {
                table[dup].ref = table[0].ref;
            }
            if (!(data[5] & 4)) {
                tref = fake_grant(&f, table, sizeof(table), 0, false);
            }
            if (f.ctrlf.req_prod_pvt - f.ctrlf.rsp_cons <
                RING_SIZE(&f.ctrlf)) {
                ids[sent % 256] = fake_ctrl_queue(&f, op, queue, tref, count);
                sent++;
                fake_ctrl_push(&f);
            }
        }
        netif_ctrl_poll(f.ctrl, budget);
        if (!bogus) {
            take_responses(&f, &answered, ids, sent);
        }
        g_assert_cmpuint(netif_static_count(f.q), <=, max_static);
        if (tref != 0xfff0) {
            fake_revoke(&f, tref);      /* asserts it is unmapped */
        }
    }
    if (!bogus) {
        while (netif_ctrl_poll(f.ctrl, 64) == NETIF_WAIT_MORE) {
            take_responses(&f, &answered, ids, sent);
        }
        take_responses(&f, &answered, ids, sent);
        g_assert_cmpuint(answered, ==, sent);
    }
    release_holds(&f);
    fake_cleanup(&f);
    return 0;
}
