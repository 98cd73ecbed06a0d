// The GStreamer side of a Pipeline: bus watch, worker thread, state-change tracking and
// teardown. Nothing here touches JavaScript; results go through the Channel.
#pragma once

#include <gst/gst.h>
#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "channel.h"

namespace gstkvs {

class PipelineCore : public std::enable_shared_from_this<PipelineCore> {
 public:
  // A state change that a newer one replaced before it settled.
  struct Superseded {
    uint64_t id;
    GstState target;
  };

  // Takes ownership of one (non-floating) reference to pipeline.
  static std::shared_ptr<PipelineCore> Create(GstPipeline* pipeline,
                                              std::shared_ptr<Channel> channel, napi_env env);
  ~PipelineCore();

  GstPipeline* pipeline() const { return pipeline_; }
  napi_env env() const { return env_; }
  const std::shared_ptr<Channel>& channel() const { return channel_; }

  // Starts a change to target on the worker thread; request id settles through the
  // channel. timeout_ms 0 waits without limit.
  std::optional<Superseded> BeginStateChange(uint64_t id, GstState target, guint timeout_ms);

  // Sends EOS on the worker thread; request id settles with whether it was handled.
  void SendEos(uint64_t id);

  // Keeps a connected signal handler, to disconnect it at teardown. Takes a reference.
  void AddSignalHandler(GstElement* element, gulong handler);

  // Sets NULL on the worker thread, then removes the watch and frees everything. Request
  // id settles when that is done, or after timeout_ms (0: no limit) with the change left
  // running. Drops a pending state change: the caller rejects its promise.
  void Dispose(uint64_t id, guint timeout_ms);

  // Whether the pipeline is above NULL or on its way up.
  bool IsPastNull();

  // Environment cleanup: sets NULL on a thread of its own, notifying done() when it returns.
  void ShutDownForExit(std::function<void()> done);

 private:
  struct PendingChange {
    uint64_t id = 0;
    GstState target = GST_STATE_VOID_PENDING;
    // MonotonicNanoseconds() at the call, to ignore errors the bus received before it.
    uint64_t started_at = 0;
    // The worker's gst_element_set_state() has returned, with ret.
    bool returned = false;
    GstStateChangeReturn ret = GST_STATE_CHANGE_FAILURE;
    // The pipeline reached target before set_state() returned.
    bool reached = false;
    // First ERROR message seen since the call.
    std::optional<ErrorData> error;
    GSource* timeout = nullptr;
  };

  struct Task;

  PipelineCore(GstPipeline* pipeline, std::shared_ptr<Channel> channel, napi_env env);
  void Start();

  static void RunTask(gpointer task, gpointer user_data);
  static gboolean OnBusMessage(GstBus* bus, GstMessage* message, gpointer data);
  static gboolean OnStateChangeTimeout(gpointer data);
  static gboolean OnDisposeTimeout(gpointer data);

  void PostRequestDone(const char* request, uint64_t id, gint value);
  bool HandleRequestDone(GstMessage* message);
  void TrackStateChange(GstMessage* message, uint64_t received_at);
  void SettleStateChangeLocked(std::optional<ErrorData> error, GstStateChangeReturn ret);
  void SettleDisposeLocked();
  void TearDown();
  GSource* AttachTimeout(guint timeout_ms, GSourceFunc callback, uint64_t id);

  GstPipeline* pipeline_;
  GstBus* bus_;
  std::shared_ptr<Channel> channel_;
  napi_env env_;

  std::mutex mutex_;
  GThreadPool* pool_ = nullptr;
  GSource* watch_ = nullptr;
  std::optional<PendingChange> pending_;
  std::vector<std::pair<GstElement*, gulong>> signal_handlers_;
  bool disposing_ = false;
  bool torn_down_ = false;
  uint64_t dispose_id_ = 0;
  bool dispose_settled_ = false;
  GSource* dispose_timeout_ = nullptr;
};

}  // namespace gstkvs
