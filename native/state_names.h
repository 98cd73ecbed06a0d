// GstState names as JavaScript spells them ("playing") and as messages print them ("PLAYING").
#pragma once

#include <gst/gst.h>

#include <optional>
#include <string>

namespace gstkvs {

// "void-pending", "null", "ready", "paused" or "playing".
const char* StateName(GstState state);

// Parses "null", "ready", "paused" or "playing"; other names have no target state.
std::optional<GstState> ParseTargetState(const std::string& name);

// gst_element_state_get_name(): "NULL", "PLAYING".
const char* StateLabel(GstState state);

}  // namespace gstkvs
