#include "main_loop.h"

#include <mutex>

namespace gstkvs {
namespace {

// Heap-allocated and never freed, so exit() runs no destructor while the thread runs.
std::mutex* loop_mutex = new std::mutex();
GMainContext* context = nullptr;
GMainLoop* loop = nullptr;
GThread* thread = nullptr;

gpointer RunLoop(gpointer data) {
  auto* main_loop = static_cast<GMainLoop*>(data);
  GMainContext* main_context = g_main_loop_get_context(main_loop);

  g_main_context_push_thread_default(main_context);
  g_main_loop_run(main_loop);
  g_main_context_pop_thread_default(main_context);

  g_main_loop_unref(main_loop);
  return nullptr;
}

gboolean QuitLoop(gpointer data) {
  g_main_loop_quit(static_cast<GMainLoop*>(data));
  return G_SOURCE_REMOVE;
}

}  // namespace

GMainContext* MainContext() {
  std::lock_guard<std::mutex> lock(*loop_mutex);

  if (context == nullptr) {
    context = g_main_context_new();
  }

  if (thread == nullptr) {
    loop = g_main_loop_new(context, FALSE);
    thread = g_thread_new("gst-kvs-bus", RunLoop, g_main_loop_ref(loop));
  }

  return context;
}

void StopMainLoop() {
  GThread* running = nullptr;

  {
    std::lock_guard<std::mutex> lock(*loop_mutex);
    if (thread == nullptr) {
      return;
    }
    running = thread;
    thread = nullptr;

    // Quitting from a source dispatched by the loop itself works even when the thread has
    // not entered g_main_loop_run() yet, where a direct g_main_loop_quit() would be lost.
    GSource* quit = g_idle_source_new();
    g_source_set_callback(quit, QuitLoop, loop,
                          reinterpret_cast<GDestroyNotify>(g_main_loop_unref));
    g_source_attach(quit, context);
    g_source_unref(quit);
    loop = nullptr;
  }

  g_thread_join(running);
}

}  // namespace gstkvs
