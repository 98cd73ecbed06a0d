// One item of a pipeline's ordered channel: a bus message or a signal emission, as plain
// C++ data built off the JavaScript thread, then converted there.
#pragma once

#include <gst/gst.h>
#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "value.h"

namespace gstkvs {

struct BusMessageData {
  // gst_message_type_get_name(), or "signal" for a signal emission.
  std::string type;
  std::optional<std::string> source;
  std::optional<std::string> source_factory;
  // CLOCK_MONOTONIC nanoseconds when the bus received the message (or the signal was
  // emitted); Channel::Push() may raise it by a few nanoseconds to keep the order.
  uint64_t received_at = 0;
  std::optional<PlainStructure> structure;
  std::optional<GErrorData> error;
  std::optional<GstState> old_state;
  std::optional<GstState> new_state;
  std::optional<GstState> pending_state;
  // Signal emissions only.
  std::optional<std::string> signal;
  std::vector<PlainValue> args;
};

uint64_t MonotonicNanoseconds();

// Bus sync handler that stamps each message with MonotonicNanoseconds() in its qdata,
// because the watch runs later, on the main loop thread.
GstBusSyncReply StampReceivedAt(GstBus* bus, GstMessage* message, gpointer data);

// Copies the message; the received time comes from StampReceivedAt(), or now if unstamped.
BusMessageData ReadBusMessage(GstMessage* message);

// Copies a GstObject's name and, for an element, its factory's name.
void ReadSource(GstObject* object, BusMessageData* data);

Napi::Object ToJs(Napi::Env env, const BusMessageData& data);

}  // namespace gstkvs
