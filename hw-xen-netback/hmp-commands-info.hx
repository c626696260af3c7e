
    {
        .name       = "xen-netback",
        .args_type  = "",
        .params     = "",
        .help       = "show xen-netback devices and their per-queue statistics",
        .cmd        = hmp_info_xen_netback,
    },

SRST
  ``info xen-netback``
    Show the xen-netback devices, their xenbus state and, per queue and
    direction, events, polls, packets, slots, bytes, PPI/SPI/PPN/SPN,
    grant operations and drops.
ERST
