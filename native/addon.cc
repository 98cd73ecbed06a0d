// Module entry point: initializes GStreamer, exports Pipeline and two queries, and tears
// the pipelines down when the Node environment goes away.
#include <dlfcn.h>
#include <gst/gst.h>
#include <napi.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "addon_data.h"
#include "element.h"
#include "live_pipelines.h"
#include "main_loop.h"
#include "pipeline.h"
#include "pipeline_core.h"

namespace gstkvs {
namespace {

// Total time the cleanup hook waits for the pipelines to reach NULL. kvssink can block
// its change to READY for its stop-stream-timeout (120 s by default), so exit cuts it.
constexpr auto kExitShutdownTimeout = std::chrono::seconds(2);

struct ShutdownCounter {
  std::mutex mutex;
  std::condition_variable all_done;
  size_t remaining = 0;
};

// Sets every live pipeline of the environment to NULL, waiting at most
// kExitShutdownTimeout in total, then stops the main loop thread.
// NOTE: Node 20 runs this when a worker thread ends and when the main thread's event loop
// empties, but not on process.exit(): there the pipelines run until exit() ends the process.
void CleanUpEnvironment(void* data) {
  auto env = static_cast<napi_env>(data);
  auto pipelines = LivePipelines(env);

  auto counter = std::make_shared<ShutdownCounter>();
  counter->remaining = pipelines.size();
  for (const auto& core : pipelines) {
    core->ShutDownForExit([counter]() {
      std::lock_guard<std::mutex> lock(counter->mutex);
      counter->remaining--;
      counter->all_done.notify_all();
    });
  }

  {
    std::unique_lock<std::mutex> lock(counter->mutex);
    counter->all_done.wait_for(lock, kExitShutdownTimeout,
                               [&counter]() { return counter->remaining == 0; });
  }

  // NOTE: when several environments (worker threads) use the addon, the first one to exit
  // stops the loop for all. Other environments' bus watches stay stopped until a later
  // MainContext() call (a new timeout or pipeline) restarts it.
  StopMainLoop();
}

Napi::Value GStreamerVersion(const Napi::CallbackInfo& info) {
  gchar* version = gst_version_string();
  Napi::String result = Napi::String::New(info.Env(), version);
  g_free(version);
  return result;
}

Napi::Value HasElementFactory(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    throw Napi::TypeError::New(info.Env(), "Element factory name must be a string");
  }

  std::string name = info[0].As<Napi::String>().Utf8Value();
  GstElementFactory* factory = gst_element_factory_find(name.c_str());
  if (factory != nullptr) {
    gst_object_unref(factory);
  }
  return Napi::Boolean::New(info.Env(), factory != nullptr);
}

// Keeps this library mapped after Node unloads it with a worker thread's environment:
// GStreamer threads can still run its code then (bus sync handler, signal closures, the
// worker finishing a state change), and would crash in unmapped memory.
void PinLibrary() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&PinLibrary), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  PinLibrary();

  // gst_init() reads GST_PLUGIN_PATH and GST_REGISTRY now, so callers set them in
  // process.env before loading the addon. Later calls (other environments) are no-ops.
  GError* error = nullptr;
  if (!gst_init_check(nullptr, nullptr, &error)) {
    std::string message = std::string("Failed to initialize GStreamer: ") +
                          (error != nullptr ? error->message : "unknown error");
    g_clear_error(&error);
    throw Napi::Error::New(env, message);
  }

  auto* data = new AddonData();
  data->element_constructor = Napi::Persistent(Element::DefineClass(env));
  env.SetInstanceData(data);

  exports.Set("Pipeline", Pipeline::DefineClass(env));
  exports.Set("gstreamerVersion", Napi::Function::New<GStreamerVersion>(env, "gstreamerVersion"));
  exports.Set("hasElementFactory",
              Napi::Function::New<HasElementFactory>(env, "hasElementFactory"));

  napi_add_env_cleanup_hook(env, CleanUpEnvironment, env);
  return exports;
}

}  // namespace
}  // namespace gstkvs

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return gstkvs::Init(env, exports);
}

NODE_API_MODULE(gst_kvs, InitModule)
