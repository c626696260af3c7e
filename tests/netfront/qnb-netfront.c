/*
 * qnb-netfront: a userspace Xen netfront for the test bed.
 *
 * It runs inside a PV domU and speaks to the real hypervisor: xenstore over
 * the xenbus device (the xs_wire.h protocol, no libxenstore), grants with
 * /dev/xen/gntalloc, event channels with /dev/xen/evtchn.  It connects to
 * its vif like Linux netfront does, with one queue or several (netif.h's
 * multi-queue keys; every queue has its own TX and RX pages, and most
 * cases send on queue 0 only), then plays one or more cases: a
 * well-behaved one ("good"), the hostile-frontend classes of bad input
 * (docs/architecture.md), stress on the connection's life (faults racing a
 * multi-queue connect or our own Closing, an event storm, reconnect
 * cycles, a stalled RX ring) and static grants (netif.h "Control ring"
 * and "Static Grants": our TX and RX pages kept mapped by the backend,
 * DEL with packets in flight, reconnects, a connection declining the
 * control ring the backend offers, and traffic both ways on every queue
 * of a 4-queue connection, each with its own static grants), and the
 * two bench cases make bench times (bench.c: traffic both ways for
 * --secs seconds, the buffers named by plain or static grants).  Each case
 * connects, sends a good packet (the static ones add their grants
 * first), does its thing, checks how the backend reacted, and
 * disconnects, so the next case reconnects on the same vif (the first
 * one, or --vif N, or N for a case given as NAME@N; NAME@N/Q connects Q
 * queues and plays on the last).  One line per case:
 *
 *     qnb-netfront: case NAME: PASS (vif N; details)
 *     qnb-netfront: case NAME: FAIL (vif N; details)
 *
 * and "qnb-netfront: done: N passed, M failed"; the exit status is non-zero
 * when a case failed.  --repeat-for SECONDS plays the cases again, whole
 * rounds, until that time has passed (make soak).  On disconnect it checks
 * that the kernel could take back every grant (Linux netfront's "grant
 * still in use by backend").
 * With --sync, the program meets dom0 at points named
 * in the guest's data/qnb-sync node (dom0 answers in data/qnb-ack), so the
 * test bed can check the backend, send traffic and exercise other guests
 * between cases.
 *
 * Built static and without sanitizers: it is copied into a busybox guest.
 *
 * This file has the options, the console output and main(); xs.c is the
 * xenstore client (and the --sync rendezvous), gnt.c the grants and their
 * release check, evtchn.c the event channels, vif.c connecting (in one
 * step or two, to tamper in between; with a control ring when a case
 * wants static grants) and disconnecting a vif, ctrl.c the control ring's
 * messages and the static grants (per queue), ring.c I/O on a queue's TX
 * and RX rings, packet.c the test packets, cases.c the cases, hostile-tx.c,
 * hostile-rx.c and hostile-connect.c more bad input on each, and bench.c
 * the bench cases.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "qnb-netfront.h"
#include "bench.h"
#include "cases.h"
#include "gnt.h"
#include "vif.h"
#include "xs.h"

/* ------------------------------------------------------------------ */
/* Options and output */

bool opt_sync;
bool opt_verbose;
static int opt_vif = -1;
static unsigned int opt_repeat_secs;
unsigned int opt_count = 20;
struct in_addr opt_ip, opt_peer;

void say(const char *fmt, ...)
{
    va_list ap;

    fputs("qnb-netfront: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

void note(Detail *d, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (d->len >= sizeof(d->text) - 1) {
        return;
    }
    if (d->len) {
        d->text[d->len++] = ';';
        d->text[d->len++] = ' ';
        d->text[d->len] = 0;
    }
    va_start(ap, fmt);
    n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        d->len += (size_t)n;
        if (d->len > sizeof(d->text) - 1) {
            d->len = sizeof(d->text) - 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Command line */

static void usage(FILE *f)
{
    unsigned int i;

    fprintf(f,
            "usage: qnb-netfront [--case NAME[@VIF[/QUEUES]][,NAME...]|all] [--count N]\n"
            "                    [--secs N] [--vif N] [--ip A.B.C.D] [--peer A.B.C.D]\n"
            "                    [--repeat-for SECONDS] [--sync] [--verbose]\n"
            "cases:");
    for (i = 0; i < nr_cases; i++) {
        fprintf(f, " %s", cases[i].name);
    }
    fprintf(f, "\n");
}

/*
 * The cases to play, in order: index in cases[], vif (-1: the default)
 * and queues to connect (0: what the case asks for, one unless it says).
 */
#define PLAN_MAX    96

typedef struct Plan {
    int list[PLAN_MAX];
    int at[PLAN_MAX];
    unsigned int queues[PLAN_MAX];
    int nr;
} Plan;

static void plan_add(Plan *p, int c, int where, unsigned int queues)
{
    if (p->nr < PLAN_MAX) {
        p->at[p->nr] = where;
        p->queues[p->nr] = queues;
        p->list[p->nr++] = c;
    }
}

/* Add the cases of --case @val; false (after the usage) on an unknown one. */
static bool plan_parse(Plan *p, const char *val)
{
    char *s = strdup(val), *tok, *save = NULL;

    for (tok = strtok_r(s, ",+", &save); tok;
         tok = strtok_r(NULL, ",+", &save)) {
        char *vif_at = strchr(tok, '@'), *queues_at;
        unsigned int queues = 0;
        int where = -1, c;

        if (vif_at) {
            *vif_at = 0;
            where = atoi(vif_at + 1);
            queues_at = strchr(vif_at + 1, '/');
            if (queues_at) {
                queues = (unsigned int)atoi(queues_at + 1);
            }
        }
        if (!strcmp(tok, "all")) {
            for (c = 0; c < (int)nr_cases; c++) {
                plan_add(p, c, where, queues);
            }
            continue;
        }
        c = find_case(tok);
        if (c < 0) {
            fprintf(stderr, "qnb-netfront: unknown case '%s'\n", tok);
            usage(stderr);
            free(s);
            return false;
        }
        plan_add(p, c, where, queues);
    }
    free(s);
    return true;
}

/* Set the options and @p from the command line; -1, or an exit status. */
static int parse_args(int argc, char **argv, Plan *p, const char **ip,
                      const char **peer)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--sync")) {
            opt_sync = true;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            opt_verbose = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (val && !strcmp(a, "--count")) {
            opt_count = (unsigned int)strtoul(val, NULL, 0);
            i++;
        } else if (val && !strcmp(a, "--secs")) {
            opt_secs = (unsigned int)strtoul(val, NULL, 0);
            i++;
        } else if (val && !strcmp(a, "--repeat-for")) {
            opt_repeat_secs = (unsigned int)strtoul(val, NULL, 0);
            i++;
        } else if (val && !strcmp(a, "--vif")) {
            opt_vif = atoi(val);
            i++;
        } else if (val && !strcmp(a, "--ip")) {
            *ip = val;
            i++;
        } else if (val && !strcmp(a, "--peer")) {
            *peer = val;
            i++;
        } else if (val && !strcmp(a, "--case")) {
            if (!plan_parse(p, val)) {
                return 2;
            }
            i++;
        } else {
            usage(stderr);
            return 2;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Playing the cases */

/*
 * Case @c on vif @where (@first if -1), connecting @queues queues if not 0,
 * leaving the vif ready; true if PASS.
 */
static bool run_case(int c, int where, int first, unsigned int queues)
{
    const char *name = cases[c].name;
    Detail d = { .len = 0 };
    bool ok;
    Vif *v;

    d.text[0] = 0;
    v = vif_get(where >= 0 ? where : first);
    if (!v) {
        say("case %s: FAIL (vif %d not found)", name, where);
        sync_point("done %s %d FAIL", name, where);
        return false;
    }
    debug("case %s on vif %d: start", name, v->index);
    if (queues) {
        v->nr_queues = queues;
    }
    ok = cases[c].fn(v, &d);
    /* Whatever happened, leave the vif ready for the next case. */
    if (!v->removed && !vif_close(v, &d)) {
        ok = false;
    }
    say("case %s: %s (vif %d; %s)", name, ok ? "PASS" : "FAIL",
        v->index, d.text);
    sync_point("done %s %d %s", name, v->index, ok ? "PASS" : "FAIL");
    return ok;
}

int main(int argc, char **argv)
{
    Plan plan = { .nr = 0 };
    int i, passed = 0, failed = 0, first, ret;
    unsigned int round = 0;
    int64_t t0;
    const char *ip = NULL, *peer = NULL;
    Vif *v;

    ret = parse_args(argc, argv, &plan, &ip, &peer);
    if (ret >= 0) {
        return ret;
    }
    if (!plan.nr) {
        plan_add(&plan, find_case("good"), -1, 0);
    }

    if (!xs_open() || !grants_open()) {
        return 1;
    }
    /* The default vif: --vif, else the first one. */
    v = vif_get(opt_vif >= 0 ? opt_vif : -1);
    if (!v) {
        return 1;
    }
    first = v->index;
    /* Default addresses: 10.0.N.2 -> 10.0.N.1, N from the MAC's 5th byte. */
    {
        char a[32], b[32];

        snprintf(a, sizeof(a), "10.0.%u.2", v->mac[4]);
        snprintf(b, sizeof(b), "10.0.%u.1", v->mac[4]);
        inet_aton(ip ? ip : a, &opt_ip);
        inet_aton(peer ? peer : b, &opt_peer);
    }
    leak_check_init();

    /* --repeat-for (make soak): whole rounds of the plan until time is up. */
    t0 = now_ms();
    do {
        int failed0 = failed;

        round++;
        for (i = 0; i < plan.nr; i++) {
            if (run_case(plan.list[i], plan.at[i], first, plan.queues[i])) {
                passed++;
            } else {
                failed++;
            }
        }
        if (opt_repeat_secs) {
            say("round %u: %d cases, %d failed, %lld s", round, plan.nr,
                failed - failed0, (long long)(now_ms() - t0) / 1000);
        }
    } while (now_ms() - t0 < (int64_t)opt_repeat_secs * 1000);
    say("done: %d passed, %d failed", passed, failed);
    return failed ? 1 : 0;
}
