#include "pipeline.h"

#include <cmath>
#include <utility>
#include <vector>

#include "element.h"
#include "signal.h"
#include "state_names.h"

namespace gstkvs {
namespace {

constexpr guint kDefaultDisposeTimeoutMs = 5000;

std::string ReadString(const Napi::CallbackInfo& info, size_t index, const char* label) {
  if (!info[index].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string(label) + " must be a string");
  }
  return info[index].As<Napi::String>().Utf8Value();
}

// Reads a timeout in milliseconds; undefined gives default_ms.
guint ReadTimeout(const Napi::CallbackInfo& info, size_t index, guint default_ms) {
  Napi::Value value = info[index];
  if (value.IsUndefined()) {
    return default_ms;
  }
  if (!value.IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "Timeout must be a number of milliseconds");
  }

  double ms = value.As<Napi::Number>().DoubleValue();
  if (!(ms >= 0 && ms <= G_MAXUINT)) {
    throw Napi::RangeError::New(info.Env(), "Timeout must be between 0 and " +
                                                std::to_string(G_MAXUINT) + " ms, got " +
                                                value.ToString().Utf8Value());
  }
  return static_cast<guint>(std::ceil(ms));
}

// Builds the pipeline with gst_parse_launch_full(), wrapping a lone element or bin in a
// GstPipeline. Returns a full (non-floating) reference.
GstPipeline* ParseLaunch(Napi::Env env, const std::string& description) {
  GError* error = nullptr;
  GstElement* element =
      gst_parse_launch_full(description.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &error);

  if (error != nullptr || element == nullptr) {
    if (element != nullptr) {
      gst_object_unref(gst_object_ref_sink(element));
    }

    ErrorData parse_error;
    parse_error.kind = "parse";
    if (error != nullptr) {
      parse_error.gerror = CopyGError(error, nullptr);
      parse_error.message = parse_error.gerror->message;
      g_error_free(error);
    } else {
      parse_error.message = "Failed to parse pipeline description \"" + description + "\"";
    }
    throw ToJsError(env, parse_error);
  }

  gst_object_ref_sink(element);
  if (GST_IS_PIPELINE(element)) {
    return GST_PIPELINE(element);
  }

  GstElement* pipeline = GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(nullptr)));
  gst_bin_add(GST_BIN(pipeline), element);
  gst_object_unref(element);
  return GST_PIPELINE(pipeline);
}

}  // namespace

Napi::Function Pipeline::DefineClass(Napi::Env env) {
  return ObjectWrap<Pipeline>::DefineClass(
      env, "Pipeline",
      {
          InstanceAccessor<&Pipeline::GetName>("name"),
          InstanceMethod<&Pipeline::SetState>("setState"),
          InstanceMethod<&Pipeline::GetState>("getState"),
          InstanceMethod<&Pipeline::SendEos>("sendEos"),
          InstanceMethod<&Pipeline::GetElementByName>("getElementByName"),
          InstanceMethod<&Pipeline::GetElementsByFactory>("getElementsByFactory"),
          InstanceMethod<&Pipeline::ConnectSignal>("connectSignal"),
          InstanceMethod<&Pipeline::Dispose>("dispose"),
      });
}

Pipeline::Pipeline(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Pipeline>(info) {
  Napi::Env env = info.Env();
  std::string description = ReadString(info, 0, "Pipeline description");
  if (!info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "onMessages must be a function");
  }

  GstPipeline* pipeline = ParseLaunch(env, description);

  gchar* name = gst_object_get_name(GST_OBJECT(pipeline));
  name_ = name != nullptr ? name : "";
  g_free(name);

  channel_ = Channel::Create(env, info[1].As<Napi::Function>(), this);
  core_ = PipelineCore::Create(pipeline, channel_, env);
}

Pipeline::~Pipeline() {
  // Garbage collection only finds a pipeline at NULL with no pending promise, so the
  // teardown is quick and no caller waits for it.
  if (!disposed_ && core_ != nullptr) {
    core_->Dispose(0, 0);
  }
  if (channel_ != nullptr) {
    channel_->Close();
  }
}

void Pipeline::Settle(Napi::Env env, const Settlement& settlement) {
  auto found = requests_.find(settlement.id);
  if (found == requests_.end()) {
    return;
  }
  Request request = std::move(found->second);
  requests_.erase(found);

  if (settlement.error.has_value()) {
    request.deferred.Reject(ToJsError(env, *settlement.error).Value());
    return;
  }

  switch (request.kind) {
    case RequestKind::kStateChange: {
      Napi::Object result = Napi::Object::New(env);
      result.Set("result", settlement.result);
      result.Set("state", StateName(settlement.state));
      request.deferred.Resolve(result);
      break;
    }
    case RequestKind::kSendEos:
      request.deferred.Resolve(Napi::Boolean::New(env, settlement.handled));
      break;
    case RequestKind::kDispose:
      channel_->Close();
      request.deferred.Resolve(env.Undefined());
      break;
  }
}

void Pipeline::AfterDrain(Napi::Env env) { UpdateKeepAlive(env); }

Napi::Value Pipeline::GetName(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), name_);
}

Napi::Value Pipeline::SetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);

  std::string state_name = ReadString(info, 0, "State");
  std::optional<GstState> target = ParseTargetState(state_name);
  if (!target.has_value()) {
    throw Napi::TypeError::New(env, "Invalid state \"" + state_name +
                                        "\": expected null, ready, paused or playing");
  }
  guint timeout_ms = ReadTimeout(info, 1, 0);

  auto deferred = Napi::Promise::Deferred::New(env);
  uint64_t id = AddRequest(RequestKind::kStateChange, deferred);
  std::optional<PipelineCore::Superseded> superseded =
      core_->BeginStateChange(id, *target, timeout_ms);

  // One state change at a time: the newer request wins, and the older promise rejects.
  if (superseded.has_value()) {
    auto found = requests_.find(superseded->id);
    if (found != requests_.end()) {
      ErrorData error;
      error.kind = "state-change";
      error.message = std::string("State change to ") + StateLabel(superseded->target) +
                      " was superseded by a state change to " + StateLabel(*target);
      found->second.deferred.Reject(ToJsError(env, error).Value());
      requests_.erase(found);
    }
  }

  UpdateKeepAlive(env);
  return deferred.Promise();
}

Napi::Value Pipeline::GetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);

  GstPipeline* pipeline = core_->pipeline();
  GST_OBJECT_LOCK(pipeline);
  GstState current = GST_STATE(pipeline);
  GstState pending = GST_STATE_PENDING(pipeline);
  GST_OBJECT_UNLOCK(pipeline);

  Napi::Object result = Napi::Object::New(env);
  result.Set("current", StateName(current));
  result.Set("pending", StateName(pending));
  return result;
}

Napi::Value Pipeline::SendEos(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);

  auto deferred = Napi::Promise::Deferred::New(env);
  core_->SendEos(AddRequest(RequestKind::kSendEos, deferred));
  UpdateKeepAlive(env);
  return deferred.Promise();
}

Napi::Value Pipeline::GetElementByName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);
  std::string name = ReadString(info, 0, "Element name");

  GstElement* element = gst_bin_get_by_name(GST_BIN(core_->pipeline()), name.c_str());
  if (element == nullptr) {
    return env.Null();
  }
  return Element::Wrap(env, element);
}

Napi::Value Pipeline::GetElementsByFactory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);
  std::string factory_name = ReadString(info, 0, "Factory name");

  std::vector<GstElement*> found;
  GstIterator* iterator = gst_bin_iterate_recurse(GST_BIN(core_->pipeline()));
  GValue item = G_VALUE_INIT;
  bool done = false;

  while (!done) {
    switch (gst_iterator_next(iterator, &item)) {
      case GST_ITERATOR_OK: {
        auto* element = GST_ELEMENT(g_value_get_object(&item));
        GstElementFactory* factory = gst_element_get_factory(element);
        if (factory != nullptr &&
            factory_name == gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory))) {
          found.push_back(GST_ELEMENT(gst_object_ref(element)));
        }
        g_value_reset(&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        // The bin changed while iterating: start over.
        for (GstElement* element : found) {
          gst_object_unref(element);
        }
        found.clear();
        gst_iterator_resync(iterator);
        break;
      default:
        done = true;
        break;
    }
  }
  g_value_unset(&item);
  gst_iterator_free(iterator);

  Napi::Array result = Napi::Array::New(env, found.size());
  for (size_t i = 0; i < found.size(); i++) {
    result.Set(static_cast<uint32_t>(i), Element::Wrap(env, found[i]));
  }
  return result;
}

Napi::Value Pipeline::ConnectSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThrowIfDisposed(env);
  std::string element_name = ReadString(info, 0, "Element name");
  std::string signal_name = ReadString(info, 1, "Signal name");

  GstElement* element = gst_bin_get_by_name(GST_BIN(core_->pipeline()), element_name.c_str());
  if (element == nullptr) {
    throw Napi::TypeError::New(env, "Pipeline \"" + name_ + "\" has no element named \"" +
                                        element_name + "\"");
  }

  guint signal_id = 0;
  GQuark detail = 0;
  if (!g_signal_parse_name(signal_name.c_str(), G_OBJECT_TYPE(element), &signal_id, &detail,
                           TRUE)) {
    gst_object_unref(element);
    return Napi::Boolean::New(env, false);
  }

  gulong handler = ConnectSignalToChannel(element, signal_id, detail, signal_name, channel_);
  core_->AddSignalHandler(element, handler);
  gst_object_unref(element);
  return Napi::Boolean::New(env, true);
}

Napi::Value Pipeline::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (disposed_) {
    return dispose_promise_.Value();
  }
  guint timeout_ms = ReadTimeout(info, 0, kDefaultDisposeTimeoutMs);
  disposed_ = true;

  ErrorData error;
  error.kind = "disposed";
  error.message = "Pipeline \"" + name_ + "\" was disposed";
  RejectAll(env, error);

  auto deferred = Napi::Promise::Deferred::New(env);
  dispose_promise_ = Napi::Persistent(deferred.Promise());
  core_->Dispose(AddRequest(RequestKind::kDispose, deferred), timeout_ms);

  UpdateKeepAlive(env);
  return deferred.Promise();
}

void Pipeline::ThrowIfDisposed(Napi::Env env) {
  if (!disposed_) {
    return;
  }
  ErrorData error;
  error.kind = "disposed";
  error.message = "Pipeline \"" + name_ + "\" has been disposed";
  throw ToJsError(env, error);
}

uint64_t Pipeline::AddRequest(RequestKind kind, Napi::Promise::Deferred deferred) {
  uint64_t id = next_request_id_++;
  requests_.emplace(id, Request{kind, deferred});
  return id;
}

void Pipeline::RejectAll(Napi::Env env, const ErrorData& error) {
  std::map<uint64_t, Request> requests;
  requests.swap(requests_);
  for (auto& [id, request] : requests) {
    request.deferred.Reject(ToJsError(env, error).Value());
  }
}

void Pipeline::UpdateKeepAlive(Napi::Env env) {
  bool keep_alive = !requests_.empty() || (!disposed_ && core_->IsPastNull());
  channel_->SetKeepAlive(env, keep_alive);

  if (keep_alive && !referenced_) {
    Ref();
    referenced_ = true;
  } else if (!keep_alive && referenced_) {
    Unref();
    referenced_ = false;
  }
}

}  // namespace gstkvs
