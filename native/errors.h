// The Error objects the addon throws or rejects with. Their `kind` names what failed, and
// GStreamer errors add the GError's domain, code and debug string.
#pragma once

#include <gst/gst.h>
#include <napi.h>

#include <optional>
#include <string>

namespace gstkvs {

// A GError copied off the GStreamer thread that posted it.
struct GErrorData {
  std::string domain;
  int code = 0;
  std::string message;
  std::optional<std::string> debug;
};

GErrorData CopyGError(const GError* error, const gchar* debug);

// An error to raise in JavaScript later. kind is "parse", "state-change", "timeout",
// "bus-error" or "disposed".
struct ErrorData {
  std::string kind;
  std::string message;
  std::optional<GErrorData> gerror;
  // Name of the element that posted a bus error; unset for errors not from the bus.
  std::optional<std::optional<std::string>> source;
};

Napi::Error ToJsError(Napi::Env env, const ErrorData& error);

}  // namespace gstkvs
