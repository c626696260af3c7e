#include "trace/trace-hw_net_xen_netback.h"
