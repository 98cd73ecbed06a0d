#include "pipeline_core.h"

#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include "live_pipelines.h"
#include "main_loop.h"
#include "state_names.h"

namespace gstkvs {
namespace {

// Structure of the private application message a worker posts when a request returns.
// The watch consumes it and never delivers it to JavaScript.
constexpr const char* kRequestDone = "gst-kvs-request-done";
constexpr const char* kSetState = "set-state";
constexpr const char* kSendEos = "send-eos";
constexpr const char* kDispose = "dispose";

struct TimeoutData {
  std::weak_ptr<PipelineCore> core;
  uint64_t id;
  guint timeout_ms;
};

const char* ReturnName(GstStateChangeReturn ret) {
  switch (ret) {
    case GST_STATE_CHANGE_ASYNC:
      return "async";
    case GST_STATE_CHANGE_NO_PREROLL:
      return "no-preroll";
    default:
      return "success";
  }
}

ErrorData BusError(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);

  ErrorData result;
  result.kind = "bus-error";
  result.gerror = CopyGError(error, debug);
  result.message = result.gerror->message;

  std::optional<std::string> source;
  if (GST_MESSAGE_SRC(message) != nullptr) {
    source = GST_MESSAGE_SRC_NAME(message);
  }
  result.source = source;

  g_clear_error(&error);
  g_free(debug);
  return result;
}

std::string PipelineName(GstPipeline* pipeline) {
  gchar* name = gst_object_get_name(GST_OBJECT(pipeline));
  std::string result = name != nullptr ? name : "";
  g_free(name);
  return result;
}

}  // namespace

struct PipelineCore::Task {
  enum class Kind { kSetState, kSendEos, kDispose };
  Kind kind;
  std::shared_ptr<PipelineCore> core;
  uint64_t id;
  GstState target;
};

std::shared_ptr<PipelineCore> PipelineCore::Create(GstPipeline* pipeline,
                                                   std::shared_ptr<Channel> channel,
                                                   napi_env env) {
  std::shared_ptr<PipelineCore> core(new PipelineCore(pipeline, std::move(channel), env));
  core->Start();
  return core;
}

PipelineCore::PipelineCore(GstPipeline* pipeline, std::shared_ptr<Channel> channel,
                           napi_env env)
    : pipeline_(pipeline),
      bus_(gst_pipeline_get_bus(pipeline)),
      channel_(std::move(channel)),
      env_(env) {}

PipelineCore::~PipelineCore() {
  gst_object_unref(bus_);
  gst_object_unref(pipeline_);
}

void PipelineCore::Start() {
  // By default, going to NULL flushes the bus, which would drop the last state-changed
  // messages and the private request messages. The watch drains the bus, so none pile up.
  gst_pipeline_set_auto_flush_bus(pipeline_, FALSE);
  gst_bus_set_sync_handler(bus_, StampReceivedAt, nullptr, nullptr);

  // The watch owns a reference to the core, dropped when teardown destroys it.
  watch_ = gst_bus_create_watch(bus_);
  // gst_bus_create_watch() sources call a GstBusFunc through the GSourceFunc slot.
  g_source_set_callback(
      watch_, reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(OnBusMessage)),
      new std::shared_ptr<PipelineCore>(shared_from_this()),
      [](gpointer data) { delete static_cast<std::shared_ptr<PipelineCore>*>(data); });
  g_source_attach(watch_, MainContext());

  // One thread at most, so requests run in the order they were made.
  pool_ = g_thread_pool_new(RunTask, nullptr, 1, FALSE, nullptr);

  AddLivePipeline(shared_from_this());
}

std::optional<PipelineCore::Superseded> PipelineCore::BeginStateChange(uint64_t id,
                                                                       GstState target,
                                                                       guint timeout_ms) {
  std::optional<Superseded> superseded;
  std::lock_guard<std::mutex> lock(mutex_);
  if (pool_ == nullptr) {
    return superseded;
  }

  if (pending_.has_value()) {
    superseded = Superseded{pending_->id, pending_->target};
    if (pending_->timeout != nullptr) {
      g_source_destroy(pending_->timeout);
      g_source_unref(pending_->timeout);
    }
  }

  pending_ = PendingChange{};
  pending_->id = id;
  pending_->target = target;
  pending_->started_at = MonotonicNanoseconds();
  if (timeout_ms > 0) {
    pending_->timeout = AttachTimeout(timeout_ms, OnStateChangeTimeout, id);
  }

  g_thread_pool_push(pool_, new Task{Task::Kind::kSetState, shared_from_this(), id, target},
                     nullptr);
  return superseded;
}

void PipelineCore::SendEos(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pool_ == nullptr) {
    return;
  }

  g_thread_pool_push(
      pool_, new Task{Task::Kind::kSendEos, shared_from_this(), id, GST_STATE_VOID_PENDING},
      nullptr);
}

void PipelineCore::AddSignalHandler(GstElement* element, gulong handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  signal_handlers_.emplace_back(GST_ELEMENT(gst_object_ref(element)), handler);
}

void PipelineCore::Dispose(uint64_t id, guint timeout_ms) {
  GThreadPool* pool = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (disposing_) {
      return;
    }
    disposing_ = true;
    dispose_id_ = id;

    if (pending_.has_value() && pending_->timeout != nullptr) {
      g_source_destroy(pending_->timeout);
      g_source_unref(pending_->timeout);
    }
    pending_.reset();

    if (id != 0 && timeout_ms > 0) {
      dispose_timeout_ = AttachTimeout(timeout_ms, OnDisposeTimeout, id);
    }

    pool = pool_;
    pool_ = nullptr;
  }

  // Freeing without waiting lets the queued requests and the NULL change finish first.
  g_thread_pool_push(
      pool, new Task{Task::Kind::kDispose, shared_from_this(), id, GST_STATE_NULL}, nullptr);
  g_thread_pool_free(pool, FALSE, FALSE);
}

bool PipelineCore::IsPastNull() {
  GST_OBJECT_LOCK(pipeline_);
  GstState current = GST_STATE(pipeline_);
  GstState pending = GST_STATE_PENDING(pipeline_);
  GST_OBJECT_UNLOCK(pipeline_);

  return current > GST_STATE_NULL || pending > GST_STATE_NULL;
}

void PipelineCore::ShutDownForExit(std::function<void()> done) {
  channel_->Abandon();

  // A thread of its own: the worker may be blocked in an earlier state change.
  std::thread([core = shared_from_this(), done = std::move(done)]() {
    gst_element_set_state(GST_ELEMENT(core->pipeline_), GST_STATE_NULL);
    done();
  }).detach();
}

void PipelineCore::RunTask(gpointer data, gpointer user_data) {
  auto* task = static_cast<Task*>(data);
  PipelineCore& core = *task->core;
  GstElement* element = GST_ELEMENT(core.pipeline_);

  switch (task->kind) {
    case Task::Kind::kSetState: {
      GstStateChangeReturn ret = gst_element_set_state(element, task->target);
      core.PostRequestDone(kSetState, task->id, ret);
      break;
    }
    case Task::Kind::kSendEos: {
      gboolean handled = gst_element_send_event(element, gst_event_new_eos());
      core.PostRequestDone(kSendEos, task->id, handled);
      break;
    }
    case Task::Kind::kDispose:
      gst_element_set_state(element, GST_STATE_NULL);
      core.PostRequestDone(kDispose, task->id, 0);
      break;
  }

  delete task;
}

void PipelineCore::PostRequestDone(const char* request, uint64_t id, gint value) {
  GstStructure* structure = gst_structure_new(kRequestDone, "request", G_TYPE_STRING, request,
                                              "id", G_TYPE_UINT64, id, "value", G_TYPE_INT,
                                              value, nullptr);
  gst_bus_post(bus_, gst_message_new_application(GST_OBJECT(pipeline_), structure));
}

gboolean PipelineCore::OnBusMessage(GstBus* bus, GstMessage* message, gpointer data) {
  PipelineCore& core = **static_cast<std::shared_ptr<PipelineCore>*>(data);

  if (core.HandleRequestDone(message)) {
    return core.torn_down_ ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
  }

  // The message goes first, so JavaScript receives it before the settlement it causes.
  BusMessageData item = ReadBusMessage(message);
  uint64_t received_at = item.received_at;
  core.channel_->Push(std::move(item));
  core.TrackStateChange(message, received_at);
  return G_SOURCE_CONTINUE;
}

bool PipelineCore::HandleRequestDone(GstMessage* message) {
  if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_APPLICATION ||
      GST_MESSAGE_SRC(message) != GST_OBJECT(pipeline_)) {
    return false;
  }

  const GstStructure* structure = gst_message_get_structure(message);
  if (!gst_structure_has_name(structure, kRequestDone)) {
    return false;
  }

  const gchar* request = gst_structure_get_string(structure, "request");
  guint64 id = 0;
  gint value = 0;
  gst_structure_get_uint64(structure, "id", &id);
  gst_structure_get_int(structure, "value", &value);

  if (std::strcmp(request, kDispose) == 0) {
    TearDown();
    return true;
  }

  if (std::strcmp(request, kSendEos) == 0) {
    Settlement settlement;
    settlement.id = id;
    settlement.handled = value != FALSE;
    channel_->Push(std::move(settlement));
    return true;
  }

  std::lock_guard<std::mutex> lock(mutex_);
  if (!pending_.has_value() || pending_->id != id) {
    return true;
  }

  auto ret = static_cast<GstStateChangeReturn>(value);
  pending_->returned = true;
  pending_->ret = ret;

  if (pending_->error.has_value()) {
    SettleStateChangeLocked(pending_->error, ret);
  } else if (ret == GST_STATE_CHANGE_FAILURE) {
    ErrorData error;
    error.kind = "state-change";
    error.message = "Pipeline \"" + PipelineName(pipeline_) + "\" failed to change state to " +
                    StateLabel(pending_->target);
    SettleStateChangeLocked(error, ret);
  } else if (ret != GST_STATE_CHANGE_ASYNC || pending_->reached) {
    SettleStateChangeLocked(std::nullopt, ret);
  }

  return true;
}

void PipelineCore::TrackStateChange(GstMessage* message, uint64_t received_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pending_.has_value()) {
    return;
  }

  bool from_pipeline = GST_MESSAGE_SRC(message) == GST_OBJECT(pipeline_);

  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
      // An error the bus received before the call belongs to an earlier request.
      if (received_at < pending_->started_at || pending_->error.has_value()) {
        return;
      }
      pending_->error = BusError(message);
      if (pending_->returned) {
        SettleStateChangeLocked(pending_->error, pending_->ret);
      }
      return;

    case GST_MESSAGE_STATE_CHANGED: {
      // The pipeline posts ASYNC_DONE before its last state-changed, so settling on ASYNC_DONE
      // would resolve before JavaScript receives that message. A recovered lost state also
      // ends with a state-changed (PAUSED to PAUSED).
      if (!from_pipeline) {
        return;
      }
      GstState new_state, pending_state;
      gst_message_parse_state_changed(message, nullptr, &new_state, &pending_state);
      pending_->reached = new_state == pending_->target && pending_state == GST_STATE_VOID_PENDING;
      break;
    }

    default:
      return;
  }

  if (pending_->returned && pending_->reached) {
    SettleStateChangeLocked(std::nullopt, pending_->ret);
  }
}

void PipelineCore::SettleStateChangeLocked(std::optional<ErrorData> error,
                                           GstStateChangeReturn ret) {
  Settlement settlement;
  settlement.id = pending_->id;
  settlement.error = std::move(error);
  settlement.result = ReturnName(ret);
  settlement.state = pending_->target;

  if (pending_->timeout != nullptr) {
    g_source_destroy(pending_->timeout);
    g_source_unref(pending_->timeout);
  }
  pending_.reset();

  channel_->Push(std::move(settlement));
}

void PipelineCore::SettleDisposeLocked() {
  if (dispose_settled_) {
    return;
  }
  dispose_settled_ = true;

  if (dispose_timeout_ != nullptr) {
    g_source_destroy(dispose_timeout_);
    g_source_unref(dispose_timeout_);
    dispose_timeout_ = nullptr;
  }

  if (dispose_id_ != 0) {
    Settlement settlement;
    settlement.id = dispose_id_;
    channel_->Push(std::move(settlement));
  }
}

void PipelineCore::TearDown() {
  std::vector<std::pair<GstElement*, gulong>> handlers;
  GSource* watch = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    torn_down_ = true;
    SettleDisposeLocked();
    handlers.swap(signal_handlers_);
    watch = watch_;
    watch_ = nullptr;
  }

  for (auto& [element, handler] : handlers) {
    g_signal_handler_disconnect(element, handler);
    gst_object_unref(element);
  }

  gst_bus_set_sync_handler(bus_, nullptr, nullptr, nullptr);
  gst_bus_set_flushing(bus_, TRUE);
  RemoveLivePipeline(this);

  // Destroying the watch drops its reference to this core, so do it last.
  if (watch != nullptr) {
    g_source_destroy(watch);
    g_source_unref(watch);
  }
}

GSource* PipelineCore::AttachTimeout(guint timeout_ms, GSourceFunc callback, uint64_t id) {
  GSource* source = g_timeout_source_new(timeout_ms);
  g_source_set_callback(source, callback, new TimeoutData{weak_from_this(), id, timeout_ms},
                        [](gpointer data) { delete static_cast<TimeoutData*>(data); });
  g_source_attach(source, MainContext());
  return source;
}

gboolean PipelineCore::OnStateChangeTimeout(gpointer data) {
  auto* timeout = static_cast<TimeoutData*>(data);
  std::shared_ptr<PipelineCore> core = timeout->core.lock();
  if (core == nullptr) {
    return G_SOURCE_REMOVE;
  }

  std::lock_guard<std::mutex> lock(core->mutex_);
  if (core->pending_.has_value() && core->pending_->id == timeout->id) {
    ErrorData error;
    error.kind = "timeout";
    error.message = std::string("State change to ") + StateLabel(core->pending_->target) +
                    " timed out after " + std::to_string(timeout->timeout_ms) + " ms";
    core->SettleStateChangeLocked(error, GST_STATE_CHANGE_ASYNC);
  }
  return G_SOURCE_REMOVE;
}

gboolean PipelineCore::OnDisposeTimeout(gpointer data) {
  auto* timeout = static_cast<TimeoutData*>(data);
  std::shared_ptr<PipelineCore> core = timeout->core.lock();
  if (core == nullptr) {
    return G_SOURCE_REMOVE;
  }

  std::lock_guard<std::mutex> lock(core->mutex_);
  core->SettleDisposeLocked();
  return G_SOURCE_REMOVE;
}

}  // namespace gstkvs
