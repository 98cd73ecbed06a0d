// GObject signals delivered to JavaScript: each emission's arguments are copied in the
// emitting thread and queued in the pipeline's ordered channel as a "signal" item.
#pragma once

#include <gst/gst.h>

#include <memory>
#include <string>

#include "channel.h"

namespace gstkvs {

// Connects a handler for signal_id (with detail) on element; returns its handler id.
// signal_name is the name JavaScript asked for, reported with each emission.
gulong ConnectSignalToChannel(GstElement* element, guint signal_id, GQuark detail,
                              const std::string& signal_name, std::shared_ptr<Channel> channel);

}  // namespace gstkvs
