#ifndef DUBAN_CZEROMQ_SHIM_H
#define DUBAN_CZEROMQ_SHIM_H
#include <zmq.h>
// Stable in libzmq 4.3 but guarded by the draft API in zmq.h; the option is accepted at run time.
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif
#endif
