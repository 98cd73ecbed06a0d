#include "state_names.h"

namespace gstkvs {

const char* StateName(GstState state) {
  switch (state) {
    case GST_STATE_NULL:
      return "null";
    case GST_STATE_READY:
      return "ready";
    case GST_STATE_PAUSED:
      return "paused";
    case GST_STATE_PLAYING:
      return "playing";
    default:
      return "void-pending";
  }
}

std::optional<GstState> ParseTargetState(const std::string& name) {
  for (GstState state : {GST_STATE_NULL, GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING}) {
    if (name == StateName(state)) {
      return state;
    }
  }
  return std::nullopt;
}

const char* StateLabel(GstState state) { return gst_element_state_get_name(state); }

}  // namespace gstkvs
