// GValue <-> JavaScript conversion, in one place: properties, structure fields and signal
// arguments all go through here.
#pragma once

#include <gst/gst.h>
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gstkvs {

struct PlainStructure;

// kvssink's FragmentAck, copied field by field while the emission's pointer is valid.
struct FragmentAck {
  uint32_t version = 0;
  int32_t ack_type = 0;
  uint64_t timestamp = 0;
  std::string sequence_number;
  int32_t result = 0;
};

// A GValue copied into plain C++ data, so any thread can build it and the JavaScript
// thread can convert it later. int64_t and uint64_t become BigInt, double a Number.
struct PlainValue {
  using List = std::vector<PlainValue>;
  std::variant<std::monostate, bool, double, int64_t, uint64_t, std::string,
               std::shared_ptr<PlainStructure>, List, FragmentAck>
      value;
};

struct PlainStructure {
  std::string name;
  std::vector<std::pair<std::string, PlainValue>> fields;
};

// Copies a GValue. The mapping:
// - strings, booleans and numbers as themselves, with gint64 and guint64 as 64-bit integers
// - enums as their nick, flags as a number
// - GstStructure as a structure, GstCaps as its string, GstObject as its name
// - GstValueList, GstValueArray and GValueArray as lists
// - GstBuffer as a "buffer" structure of its pts, dts, duration and size
// - gpointer as null, anything else as gst_value_serialize()'s string (null if it has none)
PlainValue ReadValue(const GValue* value);

PlainStructure ReadStructure(const GstStructure* structure);

Napi::Value ToJs(Napi::Env env, const PlainValue& value);

Napi::Object ToJs(Napi::Env env, const PlainStructure& structure);

}  // namespace gstkvs
