/*
 * qnetback: Xen PV network backend in QEMU -- the device (xen-netback.c)
 * and what QMP (qmp.c) reads of it.  The data plane (dataplane.h) sees none
 * of this.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_XEN_NETBACK_H
#define HW_XEN_NETBACK_H

#include "hw/xen/xen-bus.h"
#include "net/net.h"
#include "qapi/qapi-types-xen-netback.h"
#include "qemu/thread.h"
#include "qom/object.h"
#include "system/iothread.h"
#include "dataplane.h"
#include "ctrl.h"

#define TYPE_XEN_NETBACK "xen-netback"
OBJECT_DECLARE_SIMPLE_TYPE(XenNetbackDevice, XEN_NETBACK)

/* The xen-netback of a vif the toolstack wrote (vif-backend.c). */
#define TYPE_XEN_NETBACK_VIF "xen-netback-vif"

/* Upper bound on queues, as Linux netback's default module parameter. */
#define XEN_NETBACK_MAX_QUEUES 8

struct XenNetbackDevice {
    XenDevice xendev;

    /* properties */
    NICConf conf;
    int32_t vif;                /* vif index; -1 picks the first free one */
    uint32_t max_queues;        /* 0 = as many as the tap has */
    IOThread *iothread;
    uint32_t nr_iothread_ids;
    char **iothread_ids;
    XenNetbackGrantMode grant_mode;
    uint32_t rx_stall_ms;       /* 0: the engine's default */
    uint32_t static_grants;     /* per queue; 0: no control ring */

    /* set at realize */
    NICState *nic;
    unsigned int nr_tap_queues;
    unsigned int nr_iothreads;
    IOThread **iothreads;       /* NULL entries mean the main loop */
    QEMUBH *fault_bh;

    /* set at connect */
    unsigned int generation;    /* of the current connection */
    NetifFeatures features;
    unsigned int nr_queues;
    XenNetbackQueue **queues;
    XenNetbackCtrl *ctrl;       /* if the frontend gave a control ring */
    bool in_transition;         /* connect or disconnect is running */
    bool disabled;              /* a fatal guest fault stopped the vif */
    /*
     * The backend nodes were Connected when we came: the backend serving
     * the vif died (a restart), and its rings may still be live.
     */
    bool took_over;
    Notifier shutdown;          /* QEMU is exiting: stop serving */
    bool shutting_down;
    char *error;                /* why, for query-xen-netback */
    const char *error_cause;    /* which rule, a static string */
    uint64_t faults;            /* fatal faults and refused connects */

    /* a fault a queue reported, for fault_bh (under fault_lock) */
    QemuMutex fault_lock;
    unsigned int fault_generation;
    const char *fault_cause;
    char *fault_msg;

    /* queues whose guest stopped taking frames (under stall_lock) */
    QemuMutex stall_lock;
    unsigned int stalled_queues;

    /* guest fault log lines, rate-limited */
    int64_t log_window_start;
    unsigned int log_lines;

    /* connections, paced (see xen_netback_connect_wait()) */
    int64_t connect_credit_ms;
    int64_t connect_credit_at;
    QEMUTimer *connect_timer;   /* a connection waiting for its turn */
    uint64_t connects_paced;
};

#endif /* HW_XEN_NETBACK_H */
