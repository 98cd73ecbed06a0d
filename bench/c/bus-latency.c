/* Baseline for bench/bus-latency: the same pipelines as the Node benchmark, with the bus
 * messages popped by a plain GLib main loop in C. A bus sync handler stamps each message with
 * CLOCK_MONOTONIC when the bus receives it; the watch measures the time until it runs.
 *
 * Usage: bus-latency MESSAGES [LOAD_DESCRIPTION]
 * Prints one JSON line: {"messages":N,"p50Us":..,"p99Us":..,"maxUs":..}
 */
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SOURCE_DESCRIPTION \
  "audiotestsrc is-live=true samplesperbuffer=48 ! audio/x-raw,rate=48000 ! " \
  "level interval=5000000 post-messages=true ! fakesink sync=true"

typedef struct {
  GMainLoop *loop;
  gint64 *latencies_ns;
  guint target_count;
  guint received;
} BenchState;

static GQuark received_at_quark;

static gint64 monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (gint64)now.tv_sec * 1000000000 + now.tv_nsec;
}

static GstBusSyncReply stamp_message(GstBus *bus, GstMessage *message, gpointer user_data) {
  gint64 *received_at = g_new(gint64, 1);
  *received_at = monotonic_ns();
  gst_mini_object_set_qdata(GST_MINI_OBJECT(message), received_at_quark, received_at, g_free);
  return GST_BUS_PASS;
}

static gboolean on_message(GstBus *bus, GstMessage *message, gpointer user_data) {
  BenchState *state = user_data;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gst_message_parse_error(message, &error, NULL);
    fprintf(stderr, "bus-latency: %s\n", error->message);
    g_error_free(error);
    exit(1);
  }
  if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_ELEMENT) return G_SOURCE_CONTINUE;

  gint64 *received_at = gst_mini_object_get_qdata(GST_MINI_OBJECT(message), received_at_quark);
  if (received_at != NULL && state->received < state->target_count) {
    state->latencies_ns[state->received++] = monotonic_ns() - *received_at;
  }
  if (state->received == state->target_count) g_main_loop_quit(state->loop);
  return G_SOURCE_CONTINUE;
}

static int compare_int64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

static GstElement *launch(const char *description) {
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch(description, &error);
  if (pipeline == NULL || error != NULL) {
    fprintf(stderr, "bus-latency: %s\n", error ? error->message : "parse failed");
    exit(2);
  }
  return pipeline;
}

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  if (argc < 2) {
    fprintf(stderr, "usage: bus-latency MESSAGES [LOAD_DESCRIPTION]\n");
    return 2;
  }
  received_at_quark = g_quark_from_static_string("bench-received-at");

  BenchState state = {0};
  state.target_count = (guint)strtoul(argv[1], NULL, 10);
  state.latencies_ns = g_new0(gint64, state.target_count);
  state.loop = g_main_loop_new(NULL, FALSE);

  GstElement *load = NULL;
  if (argc > 2 && argv[2][0] != '\0') {
    load = launch(argv[2]);
    gst_element_set_state(load, GST_STATE_PLAYING);
  }

  GstElement *pipeline = launch(SOURCE_DESCRIPTION);
  GstBus *bus = gst_element_get_bus(pipeline);
  gst_bus_set_sync_handler(bus, stamp_message, NULL, NULL);
  gst_bus_add_watch(bus, on_message, &state);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  g_main_loop_run(state.loop);

  qsort(state.latencies_ns, state.received, sizeof(gint64), compare_int64);
  guint p50 = state.received / 2, p99 = (guint)(state.received * 0.99);
  printf("{\"messages\":%u,\"p50Us\":%.1f,\"p99Us\":%.1f,\"maxUs\":%.1f}\n", state.received,
         state.latencies_ns[p50] / 1000.0, state.latencies_ns[p99] / 1000.0,
         state.latencies_ns[state.received - 1] / 1000.0);

  gst_element_set_state(pipeline, GST_STATE_NULL);
  if (load != NULL) gst_element_set_state(load, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  if (load != NULL) gst_object_unref(load);
  g_free(state.latencies_ns);
  g_main_loop_unref(state.loop);
  return 0;
}
