// The one GLib thread that runs every pipeline's bus watch and timeout source.
#pragma once

#include <glib.h>

namespace gstkvs {

// Returns the private GMainContext, starting its thread on first use. The thread is a
// plain GThread, not a libuv pool thread, so it never keeps Node's event loop alive.
GMainContext* MainContext();

// Quits the main loop and joins its thread. The thread only dispatches short callbacks,
// so the join returns promptly. A later MainContext() call starts a new thread.
void StopMainLoop();

}  // namespace gstkvs
