#include "channel.h"

#include <utility>

namespace gstkvs {

std::shared_ptr<Channel> Channel::Create(Napi::Env env, Napi::Function on_messages,
                                         ChannelReceiver* receiver) {
  auto channel = std::make_shared<Channel>();
  channel->receiver_ = receiver;

  // The finalizer owns a reference, so the channel outlives every call of the function.
  auto* owner = new std::shared_ptr<Channel>(channel);
  auto finalize = [](Napi::Env, std::shared_ptr<Channel>* owner, Channel*) {
    (*owner)->Abandon();
    delete owner;
  };

  channel->function_ =
      Function::New(env, on_messages, "gst-kvs-messages", 0, 1, channel.get(), finalize, owner);
  channel->SetKeepAlive(env, false);
  return channel;
}

void Channel::Push(ChannelItem item) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) {
    return;
  }

  // Two threads can stamp messages in one order and post them in the other. Moving the
  // later one to 1 ns after its predecessor keeps receivedAt increasing in delivery order.
  if (auto* message = std::get_if<BusMessageData>(&item)) {
    if (message->received_at <= last_received_at_) {
      message->received_at = last_received_at_ + 1;
    }
    last_received_at_ = message->received_at;
  }

  queue_.push_back(std::move(item));
  if (scheduled_) {
    return;
  }

  // Calling under the lock means Close() and Abandon() never race with a call. The call
  // does not block: the queue of the thread-safe function is unbounded.
  scheduled_ = true;
  if (function_.NonBlockingCall() != napi_ok) {
    open_ = false;
    queue_.clear();
  }
}

void Channel::SetKeepAlive(Napi::Env env, bool keep_alive) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (released_ || keep_alive == keep_alive_) {
    return;
  }

  keep_alive_ = keep_alive;
  if (keep_alive) {
    function_.Ref(env);
  } else {
    function_.Unref(env);
  }
}

void Channel::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  bool release = !released_;
  open_ = false;
  released_ = true;
  queue_.clear();

  if (release) {
    function_.Release();
  }
}

void Channel::Abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  open_ = false;
  released_ = true;
  queue_.clear();
}

bool Channel::IsOpen() {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_;
}

void Channel::CallJs(Napi::Env env, Napi::Function callback, Channel* channel, void* data) {
  // Node calls with a null environment while it tears the function down.
  if (static_cast<napi_env>(env) == nullptr || channel == nullptr) {
    return;
  }
  channel->Drain(env, callback);
}

void Channel::Drain(Napi::Env env, Napi::Function callback) {
  std::deque<ChannelItem> items;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) {
      return;
    }
    items.swap(queue_);
    scheduled_ = false;
  }

  // A throwing onMessages must not stop the settlements behind it, so its first error is
  // raised as an uncaught exception after the whole drain.
  std::optional<Napi::Error> thrown;
  Napi::Array batch = Napi::Array::New(env);
  uint32_t batch_size = 0;

  auto deliver_batch = [&]() {
    if (batch_size == 0) {
      return;
    }
    try {
      callback.Call({batch});
    } catch (const Napi::Error& error) {
      if (!thrown.has_value()) {
        thrown = error;
      }
    }
    batch = Napi::Array::New(env);
    batch_size = 0;
  };

  for (const ChannelItem& item : items) {
    if (const auto* message = std::get_if<BusMessageData>(&item)) {
      batch.Set(batch_size++, ToJs(env, *message));
      continue;
    }

    deliver_batch();
    if (receiver_ != nullptr) {
      receiver_->Settle(env, std::get<Settlement>(item));
    }

    // Settling a dispose() closes the channel: what follows is dropped.
    if (!IsOpen()) {
      break;
    }
  }

  deliver_batch();
  if (receiver_ != nullptr) {
    receiver_->AfterDrain(env);
  }

  // napi_fatal_exception() emits 'uncaughtException'; an exception left pending in a
  // thread-safe function's callback would only print a deprecation warning in Node 20.
  if (thrown.has_value()) {
    napi_fatal_exception(env, thrown->Value());
  }
}

}  // namespace gstkvs
