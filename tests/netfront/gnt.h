/*
 * qnb-netfront: grants with /dev/xen/gntalloc, and the check that the
 * kernel could take every one back.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QNB_GNT_H
#define QNB_GNT_H

#include "qnb-netfront.h"

/* @count pages granted to one domain, mapped at @addr. */
typedef struct Grants {
    unsigned int count;
    uint64_t index;
    uint32_t *refs;
    uint8_t *addr;
    bool writable;              /* else the backend may only read them */
} Grants;

bool grants_open(void);
bool grants_alloc(Grants *g, uint16_t domid, unsigned int count,
                  bool writable);
void *grants_page(Grants *g, unsigned int i);
bool grants_free(Grants *g);

void leak_check_init(void);
/* Whether leak_check_count() can see anything. */
bool leak_check_usable(void);
/* Skip what the kernel logged so far. */
void leak_check_mark(void);
/* How many of the grants in @gs the kernel could not take back. */
int leak_check_count(Grants *const *gs, unsigned int nr);

#endif
