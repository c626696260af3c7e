/*
 * qnb-netfront: bad input through xenstore: frontend keys the backend
 * must refuse at connect (a ring that does not map, an event channel that
 * is not ours or is shared by two queues, too many queues, features it
 * cannot serve), keys it may accept (one page for several rings), and
 * frontend states out of order (Connected twice, Initialising while
 * Connected, Closed or Unknown without Closing, Connected without keys,
 * keys rewritten during a connect, states flapping faster than the
 * backend follows).  Meant for a vif with 4 queues on IOThreads.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "ring.h"
#include "xs.h"

#define FOREIGN_PORT    4000    /* an event channel port we never opened */

/* Write frontend key @key (under queue-@queue/ with several queues). */
static bool fe_key(Vif *v, int queue, const char *key, unsigned int value)
{
    char path[160], val[16];

    if (queue >= 0 && v->nr_queues > 1) {
        snprintf(path, sizeof(path), "%s/queue-%d/%s", v->fe, queue, key);
    } else {
        snprintf(path, sizeof(path), "%s/%s", v->fe, key);
    }
    snprintf(val, sizeof(val), "%u", value);
    return xs_write(path, val);
}

typedef struct KeyCase {
    const char *what;
    unsigned int queues;
    const char *refusal;        /* what the error says; NULL: accepted */
} KeyCase;

static const KeyCase key_cases[] = {
    { "queue 2's tx-ring-ref never granted", 4, "failed to map tx-ring-ref" },
    { "queue 1's event channel not ours", 4, "failed to bind event channel" },
    { "one event channel for queues 0 and 1", 4,
      "failed to bind event channel" },
    { "5 queues of the 4 offered", 4, "asks for 5 queues" },
    { "request-rx-copy 0", 1, "rx-copy" },
    { "feature-rx-notify 0", 1, "feature-rx-notify" },
    { "GSO without feature-sg", 1, "without feature-sg" },
    { "one page for the TX and RX rings", 1, NULL },
    { "queue 1's rings on queue 0's pages", 4, NULL },
    /* Last: dom0 sees this one's error. */
    { "feature-gso-tcpv4-prefix 1", 1, "GSO prefixes" },
};

static bool tamper_keys(Vif *v, unsigned int k)
{
    char path[160];

    switch (k) {
    case 0:
        return fe_key(v, 2, "tx-ring-ref", BAD_GREF);
    case 1:
        return fe_key(v, 1, "event-channel", FOREIGN_PORT);
    case 2:
        return fe_key(v, 1, "event-channel", (unsigned int)v->q[0].port);
    case 3:
        return fe_key(v, -1, "multi-queue-num-queues", 5);
    case 4:
        return fe_key(v, -1, "request-rx-copy", 0);
    case 5:
        return fe_key(v, -1, "feature-rx-notify", 0);
    case 6:
        return fe_key(v, -1, "feature-gso-tcpv4", 1) &&
               fe_key(v, -1, "feature-sg", 0);
    case 7:
        return fe_key(v, 0, "rx-ring-ref", v->q[0].rings.refs[0]);
    case 8:
        return fe_key(v, 1, "tx-ring-ref", v->q[0].rings.refs[0]) &&
               fe_key(v, 1, "rx-ring-ref", v->q[0].rings.refs[1]);
    case 9:
        snprintf(path, sizeof(path), "%s/feature-gso-tcpv4-prefix", v->fe);
        return xs_write(path, "1");
    }
    return false;
}

/*
 * Each key case: prepare, tamper, say Connected.  A refused one must end
 * Closing with its reason in the error node, never Connected; an accepted
 * one Connected (its rings share pages: only its own traffic could
 * suffer).  The backend must give every grant back when we close (vif_close
 * checks), and the vif must serve a clean connection at the end.
 */
bool case_connect_keys(Vif *v, Detail *d)
{
    unsigned int k, nr = sizeof(key_cases) / sizeof(key_cases[0]), good = 0;
    char path[160], *err;
    bool ok = true;
    int st;

    for (k = 0; k < nr && ok; k++) {
        const KeyCase *c = &key_cases[k];

        v->nr_queues = c->queues;
        if (!vif_prepare(v, d)) {
            return false;
        }
        if (v->nr_queues != c->queues) {
            note(d, "'%s' needs %u queues, the backend offers %u", c->what,
                 c->queues, v->be_max_queues);
            return false;
        }
        if (!tamper_keys(v, k)) {
            note(d, "'%s': cannot write the keys", c->what);
            return false;
        }
        if (!vif_go(v, d, false)) {
            return false;
        }
        if (k + 1 == nr) {
            ok = expect_fatal(v, d, "connect-keys", c->refusal);
            good += ok;
            break;
        }
        if (!c->refusal) {
            if (!be_wait(v, XB_CONNECTED, 10000, &st)) {
                note(d, "'%s': backend in state %d, not Connected", c->what,
                     st);
                ok = false;
            } else {
                good++;
            }
        } else if (!be_wait(v, XB_CLOSING, 5000, &st)) {
            note(d, "'%s': backend in state %d, not Closing", c->what, st);
            ok = false;
        } else {
            err = be_error(v);
            if (err && strstr(err, c->refusal)) {
                good++;
            } else {
                note(d, "'%s': error '%s' lacks '%s'", c->what,
                     err ? err : "", c->refusal);
                ok = false;
            }
            free(err);
        }
        if (!vif_close(v, d)) {
            return false;
        }
    }
    note(d, "%u/%u key sets answered as expected (refused with the reason, "
         "or connected), every grant given back", good, nr);
    /* The runner closes; the next case must not inherit the prefix. */
    snprintf(path, sizeof(path), "%s/feature-gso-tcpv4-prefix", v->fe);
    xs_rm(path);
    return ok && good == nr;
}

/* The backend is Connected and serving after something it must ignore. */
static bool still_serving(Vif *v, Detail *d, const char *after)
{
    int st;

    sleep_ms(300);
    st = be_state(v);
    if (st != XB_CONNECTED) {
        note(d, "after %s: backend in state %d, not Connected", after, st);
        return false;
    }
    st = send_good(v, "state-flap");
    if (st != NETIF_RSP_OKAY) {
        note(d, "after %s: good packet %s", after,
             st == -100 ? "unanswered" : rsp_name((int16_t)st));
        return false;
    }
    return true;
}

#define FLAP_ROUNDS     30

/*
 * States out of order.  Connected again, and Initialising or Initialised
 * while Connected, are ignored: the vif serves on.  Closed or Unknown
 * without Closing first, Connected without a ring key, and a key
 * rewritten just after Connected each end the connection (or, for the
 * rewrite, may not, if the backend read the key first); the close that
 * follows must give every grant back.  Then 30 rounds of
 * Connected/Closing/Closed/Initialising written a millisecond or two
 * apart, faster than the backend follows; and a clean connection serves.
 */
bool case_state_flap(Vif *v, Detail *d)
{
    static const int flap[] = {
        XB_CONNECTED, XB_CLOSING, XB_CLOSED, XB_INITIALISING,
    };
    unsigned int i, queues = v->nr_queues;
    char path[160];
    bool ok = true;
    int st;

    if (!case_begin(v, d, "state-flap")) {
        return false;
    }
    queues = v->nr_queues;
    vif_set_state(v, XB_CONNECTED);
    ok = still_serving(v, d, "Connected twice") && ok;
    vif_set_state(v, XB_INITIALISING);
    ok = still_serving(v, d, "Initialising while Connected") && ok;
    vif_set_state(v, XB_INITIALISED);
    sleep_ms(100);
    vif_set_state(v, XB_CONNECTED);
    ok = still_serving(v, d, "Initialised, Connected") && ok;

    /* Closed, then Unknown, with no Closing before. */
    vif_set_state(v, XB_CLOSED);
    if (!be_wait(v, XB_CLOSED, 5000, &st)) {
        note(d, "Closed while Connected: backend in state %d", st);
        ok = false;
    }
    if (!vif_close(v, d)) {
        return false;
    }
    v->nr_queues = queues;
    if (!vif_connect(v, d)) {
        return false;
    }
    vif_set_state(v, XB_UNKNOWN);
    sleep_ms(300);
    st = be_state(v);
    if (st == XB_CONNECTED) {
        note(d, "Unknown while Connected: backend still Connected");
        ok = false;
    }
    if (!vif_close(v, d)) {
        return false;
    }

    /* Connected without tx-ring-ref: refused. */
    if (!vif_prepare(v, d)) {
        return false;
    }
    snprintf(path, sizeof(path), "%s/tx-ring-ref", v->fe);
    xs_rm(path);
    vif_go(v, d, false);
    if (!be_wait(v, XB_CLOSING, 5000, &st)) {
        note(d, "Connected without tx-ring-ref: backend in state %d", st);
        ok = false;
    }
    if (!vif_close(v, d)) {
        return false;
    }

    /* A ring key rewritten right after Connected. */
    v->nr_queues = queues;
    if (!vif_prepare(v, d)) {
        return false;
    }
    vif_go(v, d, false);
    fe_key(v, (int)v->nr_queues - 1, "tx-ring-ref", BAD_GREF);
    if (!be_wait(v, XB_CONNECTED, 5000, &st) && st != XB_CLOSING) {
        note(d, "tx-ring-ref rewritten during the connect: backend in state "
             "%d", st);
        ok = false;
    } else {
        note(d, "tx-ring-ref rewritten during the connect: %s",
             st == XB_CLOSING ? "refused" : "connected with the first one");
    }
    if (!vif_close(v, d)) {
        return false;
    }

    /* Flapping. */
    v->nr_queues = queues;
    if (!vif_prepare(v, d)) {
        return false;
    }
    srandom(7);
    for (i = 0; i < FLAP_ROUNDS * 4; i++) {
        vif_set_state(v, flap[i % 4]);
        sleep_ms(1 + (unsigned int)(random() % 2));
    }
    if (!vif_close(v, d)) {
        note(d, "after %u rounds of flapping, the close failed", FLAP_ROUNDS);
        return false;
    }
    note(d, "Connected twice, Initialising and Initialised while Connected: "
         "served on; Closed, Unknown, no ring key, a rewritten key and %u "
         "rounds of flapping on %u queues: closed with every grant back",
         FLAP_ROUNDS, queues);
    v->nr_queues = queues;
    return case_begin(v, d, "state-flap") &&
           expect_alive(v, d, "state-flap") && ok;
}
