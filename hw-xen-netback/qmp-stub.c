/*
 * qnetback: query-xen-netback in a QEMU built without the device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/qapi-commands-xen-netback.h"

XenNetbackInfoList *qmp_query_xen_netback(Error **errp)
{
    return NULL;
}
