// Pipeline: the JavaScript object over a PipelineCore. It owns the promises, settles them
// from the ordered channel, and keeps the process alive only while there is work.
#pragma once

#include <napi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "channel.h"
#include "pipeline_core.h"

namespace gstkvs {

class Pipeline : public Napi::ObjectWrap<Pipeline>, public ChannelReceiver {
 public:
  static Napi::Function DefineClass(Napi::Env env);

  explicit Pipeline(const Napi::CallbackInfo& info);
  ~Pipeline() override;

  void Settle(Napi::Env env, const Settlement& settlement) override;
  void AfterDrain(Napi::Env env) override;

 private:
  enum class RequestKind { kStateChange, kSendEos, kDispose };

  struct Request {
    RequestKind kind;
    Napi::Promise::Deferred deferred;
  };

  Napi::Value GetName(const Napi::CallbackInfo& info);
  Napi::Value SetState(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value SendEos(const Napi::CallbackInfo& info);
  Napi::Value GetElementByName(const Napi::CallbackInfo& info);
  Napi::Value GetElementsByFactory(const Napi::CallbackInfo& info);
  Napi::Value ConnectSignal(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  void ThrowIfDisposed(Napi::Env env);
  uint64_t AddRequest(RequestKind kind, Napi::Promise::Deferred deferred);
  void RejectAll(Napi::Env env, const ErrorData& error);
  void UpdateKeepAlive(Napi::Env env);

  std::shared_ptr<Channel> channel_;
  std::shared_ptr<PipelineCore> core_;
  std::string name_;
  std::map<uint64_t, Request> requests_;
  uint64_t next_request_id_ = 1;
  bool disposed_ = false;
  Napi::Reference<Napi::Promise> dispose_promise_;
  // Whether this object holds a strong reference to itself, so a pipeline that is
  // playing or has pending promises is not garbage collected.
  bool referenced_ = false;
};

}  // namespace gstkvs
