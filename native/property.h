// Element properties from JavaScript, checked against their GParamSpec before GLib receives
// them, so bad input raises a TypeError or RangeError instead of a GLib warning.
#pragma once

#include <gst/gst.h>
#include <napi.h>

#include <string>

namespace gstkvs {

Napi::Value GetProperty(Napi::Env env, GstElement* element, const std::string& name);

void SetProperty(Napi::Env env, GstElement* element, const std::string& name,
                 Napi::Value value);

Napi::Array ListProperties(Napi::Env env, GstElement* element);

}  // namespace gstkvs
