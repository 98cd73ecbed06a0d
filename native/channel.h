// A pipeline's ordered channel: bus messages, signal emissions and promise settlements
// are pushed from any thread in one queue and handed to JavaScript in that order.
#pragma once

#include <napi.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "bus_message.h"
#include "errors.h"

namespace gstkvs {

// The outcome of one request (setState, sendEos, dispose), matched to its promise by id.
struct Settlement {
  uint64_t id = 0;
  // Set: reject with it. Unset: resolve.
  std::optional<ErrorData> error;
  // gst_element_set_state()'s return, "success", "async" or "no-preroll", and the target.
  std::string result;
  GstState state = GST_STATE_VOID_PENDING;
  // sendEos(): whether an element handled the EOS event.
  bool handled = false;
};

using ChannelItem = std::variant<BusMessageData, Settlement>;

// The JavaScript-thread side that settles promises.
class ChannelReceiver {
 public:
  virtual ~ChannelReceiver() = default;
  virtual void Settle(Napi::Env env, const Settlement& settlement) = 0;
  // Called once the items of a drain have been delivered.
  virtual void AfterDrain(Napi::Env env) = 0;
};

class Channel {
 public:
  // Creates the thread-safe function that calls on_messages. JavaScript thread only.
  static std::shared_ptr<Channel> Create(Napi::Env env, Napi::Function on_messages,
                                         ChannelReceiver* receiver);

  // Queues an item; at most one call of the thread-safe function is outstanding, and it
  // takes everything queued by the time it runs. Any thread; a no-op once closed.
  // Message stamps are raised where needed to increase strictly in queue order.
  void Push(ChannelItem item);

  // Whether the thread-safe function keeps the event loop alive. JavaScript thread only.
  void SetKeepAlive(Napi::Env env, bool keep_alive);

  // Drops queued items, stops calls and releases the thread-safe function. JavaScript
  // thread only; idempotent.
  void Close();

  // Stops calls without touching the thread-safe function, which Node is destroying
  // together with the environment. Any thread.
  void Abandon();

  bool IsOpen();

 private:
  static void CallJs(Napi::Env env, Napi::Function callback, Channel* channel, void* data);
  void Drain(Napi::Env env, Napi::Function callback);

  using Function = Napi::TypedThreadSafeFunction<Channel, void, &Channel::CallJs>;

  std::mutex mutex_;
  std::deque<ChannelItem> queue_;
  bool scheduled_ = false;
  bool open_ = true;
  bool released_ = false;
  bool keep_alive_ = true;
  uint64_t last_received_at_ = 0;
  Function function_;
  ChannelReceiver* receiver_ = nullptr;
};

}  // namespace gstkvs
