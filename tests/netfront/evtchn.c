/*
 * qnb-netfront: event channels, with /dev/xen/evtchn.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <xen/xen.h>        /* domid_t, for evtchn.h */
#include <xen/sys/evtchn.h>

#include "evtchn.h"

int evtchn_bind(int fd, unsigned int remote)
{
    struct ioctl_evtchn_bind_unbound_port op = { .remote_domain = remote };

    return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &op);
}

void evtchn_notify(int fd, int port)
{
    struct ioctl_evtchn_notify op = { .port = (unsigned int)port };

    ioctl(fd, IOCTL_EVTCHN_NOTIFY, &op);
}

/* Consume pending events and unmask their ports; we poll the rings. */
void evtchn_drain(int fd)
{
    uint32_t ports[32];
    ssize_t n;

    while ((n = read(fd, ports, sizeof(ports))) > 0) {
        if (write(fd, ports, (size_t)n) < 0) {
            break;
        }
    }
}

