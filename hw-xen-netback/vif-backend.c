/*
 * xen-vif-backend: serve the vifs the toolstack writes in this domain
 *
 * libxl writes backend/vif/<domid>/<dev> in the backend domain a vif line
 * names (backend=NAME, default dom0), and waits for a backend there to
 * take the nodes to InitWait.  With -object xen-vif-backend, this QEMU is
 * that backend: for each vif of any guest it opens a tap named as the
 * kernel netback names its interfaces (vif<domid>.<dev>, or the vif's
 * vifname) and realizes a xen-netback device on it.  The hotplug script
 * (vif-bridge, run by libxl or a driver domain's xl devd) then puts the
 * tap on the vif's bridge.  When the toolstack takes the vif away, xen-bus
 * destroys the device and the tap goes with it.
 *
 * Meant for a network driver domain, or any domain where Linux's
 * xen-netback is not loaded: two backends serving the same nodes would
 * fight over them.
 *
 * Copyright (c) 2026 The qnetback authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <net/if.h>
#include "qemu/rcu.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-net.h"
#include "qapi/qapi-types-net.h"
#include "qapi/qapi-builtin-visit.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qapi/visitor.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-properties.h"
#include "hw/xen/xen-backend.h"
#include "hw/xen/xen-bus.h"
#include "hw/xen/xen-bus-helper.h"
#include "qemu/error-report.h"
#include "monitor/qdev.h"
#include "hw/qdev-core.h"
#include "xen-netback.h"
#include "trace.h"

#define TYPE_XEN_VIF_BACKEND "xen-vif-backend"
OBJECT_DECLARE_SIMPLE_TYPE(XenVifBackend, XEN_VIF_BACKEND)

struct XenVifBackend {
    Object parent;

    uint32_t queues;
    strList *iothreads;
};

/* The one instance: xen-bus has one backend type "vif". */
static XenVifBackend *xen_vif_backend;

/*
 * A vif taken over from a backend that died (a restart): xl devd ran the
 * vif's hotplug script for the dead backend's tap only, and will not run
 * it again.  Run it for ours, as devd does: "online", with the vif's
 * backend path and interface name in the environment.
 */
static void xen_vif_backend_hotplug(XenBus *xenbus, unsigned int domid,
                                    unsigned int dev, const char *script,
                                    const char *ifname)
{
    g_autofree char *path =
        g_strdup_printf("XENBUS_PATH=/local/domain/%u/backend/vif/%u/%u",
                        xenbus->backend_id, domid, dev);
    g_autofree char *vif = g_strdup_printf("vif=%s", ifname);
    g_autofree char *prog = script[0] == '/' ?
        g_strdup(script) : g_strdup_printf("/etc/xen/scripts/%s", script);
    char *argv[] = { prog, (char *)"online", NULL };
    char *envp[] = {
        path, vif, (char *)"XENBUS_TYPE=vif",
        (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                "/sbin:/bin",
        NULL
    };
    GError *err = NULL;

    trace_xen_vif_backend_hotplug(domid, dev, prog);
    if (!g_spawn_async(NULL, argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                       NULL, NULL, &err)) {
        warn_report("vif %u of domain %u: cannot run %s: %s", dev, domid,
                    prog, err->message);
        g_error_free(err);
    }
}

static void xen_vif_backend_create(XenBackendInstance *backend, QDict *opts,
                                   Error **errp)
{
    ERRP_GUARD();
    XenVifBackend *vifs = xen_vif_backend;
    const char *name = xen_backend_get_name(backend);
    const char *mac = qdict_get_try_str(opts, "mac");
    const char *vifname = qdict_get_try_str(opts, "vifname");
    const char *script = qdict_get_try_str(opts, "script");
    XenBus *xenbus = xen_backend_get_bus(backend);
    unsigned int domid, dev, state;
    bool took_over;
    int end = 0;
    g_autofree char *ifname = NULL;
    g_autofree char *netdev_id = NULL;
    g_autofree char *node = NULL;
    Netdev netdev = { .type = NET_CLIENT_DRIVER_TAP };
    NetdevTapOptions *tap = &netdev.u.tap;
    DeviceState *vif;
    QList *ids;
    strList *id;

    if (!vifs) {
        error_setg(errp, "no xen-vif-backend object");
        return;
    }
    /* xen-bus names the instances of an all-frontends type "<domid>/<dev>". */
    if (sscanf(name, "%u/%u%n", &domid, &dev, &end) != 2 ||
        name[end] != '\0' || domid >= DOMID_FIRST_RESERVED) {
        error_setg(errp, "vif %s: not a <domid>/<dev> name", name);
        return;
    }
    if (!mac) {
        error_setg(errp, "vif %u of domain %u: no mac in its backend node",
                   dev, domid);
        return;
    }
    ifname = vifname ? g_strdup(vifname) :
                       g_strdup_printf("vif%u.%u", domid, dev);
    if (strlen(ifname) >= IFNAMSIZ) {
        error_setg(errp, "vif %u of domain %u: interface name %s is too long",
                   dev, domid, ifname);
        return;
    }

    /* xen-bus takes over a vif past Initialising: its backend died. */
    node = g_strdup_printf("backend/vif/%u/%u", domid, dev);
    took_over = xs_node_scanf(xenbus->xsh, XBT_NULL, node, "state", NULL,
                              "%u", &state) == 1 &&
                state != XenbusStateInitialising;
    /* A tap as the kernel netback's interface: the hotplug script's. */
    netdev_id = g_strdup_printf("xen-vif-%u-%u", domid, dev);
    netdev.id = netdev_id;
    tap->ifname = ifname;
    tap->script = (char *)"no";
    tap->downscript = (char *)"no";
    tap->has_vhost = true;
    tap->vhost = false;
    tap->has_vnet_hdr = true;
    tap->vnet_hdr = true;
    tap->has_queues = true;
    tap->queues = vifs->queues;
    qmp_netdev_add(&netdev, errp);
    if (*errp) {
        error_prepend(errp, "vif %u of domain %u: tap %s: ", dev, domid,
                      ifname);
        return;
    }

    vif = qdev_new(TYPE_XEN_NETBACK_VIF);
    ids = qlist_new();
    for (id = vifs->iothreads; id; id = id->next) {
        qlist_append_str(ids, id->value);
    }
    qdev_prop_set_array(vif, "iothreads", ids);
    if (!object_property_set_uint(OBJECT(vif), "frontend-id", domid, errp) ||
        !object_property_set_int(OBJECT(vif), "vif", dev, errp) ||
        !object_property_set_uint(OBJECT(vif), "queues", vifs->queues,
                                  errp) ||
        !object_property_set_str(OBJECT(vif), "mac", mac, errp) ||
        !object_property_set_str(OBJECT(vif), "netdev", netdev_id, errp) ||
        !qdev_set_id(vif, g_strdup(ifname), errp) ||
        !qdev_realize(vif, BUS(xenbus), errp)) {
        error_prepend(errp, "vif %u of domain %u: ", dev, domid);
        object_unparent(OBJECT(vif));
        object_unref(OBJECT(vif));
        drain_call_rcu();
        qmp_netdev_del(netdev_id, NULL);
        return;
    }
    object_unref(OBJECT(vif));
    xen_backend_set_device(backend, XEN_DEVICE(vif));
    trace_xen_vif_backend_create(domid, dev, ifname);
    if (took_over && script) {
        xen_vif_backend_hotplug(xenbus, domid, dev, script, ifname);
    }
}

static void xen_vif_backend_destroy(XenBackendInstance *backend, Error **errp)
{
    XenNetbackDevice *netback = XEN_NETBACK(xen_backend_get_device(backend));
    XenDevice *xendev = &netback->xendev;
    g_autofree char *netdev_id = g_strdup(netback->conf.peers.ncs[0]->name);

    trace_xen_vif_backend_destroy(xendev->frontend_id, netback->vif);
    object_unparent(OBJECT(xendev));
    /*
     * The device is freed in an RCU callback, with its netdev property
     * still naming the tap: let it go before the tap does.
     */
    drain_call_rcu();
    qmp_netdev_del(netdev_id, errp);
}

static const XenBackendInfo xen_vif_backend_info = {
    .type = "vif",
    .create = xen_vif_backend_create,
    .destroy = xen_vif_backend_destroy,
    .all_frontends = true,
};

static void xen_vif_backend_complete(UserCreatable *uc, Error **errp)
{
    XenVifBackend *vifs = XEN_VIF_BACKEND(uc);

    if (xen_vif_backend) {
        error_setg(errp, "only one xen-vif-backend object may exist");
        return;
    }
    /* xen-bus sets its backend watches once, when the machine is made. */
    if (phase_check(PHASE_MACHINE_READY)) {
        error_setg(errp, "xen-vif-backend must be given on the command line");
        return;
    }
    if (vifs->queues < 1 || vifs->queues > XEN_NETBACK_MAX_QUEUES) {
        error_setg(errp, "xen-vif-backend: queues must be 1 to %u",
                   XEN_NETBACK_MAX_QUEUES);
        return;
    }
    if (access("/sys/module/xen_netback", F_OK) == 0) {
        error_setg(errp, "xen-vif-backend: Linux's xen-netback is loaded "
                   "here and serves backend/vif already");
        error_append_hint(errp, "Run it in a domain without the xen-netback "
                          "module, such as a network driver domain.\n");
        return;
    }
    xen_vif_backend = vifs;
    xen_backend_register(&xen_vif_backend_info);
}

static bool xen_vif_backend_can_be_deleted(UserCreatable *uc)
{
    /* xen-bus keeps the backend type, and its devices, for good. */
    return false;
}

static void xen_vif_backend_get_queues(Object *obj, Visitor *v,
                                       const char *name, void *opaque,
                                       Error **errp)
{
    visit_type_uint32(v, name, &XEN_VIF_BACKEND(obj)->queues, errp);
}

static void xen_vif_backend_set_queues(Object *obj, Visitor *v,
                                       const char *name, void *opaque,
                                       Error **errp)
{
    visit_type_uint32(v, name, &XEN_VIF_BACKEND(obj)->queues, errp);
}

static void xen_vif_backend_get_iothreads(Object *obj, Visitor *v,
                                          const char *name, void *opaque,
                                          Error **errp)
{
    visit_type_strList(v, name, &XEN_VIF_BACKEND(obj)->iothreads, errp);
}

static void xen_vif_backend_set_iothreads(Object *obj, Visitor *v,
                                          const char *name, void *opaque,
                                          Error **errp)
{
    XenVifBackend *vifs = XEN_VIF_BACKEND(obj);
    strList *list;

    if (!visit_type_strList(v, name, &list, errp)) {
        return;
    }
    qapi_free_strList(vifs->iothreads);
    vifs->iothreads = list;
}

static void xen_vif_backend_instance_init(Object *obj)
{
    XEN_VIF_BACKEND(obj)->queues = 1;
}

static void xen_vif_backend_instance_finalize(Object *obj)
{
    qapi_free_strList(XEN_VIF_BACKEND(obj)->iothreads);
}

static void xen_vif_backend_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = xen_vif_backend_complete;
    ucc->can_be_deleted = xen_vif_backend_can_be_deleted;

    object_class_property_add(oc, "queues", "uint32",
                              xen_vif_backend_get_queues,
                              xen_vif_backend_set_queues, NULL, NULL);
    object_class_property_set_description(oc, "queues",
        "the most queues a guest may connect on each vif (default 1)");
    object_class_property_add(oc, "iothreads", "strList",
                              xen_vif_backend_get_iothreads,
                              xen_vif_backend_set_iothreads, NULL, NULL);
    object_class_property_set_description(oc, "iothreads",
        "the IOThreads serving the queues, queue i of every vif in the "
        "(i modulo their number)th (default: the main loop)");
}

static void xen_netback_vif_class_init(ObjectClass *class, void *data)
{
    DeviceClass *dev_class = DEVICE_CLASS(class);
    XenDeviceClass *xendev_class = XEN_DEVICE_CLASS(class);

    /* The nodes libxl writes for a vif line: backend/vif/<domid>/<dev>. */
    xendev_class->backend = "vif";
    dev_class->desc = "Xen PV network backend of a vif the toolstack wrote "
                      "(made by xen-vif-backend)";
    dev_class->user_creatable = false;
}

static const TypeInfo xen_vif_backend_types[] = {
    {
        .name = TYPE_XEN_VIF_BACKEND,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(XenVifBackend),
        .instance_init = xen_vif_backend_instance_init,
        .instance_finalize = xen_vif_backend_instance_finalize,
        .class_init = xen_vif_backend_class_init,
        .interfaces = (InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { }
        },
    }, {
        .name = TYPE_XEN_NETBACK_VIF,
        .parent = TYPE_XEN_NETBACK,
        .class_init = xen_netback_vif_class_init,
    },
};

DEFINE_TYPES(xen_vif_backend_types)
