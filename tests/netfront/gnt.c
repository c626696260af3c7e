/*
 * qnb-netfront: grants, with /dev/xen/gntalloc, and the check that the
 * backend let go of them (from the kernel log).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <xen/sys/gntalloc.h>

#include "gnt.h"

static int gnt_fd = -1;

bool grants_open(void)
{
    gnt_fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
    if (gnt_fd < 0) {
        say("/dev/xen/gntalloc: %s", strerror(errno));
        return false;
    }
    return true;
}

bool grants_alloc(Grants *g, uint16_t domid, unsigned int count,
                  bool writable)
{
    size_t size = sizeof(struct ioctl_gntalloc_alloc_gref) +
                  (count - 1) * sizeof(uint32_t);
    struct ioctl_gntalloc_alloc_gref *op = calloc(1, size);

    op->domid = domid;
    op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
    op->count = count;
    if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, op) < 0) {
        say("gntalloc: cannot grant %u pages: %s", count, strerror(errno));
        free(op);
        return false;
    }
    g->count = count;
    g->index = op->index;
    g->writable = writable;
    g->refs = malloc(count * sizeof(uint32_t));
    memcpy(g->refs, op->gref_ids, count * sizeof(uint32_t));
    free(op);
    g->addr = mmap(NULL, (size_t)count * PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED, gnt_fd, (off_t)g->index);
    if (g->addr == MAP_FAILED) {
        struct ioctl_gntalloc_dealloc_gref d = { g->index, count };

        say("gntalloc: cannot map %u pages: %s", count, strerror(errno));
        ioctl(gnt_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
        free(g->refs);
        g->refs = NULL;
        g->addr = NULL;
        return false;
    }
    memset(g->addr, 0, (size_t)count * PAGE_SIZE);
    return true;
}

void *grants_page(Grants *g, unsigned int i)
{
    return g->addr + (size_t)i * PAGE_SIZE;
}

bool grants_free(Grants *g)
{
    struct ioctl_gntalloc_dealloc_gref d = { g->index, g->count };
    bool ok = true;

    if (!g->addr) {
        return true;
    }
    munmap(g->addr, (size_t)g->count * PAGE_SIZE);
    if (ioctl(gnt_fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d) < 0) {
        say("gntalloc: cannot release %u pages: %s", g->count,
            strerror(errno));
        ok = false;
    }
    g->addr = NULL;
    return ok;
}

/*
 * Whether the backend still maps a grant when we give it up.  gntalloc's
 * release ends foreign access; when the remote domain still maps the page
 * the kernel cannot, and puts the grant on its deferred list ("deferring
 * g.e. 0x..", a pr_debug since Linux 6.1.4x, a printk before) or leaks it
 * ("leaking g.e."); that is netfront's "grant still in use by backend".
 * We turn the pr_debug on with dynamic debug and read the kernel log.
 */
static bool kmsg_usable;
static int kmsg_fd = -1;

void leak_check_init(void)
{
    static const char *const controls[] = {
        "/proc/dynamic_debug/control",
        "/sys/kernel/debug/dynamic_debug/control",
    };
    static const char query[] = "file grant-table.c +p";
    unsigned int i;

    mkdir("/sys/kernel/debug", 0755);
    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
    for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
        int fd = open(controls[i], O_WRONLY);

        if (fd < 0) {
            continue;
        }
        if (write(fd, query, sizeof(query) - 1) == sizeof(query) - 1) {
            close(fd);
            kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            kmsg_usable = kmsg_fd >= 0;
            break;
        }
        close(fd);
    }
    say("grant release check: %s", kmsg_usable ?
        "on (dynamic debug of grant-table.c, /dev/kmsg)" :
        "UNAVAILABLE (no dynamic debug control or /dev/kmsg)");
}

bool leak_check_usable(void)
{
    return kmsg_usable;
}

void leak_check_mark(void)
{
    if (kmsg_usable) {
        lseek(kmsg_fd, 0, SEEK_END);
    }
}

static bool ref_is_ours(uint32_t ref, Grants *const *gs, unsigned int nr)
{
    unsigned int i, j;

    for (i = 0; i < nr; i++) {
        for (j = 0; gs[i]->refs && j < gs[i]->count; j++) {
            if (gs[i]->refs[j] == ref) {
                return true;
            }
        }
    }
    return false;
}

/* How many of the grants in @gs the kernel could not take back. */
int leak_check_count(Grants *const *gs, unsigned int nr)
{
    char rec[1024];
    int leaked = 0;

    if (!kmsg_usable) {
        return 0;
    }
    for (;;) {
        ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
        const char *p;
        unsigned int ref;

        if (n < 0 && errno == EPIPE) {
            continue;   /* overwritten records: go on */
        }
        if (n <= 0) {
            break;
        }
        rec[n] = 0;
        p = strstr(rec, "g.e. 0x");
        if (!p || (!strstr(rec, "deferring") && !strstr(rec, "leaking"))) {
            continue;
        }
        if (sscanf(p, "g.e. %x", &ref) == 1 && ref_is_ours(ref, gs, nr)) {
            leaked++;
            debug("kernel: %s", rec);
        }
    }
    return leaked;
}

