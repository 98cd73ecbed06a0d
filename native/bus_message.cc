#include "bus_message.h"

#include <time.h>

#include "state_names.h"

namespace gstkvs {
namespace {

// The stamp is stored in the qdata pointer itself, which is 64 bits wide on the supported
// (64-bit) platforms.
static_assert(sizeof(gpointer) >= sizeof(uint64_t), "qdata cannot hold a 64-bit stamp");

GQuark ReceivedAtQuark() {
  static GQuark quark = g_quark_from_static_string("gst-kvs-received-at");
  return quark;
}

void ReadGError(GstMessage* message, BusMessageData* data) {
  GError* error = nullptr;
  gchar* debug = nullptr;

  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error(message, &error, &debug);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning(message, &error, &debug);
      break;
    case GST_MESSAGE_INFO:
      gst_message_parse_info(message, &error, &debug);
      break;
    default:
      return;
  }

  if (error != nullptr) {
    data->error = CopyGError(error, debug);
  }
  g_clear_error(&error);
  g_free(debug);
}

Napi::Value OptionalString(Napi::Env env, const std::optional<std::string>& text) {
  return text.has_value() ? Napi::Value(Napi::String::New(env, *text)) : env.Null();
}

}  // namespace

uint64_t MonotonicNanoseconds() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

GstBusSyncReply StampReceivedAt(GstBus* bus, GstMessage* message, gpointer data) {
  gpointer stamp = reinterpret_cast<gpointer>(static_cast<uintptr_t>(MonotonicNanoseconds()));
  gst_mini_object_set_qdata(GST_MINI_OBJECT(message), ReceivedAtQuark(), stamp, nullptr);
  return GST_BUS_PASS;
}

void ReadSource(GstObject* object, BusMessageData* data) {
  if (object == nullptr) {
    return;
  }

  gchar* name = gst_object_get_name(object);
  if (name != nullptr) {
    data->source = name;
    g_free(name);
  }

  if (GST_IS_ELEMENT(object)) {
    GstElementFactory* factory = gst_element_get_factory(GST_ELEMENT(object));
    if (factory != nullptr) {
      data->source_factory = gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory));
    }
  }
}

BusMessageData ReadBusMessage(GstMessage* message) {
  BusMessageData data;
  data.type = gst_message_type_get_name(GST_MESSAGE_TYPE(message));

  gpointer stamp = gst_mini_object_get_qdata(GST_MINI_OBJECT(message), ReceivedAtQuark());
  data.received_at = stamp != nullptr ? static_cast<uint64_t>(reinterpret_cast<uintptr_t>(stamp))
                                      : MonotonicNanoseconds();

  ReadSource(GST_MESSAGE_SRC(message), &data);

  const GstStructure* structure = gst_message_get_structure(message);
  if (structure != nullptr) {
    data.structure = ReadStructure(structure);
  }

  ReadGError(message, &data);

  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_STATE_CHANGED) {
    GstState old_state, new_state, pending_state;
    gst_message_parse_state_changed(message, &old_state, &new_state, &pending_state);
    data.old_state = old_state;
    data.new_state = new_state;
    data.pending_state = pending_state;
  }

  return data;
}

Napi::Object ToJs(Napi::Env env, const BusMessageData& data) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("type", data.type);
  object.Set("source", OptionalString(env, data.source));
  object.Set("sourceFactory", OptionalString(env, data.source_factory));
  object.Set("receivedAt", Napi::BigInt::New(env, data.received_at));

  if (data.structure.has_value()) {
    object.Set("structure", ToJs(env, *data.structure));
  }

  if (data.error.has_value()) {
    Napi::Object error = Napi::Object::New(env);
    error.Set("domain", data.error->domain);
    error.Set("code", Napi::Number::New(env, data.error->code));
    error.Set("message", data.error->message);
    error.Set("debug", OptionalString(env, data.error->debug));
    object.Set("error", error);
  }

  if (data.old_state.has_value()) {
    object.Set("oldState", StateName(*data.old_state));
    object.Set("newState", StateName(*data.new_state));
    object.Set("pendingState", StateName(*data.pending_state));
  }

  if (data.signal.has_value()) {
    Napi::Array args = Napi::Array::New(env, data.args.size());
    for (size_t i = 0; i < data.args.size(); i++) {
      args.Set(static_cast<uint32_t>(i), ToJs(env, data.args[i]));
    }
    object.Set("signal", *data.signal);
    object.Set("args", args);
  }

  return object;
}

}  // namespace gstkvs
