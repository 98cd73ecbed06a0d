#include "property.h"

#include <cmath>
#include <optional>

#include "value.h"

namespace gstkvs {
namespace {

// Wide enough for every GLib integer type, signed or unsigned.
using Integer = __int128;

constexpr double kMaxSafeInteger = 9007199254740991.0;

std::string ElementName(GstElement* element) {
  gchar* name = gst_object_get_name(GST_OBJECT(element));
  std::string result = name != nullptr ? name : "";
  g_free(name);
  return result;
}

// Names the property in every message: Property "fragment-duration" of element "kvs".
std::string Subject(GParamSpec* spec, GstElement* element) {
  return std::string("Property \"") + spec->name + "\" of element \"" + ElementName(element) +
         "\"";
}

std::string TypeOf(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "boolean";
    case napi_number:
      return "number";
    case napi_string:
      return "string";
    case napi_symbol:
      return "symbol";
    case napi_function:
      return "function";
    case napi_bigint:
      return "bigint";
    default:
      return "object";
  }
}

std::string IntegerToString(Integer value) {
  bool negative = value < 0;
  // Negating value + 1 avoids overflow at the minimum.
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(value + 1)) + 1
                                         : static_cast<unsigned __int128>(value);

  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);

  return negative ? "-" + digits : digits;
}

std::string Describe(Napi::Value value) {
  switch (value.Type()) {
    case napi_string:
      return "\"" + value.As<Napi::String>().Utf8Value() + "\"";
    case napi_number:
    case napi_bigint:
    case napi_boolean:
      return value.ToString().Utf8Value();
    default:
      return TypeOf(value);
  }
}

[[noreturn]] void ThrowExpects(Napi::Env env, GParamSpec* spec, GstElement* element,
                               const std::string& expected, Napi::Value value) {
  throw Napi::TypeError::New(env, Subject(spec, element) + " expects " + expected + ", got " +
                                      TypeOf(value));
}

[[noreturn]] void ThrowRange(Napi::Env env, GParamSpec* spec, GstElement* element,
                             const std::string& allowed, Napi::Value value) {
  throw Napi::RangeError::New(env, Subject(spec, element) + " must be " + allowed + ", got " +
                                       Describe(value));
}

struct IntegerSpec {
  const char* expected;
  Integer minimum;
  Integer maximum;
  bool is_64_bit;
};

std::optional<IntegerSpec> FindIntegerSpec(GParamSpec* spec) {
  GType type = G_PARAM_SPEC_TYPE(spec);

  if (type == G_TYPE_PARAM_CHAR) {
    auto* range = G_PARAM_SPEC_CHAR(spec);
    return IntegerSpec{"an integer (gchar)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_UCHAR) {
    auto* range = G_PARAM_SPEC_UCHAR(spec);
    return IntegerSpec{"an unsigned integer (guchar)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_INT) {
    auto* range = G_PARAM_SPEC_INT(spec);
    return IntegerSpec{"an integer (gint)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_UINT) {
    auto* range = G_PARAM_SPEC_UINT(spec);
    return IntegerSpec{"an unsigned integer (guint)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_LONG) {
    auto* range = G_PARAM_SPEC_LONG(spec);
    return IntegerSpec{"an integer (glong)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_ULONG) {
    auto* range = G_PARAM_SPEC_ULONG(spec);
    return IntegerSpec{"an unsigned integer (gulong)", range->minimum, range->maximum, false};
  }
  if (type == G_TYPE_PARAM_INT64) {
    auto* range = G_PARAM_SPEC_INT64(spec);
    return IntegerSpec{"a 64-bit integer (gint64)", range->minimum, range->maximum, true};
  }
  if (type == G_TYPE_PARAM_UINT64) {
    auto* range = G_PARAM_SPEC_UINT64(spec);
    return IntegerSpec{"an unsigned 64-bit integer (guint64)", range->minimum, range->maximum,
                       true};
  }
  return std::nullopt;
}

// Reads a Number that is an integer (a safe one for 64-bit types) or a BigInt.
Integer ReadInteger(Napi::Env env, GParamSpec* spec, GstElement* element,
                    const IntegerSpec& integer, Napi::Value value) {
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t signed_value = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (lossless) {
      return signed_value;
    }
    uint64_t unsigned_value = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) {
      return unsigned_value;
    }
    ThrowRange(env, spec, element,
               "between " + IntegerToString(integer.minimum) + " and " +
                   IntegerToString(integer.maximum),
               value);
  }

  if (!value.IsNumber()) {
    ThrowExpects(env, spec, element, integer.expected, value);
  }

  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " expects " + integer.expected +
                                        ", got " + Describe(value));
  }
  if (integer.is_64_bit && std::fabs(number) > kMaxSafeInteger) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " expects " + integer.expected +
                                        " as a bigint or a safe integer number, got " +
                                        Describe(value));
  }
  return static_cast<Integer>(number);
}

void SetInteger(GValue* target, Integer number) {
  switch (G_TYPE_FUNDAMENTAL(G_VALUE_TYPE(target))) {
    case G_TYPE_CHAR:
      g_value_set_schar(target, static_cast<gint8>(number));
      break;
    case G_TYPE_UCHAR:
      g_value_set_uchar(target, static_cast<guchar>(number));
      break;
    case G_TYPE_INT:
      g_value_set_int(target, static_cast<gint>(number));
      break;
    case G_TYPE_UINT:
      g_value_set_uint(target, static_cast<guint>(number));
      break;
    case G_TYPE_LONG:
      g_value_set_long(target, static_cast<glong>(number));
      break;
    case G_TYPE_ULONG:
      g_value_set_ulong(target, static_cast<gulong>(number));
      break;
    case G_TYPE_INT64:
      g_value_set_int64(target, static_cast<gint64>(number));
      break;
    default:
      g_value_set_uint64(target, static_cast<guint64>(number));
      break;
  }
}

void FillFloating(Napi::Env env, GParamSpec* spec, GstElement* element, Napi::Value value,
                  GValue* target) {
  bool is_float = G_PARAM_SPEC_TYPE(spec) == G_TYPE_PARAM_FLOAT;
  const char* expected = is_float ? "a number (gfloat)" : "a number (gdouble)";
  if (!value.IsNumber()) {
    ThrowExpects(env, spec, element, expected, value);
  }

  double number = value.As<Napi::Number>().DoubleValue();
  double minimum =
      is_float ? G_PARAM_SPEC_FLOAT(spec)->minimum : G_PARAM_SPEC_DOUBLE(spec)->minimum;
  double maximum =
      is_float ? G_PARAM_SPEC_FLOAT(spec)->maximum : G_PARAM_SPEC_DOUBLE(spec)->maximum;
  if (std::isnan(number) || number < minimum || number > maximum) {
    ThrowRange(env, spec, element,
               "between " + std::to_string(minimum) + " and " + std::to_string(maximum), value);
  }

  if (is_float) {
    g_value_set_float(target, static_cast<gfloat>(number));
  } else {
    g_value_set_double(target, number);
  }
}

void FillEnum(Napi::Env env, GParamSpec* spec, GstElement* element, Napi::Value value,
              GValue* target) {
  GEnumClass* enum_class = G_PARAM_SPEC_ENUM(spec)->enum_class;
  GEnumValue* entry = nullptr;

  if (value.IsString()) {
    std::string text = value.As<Napi::String>().Utf8Value();
    entry = g_enum_get_value_by_nick(enum_class, text.c_str());
    if (entry == nullptr) {
      entry = g_enum_get_value_by_name(enum_class, text.c_str());
    }
  } else if (value.IsNumber()) {
    double number = value.As<Napi::Number>().DoubleValue();
    if (std::trunc(number) == number && std::fabs(number) <= G_MAXINT) {
      entry = g_enum_get_value(enum_class, static_cast<gint>(number));
    }
  } else {
    std::string expected =
        std::string("an enum nick, name or number (") + g_type_name(spec->value_type) + ")";
    ThrowExpects(env, spec, element, expected, value);
  }

  if (entry == nullptr) {
    std::string nicks;
    for (guint i = 0; i < enum_class->n_values; i++) {
      nicks += (i == 0 ? "" : ", ") + std::string(enum_class->values[i].value_nick);
    }
    ThrowRange(env, spec, element, "one of " + nicks, value);
  }

  g_value_set_enum(target, entry->value);
}

void FillFlags(Napi::Env env, GParamSpec* spec, GstElement* element, Napi::Value value,
               GValue* target) {
  GFlagsClass* flags_class = G_PARAM_SPEC_FLAGS(spec)->flags_class;
  std::string expected = std::string("flags as a number or \"a+b\" nicks (") +
                         g_type_name(spec->value_type) + ")";

  if (value.IsString()) {
    std::string text = value.As<Napi::String>().Utf8Value();
    if (!gst_value_deserialize(target, text.c_str())) {
      ThrowRange(env, spec, element, expected, value);
    }
    return;
  }

  if (!value.IsNumber()) {
    ThrowExpects(env, spec, element, expected, value);
  }

  double number = value.As<Napi::Number>().DoubleValue();
  if (std::trunc(number) != number || number < 0 || number > G_MAXUINT ||
      (static_cast<guint>(number) & ~flags_class->mask) != 0) {
    ThrowRange(env, spec, element, "a combination of the flags in mask " +
                                       std::to_string(flags_class->mask), value);
  }
  g_value_set_flags(target, static_cast<guint>(number));
}

// GstStructure, GstCaps and other types GStreamer can deserialize from a string.
void FillFromString(Napi::Env env, GParamSpec* spec, GstElement* element, Napi::Value value,
                    GValue* target) {
  GType type = spec->value_type;
  std::string expected =
      std::string("a string in GStreamer's serialized form (") + g_type_name(type) + ")";
  bool nullable = type == GST_TYPE_STRUCTURE || type == GST_TYPE_CAPS;

  if (nullable && value.IsNull()) {
    return;
  }
  if (!value.IsString()) {
    ThrowExpects(env, spec, element, nullable ? expected + " or null" : expected, value);
  }

  std::string text = value.As<Napi::String>().Utf8Value();
  if (type == GST_TYPE_STRUCTURE) {
    GstStructure* structure = gst_structure_from_string(text.c_str(), nullptr);
    if (structure == nullptr) {
      throw Napi::TypeError::New(env, Subject(spec, element) + " expects " + expected +
                                          ", got an invalid structure " + Describe(value));
    }
    g_value_take_boxed(target, structure);
    return;
  }

  if (!gst_value_deserialize(target, text.c_str())) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " expects " + expected +
                                        ", got an invalid value " + Describe(value));
  }
}

void FillValue(Napi::Env env, GParamSpec* spec, GstElement* element, Napi::Value value,
               GValue* target) {
  if (auto integer = FindIntegerSpec(spec)) {
    Integer number = ReadInteger(env, spec, element, *integer, value);
    if (number < integer->minimum || number > integer->maximum) {
      ThrowRange(env, spec, element,
                 "between " + IntegerToString(integer->minimum) + " and " +
                     IntegerToString(integer->maximum),
                 value);
    }
    SetInteger(target, number);
    return;
  }

  switch (G_TYPE_FUNDAMENTAL(spec->value_type)) {
    case G_TYPE_STRING:
      if (value.IsNull()) {
        return;
      }
      if (!value.IsString()) {
        ThrowExpects(env, spec, element, "a string (gchararray) or null", value);
      }
      g_value_set_string(target, value.As<Napi::String>().Utf8Value().c_str());
      return;

    case G_TYPE_BOOLEAN:
      if (!value.IsBoolean()) {
        ThrowExpects(env, spec, element, "a boolean (gboolean)", value);
      }
      g_value_set_boolean(target, value.As<Napi::Boolean>().Value());
      return;

    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
      FillFloating(env, spec, element, value, target);
      return;

    case G_TYPE_ENUM:
      FillEnum(env, spec, element, value, target);
      return;

    case G_TYPE_FLAGS:
      FillFlags(env, spec, element, value, target);
      return;

    case G_TYPE_POINTER:
    case G_TYPE_OBJECT:
    case G_TYPE_INTERFACE:
      throw Napi::TypeError::New(env, Subject(spec, element) + " has type " +
                                          g_type_name(spec->value_type) +
                                          ", which cannot be set from JavaScript");

    default:
      FillFromString(env, spec, element, value, target);
      return;
  }
}

GParamSpec* FindProperty(Napi::Env env, GstElement* element, const std::string& name) {
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(element), name.c_str());
  if (spec == nullptr) {
    throw Napi::TypeError::New(env, "Element \"" + ElementName(element) + "\" has no property \"" +
                                        name + "\"");
  }
  return spec;
}

}  // namespace

Napi::Value GetProperty(Napi::Env env, GstElement* element, const std::string& name) {
  GParamSpec* spec = FindProperty(env, element, name);
  if ((spec->flags & G_PARAM_READABLE) == 0) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " is not readable");
  }

  GValue value = G_VALUE_INIT;
  g_value_init(&value, spec->value_type);
  g_object_get_property(G_OBJECT(element), spec->name, &value);
  PlainValue plain = ReadValue(&value);
  g_value_unset(&value);

  return ToJs(env, plain);
}

void SetProperty(Napi::Env env, GstElement* element, const std::string& name,
                 Napi::Value value) {
  GParamSpec* spec = FindProperty(env, element, name);
  if ((spec->flags & G_PARAM_WRITABLE) == 0) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " is not writable");
  }
  if ((spec->flags & G_PARAM_CONSTRUCT_ONLY) != 0) {
    throw Napi::TypeError::New(env, Subject(spec, element) + " can only be set at construction");
  }

  GValue target = G_VALUE_INIT;
  g_value_init(&target, spec->value_type);

  try {
    FillValue(env, spec, element, value, &target);
  } catch (...) {
    g_value_unset(&target);
    throw;
  }

  // A last check with GLib's own rules, which g_object_set_property() would print a
  // warning for instead of failing.
  if (g_param_value_validate(spec, &target)) {
    g_value_unset(&target);
    throw Napi::RangeError::New(env, Subject(spec, element) + " does not accept " +
                                         Describe(value));
  }

  g_object_set_property(G_OBJECT(element), spec->name, &target);
  g_value_unset(&target);
}

Napi::Array ListProperties(Napi::Env env, GstElement* element) {
  guint count = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(element), &count);
  Napi::Array result = Napi::Array::New(env, count);

  for (guint i = 0; i < count; i++) {
    GParamSpec* spec = specs[i];
    const gchar* blurb = g_param_spec_get_blurb(spec);
    bool writable =
        (spec->flags & G_PARAM_WRITABLE) != 0 && (spec->flags & G_PARAM_CONSTRUCT_ONLY) == 0;

    Napi::Object info = Napi::Object::New(env);
    info.Set("name", spec->name);
    info.Set("type", g_type_name(spec->value_type));
    info.Set("readable", Napi::Boolean::New(env, (spec->flags & G_PARAM_READABLE) != 0));
    info.Set("writable", Napi::Boolean::New(env, writable));
    info.Set("blurb", blurb != nullptr ? Napi::Value(Napi::String::New(env, blurb)) : env.Null());
    result.Set(i, info);
  }

  g_free(specs);
  return result;
}

}  // namespace gstkvs
