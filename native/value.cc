#include "value.h"

namespace gstkvs {
namespace {

PlainValue FromString(const gchar* text) {
  if (text == nullptr) {
    return PlainValue{};
  }
  return PlainValue{std::string(text)};
}

PlainValue FromOwnedString(gchar* text) {
  PlainValue result = FromString(text);
  g_free(text);
  return result;
}

PlainValue ReadEnum(const GValue* value) {
  gint number = g_value_get_enum(value);
  GEnumClass* enum_class = static_cast<GEnumClass*>(g_type_class_ref(G_VALUE_TYPE(value)));
  GEnumValue* entry = g_enum_get_value(enum_class, number);
  PlainValue result = entry != nullptr ? PlainValue{std::string(entry->value_nick)}
                                       : PlainValue{static_cast<double>(number)};
  g_type_class_unref(enum_class);
  return result;
}

// A "buffer" structure instead of gst_value_serialize()'s hex dump of the whole payload,
// which for a video frame would be megabytes per value.
PlainValue ReadBuffer(const GValue* value) {
  GstBuffer* buffer = gst_value_get_buffer(value);
  if (buffer == nullptr) {
    return PlainValue{};
  }

  auto clock_time = [](GstClockTime time) {
    return GST_CLOCK_TIME_IS_VALID(time) ? PlainValue{static_cast<uint64_t>(time)} : PlainValue{};
  };

  auto structure = std::make_shared<PlainStructure>();
  structure->name = "buffer";
  structure->fields.emplace_back("pts", clock_time(GST_BUFFER_PTS(buffer)));
  structure->fields.emplace_back("dts", clock_time(GST_BUFFER_DTS(buffer)));
  structure->fields.emplace_back("duration", clock_time(GST_BUFFER_DURATION(buffer)));
  structure->fields.emplace_back("size",
                                 PlainValue{static_cast<double>(gst_buffer_get_size(buffer))});
  return PlainValue{structure};
}

PlainValue ReadList(const GValue* value) {
  PlainValue::List items;
  GType type = G_VALUE_TYPE(value);

  if (type == GST_TYPE_LIST) {
    for (guint i = 0; i < gst_value_list_get_size(value); i++) {
      items.push_back(ReadValue(gst_value_list_get_value(value, i)));
    }
  } else if (type == GST_TYPE_ARRAY) {
    for (guint i = 0; i < gst_value_array_get_size(value); i++) {
      items.push_back(ReadValue(gst_value_array_get_value(value, i)));
    }
  } else {
    // level and other elements still post the deprecated GValueArray.
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    GValueArray* array = static_cast<GValueArray*>(g_value_get_boxed(value));
    for (guint i = 0; array != nullptr && i < array->n_values; i++) {
      items.push_back(ReadValue(g_value_array_get_nth(array, i)));
    }
    G_GNUC_END_IGNORE_DEPRECATIONS
  }

  return PlainValue{std::move(items)};
}

PlainValue ReadFundamental(const GValue* value) {
  switch (G_TYPE_FUNDAMENTAL(G_VALUE_TYPE(value))) {
    case G_TYPE_STRING:
      return FromString(g_value_get_string(value));
    case G_TYPE_BOOLEAN:
      return PlainValue{g_value_get_boolean(value) != FALSE};
    case G_TYPE_CHAR:
      return PlainValue{static_cast<double>(g_value_get_schar(value))};
    case G_TYPE_UCHAR:
      return PlainValue{static_cast<double>(g_value_get_uchar(value))};
    case G_TYPE_INT:
      return PlainValue{static_cast<double>(g_value_get_int(value))};
    case G_TYPE_UINT:
      return PlainValue{static_cast<double>(g_value_get_uint(value))};
    case G_TYPE_LONG:
      return PlainValue{static_cast<double>(g_value_get_long(value))};
    case G_TYPE_ULONG:
      return PlainValue{static_cast<double>(g_value_get_ulong(value))};
    case G_TYPE_INT64:
      return PlainValue{static_cast<int64_t>(g_value_get_int64(value))};
    case G_TYPE_UINT64:
      return PlainValue{static_cast<uint64_t>(g_value_get_uint64(value))};
    case G_TYPE_FLOAT:
      return PlainValue{static_cast<double>(g_value_get_float(value))};
    case G_TYPE_DOUBLE:
      return PlainValue{g_value_get_double(value)};
    case G_TYPE_ENUM:
      return ReadEnum(value);
    case G_TYPE_FLAGS:
      return PlainValue{static_cast<double>(g_value_get_flags(value))};
    case G_TYPE_POINTER:
      return PlainValue{};
    default:
      return FromOwnedString(gst_value_serialize(value));
  }
}

}  // namespace

PlainStructure ReadStructure(const GstStructure* structure) {
  PlainStructure result;
  result.name = gst_structure_get_name(structure);

  gint count = gst_structure_n_fields(structure);
  for (gint i = 0; i < count; i++) {
    const gchar* field = gst_structure_nth_field_name(structure, i);
    result.fields.emplace_back(field, ReadValue(gst_structure_get_value(structure, field)));
  }

  return result;
}

PlainValue ReadValue(const GValue* value) {
  GType type = G_VALUE_TYPE(value);

  if (type == GST_TYPE_STRUCTURE) {
    const GstStructure* structure = gst_value_get_structure(value);
    if (structure == nullptr) {
      return PlainValue{};
    }
    return PlainValue{std::make_shared<PlainStructure>(ReadStructure(structure))};
  }

  if (type == GST_TYPE_CAPS) {
    const GstCaps* caps = gst_value_get_caps(value);
    return caps != nullptr ? FromOwnedString(gst_caps_to_string(caps)) : PlainValue{};
  }

  if (type == GST_TYPE_BUFFER) {
    return ReadBuffer(value);
  }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  bool is_value_array = type == g_value_array_get_type();
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (type == GST_TYPE_LIST || type == GST_TYPE_ARRAY || is_value_array) {
    return ReadList(value);
  }

  if (g_type_is_a(type, GST_TYPE_OBJECT)) {
    GstObject* object = GST_OBJECT(g_value_get_object(value));
    return object != nullptr ? FromOwnedString(gst_object_get_name(object)) : PlainValue{};
  }

  return ReadFundamental(value);
}

Napi::Object ToJs(Napi::Env env, const PlainStructure& structure) {
  Napi::Object fields = Napi::Object::New(env);
  for (const auto& [name, value] : structure.fields) {
    fields.Set(name, ToJs(env, value));
  }

  Napi::Object result = Napi::Object::New(env);
  result.Set("name", structure.name);
  result.Set("fields", fields);
  return result;
}

Napi::Value ToJs(Napi::Env env, const PlainValue& value) {
  struct Visitor {
    Napi::Env env;

    Napi::Value operator()(std::monostate) const { return env.Null(); }
    Napi::Value operator()(bool flag) const { return Napi::Boolean::New(env, flag); }
    Napi::Value operator()(double number) const { return Napi::Number::New(env, number); }
    Napi::Value operator()(int64_t number) const { return Napi::BigInt::New(env, number); }
    Napi::Value operator()(uint64_t number) const { return Napi::BigInt::New(env, number); }
    Napi::Value operator()(const std::string& text) const { return Napi::String::New(env, text); }

    Napi::Value operator()(const std::shared_ptr<PlainStructure>& structure) const {
      return ToJs(env, *structure);
    }

    Napi::Value operator()(const PlainValue::List& items) const {
      Napi::Array array = Napi::Array::New(env, items.size());
      for (size_t i = 0; i < items.size(); i++) {
        array.Set(static_cast<uint32_t>(i), ToJs(env, items[i]));
      }
      return array;
    }

    Napi::Value operator()(const FragmentAck& ack) const {
      Napi::Object object = Napi::Object::New(env);
      object.Set("version", Napi::Number::New(env, ack.version));
      object.Set("ackType", Napi::Number::New(env, ack.ack_type));
      object.Set("timestamp", Napi::BigInt::New(env, ack.timestamp));
      object.Set("sequenceNumber", ack.sequence_number);
      object.Set("result", Napi::Number::New(env, ack.result));
      return object;
    }
  };

  return std::visit(Visitor{env}, value.value);
}

}  // namespace gstkvs
