#include "signal.h"

#include <cstring>
#include <utility>

#include "bus_message.h"
#include "value.h"

namespace gstkvs {
namespace {

struct SignalTarget {
  std::shared_ptr<Channel> channel;
  std::string signal_name;
  // kvssink's "fragment-ack" passes a pointer to its FragmentAck struct.
  bool decodes_fragment_ack;
};

// kvssink's FragmentAck on x86_64 (152 bytes): uint32 version @0, int32 ackType @4,
// uint64 timestamp @8, char sequenceNumber[129] @16 (NUL-terminated), int32 result @148.
// NOTE: this layout is kvssink 3.6's on x86_64; other ABIs were not checked.
constexpr size_t kSequenceNumberOffset = 16;
constexpr size_t kSequenceNumberSize = 129;
constexpr size_t kResultOffset = 148;

PlainValue ReadFragmentAck(gpointer pointer) {
  if (pointer == nullptr) {
    return PlainValue{};
  }

  const auto* bytes = static_cast<const char*>(pointer);
  FragmentAck ack;
  std::memcpy(&ack.version, bytes, sizeof(ack.version));
  std::memcpy(&ack.ack_type, bytes + 4, sizeof(ack.ack_type));
  std::memcpy(&ack.timestamp, bytes + 8, sizeof(ack.timestamp));

  const char* sequence_number = bytes + kSequenceNumberOffset;
  ack.sequence_number.assign(sequence_number, strnlen(sequence_number, kSequenceNumberSize));

  std::memcpy(&ack.result, bytes + kResultOffset, sizeof(ack.result));
  return PlainValue{std::move(ack)};
}

// Runs in the emitting thread, where pointer arguments are still valid.
void MarshalToChannel(GClosure* closure, GValue* return_value, guint param_count,
                      const GValue* params, gpointer invocation_hint, gpointer marshal_data) {
  auto* target = static_cast<SignalTarget*>(closure->data);

  BusMessageData item;
  item.type = "signal";
  item.received_at = MonotonicNanoseconds();
  item.signal = target->signal_name;

  if (param_count > 0 && G_VALUE_HOLDS(&params[0], GST_TYPE_OBJECT)) {
    ReadSource(GST_OBJECT(g_value_get_object(&params[0])), &item);
  }

  for (guint i = 1; i < param_count; i++) {
    const GValue* param = &params[i];
    if (target->decodes_fragment_ack && G_VALUE_HOLDS_POINTER(param)) {
      item.args.push_back(ReadFragmentAck(g_value_get_pointer(param)));
    } else {
      item.args.push_back(ReadValue(param));
    }
  }

  // The return value keeps the default GLib initialized it with.
  target->channel->Push(std::move(item));
}

void FreeSignalTarget(gpointer data, GClosure* closure) {
  delete static_cast<SignalTarget*>(data);
}

}  // namespace

gulong ConnectSignalToChannel(GstElement* element, guint signal_id, GQuark detail,
                              const std::string& signal_name, std::shared_ptr<Channel> channel) {
  auto* target = new SignalTarget{std::move(channel), signal_name, signal_name == "fragment-ack"};

  GClosure* closure = g_closure_new_simple(sizeof(GClosure), target);
  g_closure_add_finalize_notifier(closure, target, FreeSignalTarget);
  g_closure_set_marshal(closure, MarshalToChannel);

  return g_signal_connect_closure_by_id(element, signal_id, detail, closure, FALSE);
}

}  // namespace gstkvs
