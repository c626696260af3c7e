/*
 * qnb-netfront: what every part of the test bed's userspace netfront
 * shares: the options, console output and the clock (qnb-netfront.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_NETFRONT_H
#define QNB_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define G_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define PAGE_SIZE       4096u

/* Options */
extern bool opt_sync;
extern bool opt_verbose;
extern unsigned int opt_count;
extern struct in_addr opt_ip, opt_peer;

/* One console line, "qnb-netfront: " and @fmt. */
void G_PRINTF(1, 2) say(const char *fmt, ...);

#define debug(...) do { if (opt_verbose) { say(__VA_ARGS__); } } while (0)

int64_t now_ms(void);
void sleep_ms(unsigned int ms);

/* A case's running description, returned in its result line. */
typedef struct Detail {
    char text[1024];
    size_t len;
} Detail;

void G_PRINTF(2, 3) note(Detail *d, const char *fmt, ...);

#endif
