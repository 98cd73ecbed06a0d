{
  "targets": [
    {
      "target_name": "gst_kvs",
      "sources": [
        "native/addon.cc",
        "native/main_loop.cc",
        "native/live_pipelines.cc",
        "native/pipeline.cc",
        "native/pipeline_core.cc",
        "native/channel.cc",
        "native/element.cc",
        "native/property.cc",
        "native/value.cc",
        "native/bus_message.cc",
        "native/state_names.cc",
        "native/errors.cc",
        "native/signal.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter",
                     "-Wno-maybe-uninitialized"],
      "libraries": ["<!@(pkg-config --libs gstreamer-1.0 gstreamer-app-1.0)"],
      "cflags": ["<!@(pkg-config --cflags gstreamer-1.0 gstreamer-app-1.0)"]
    }
  ]
}
