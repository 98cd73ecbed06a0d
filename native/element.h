// Element: a JavaScript handle holding a reference to one GstElement.
#pragma once

#include <gst/gst.h>
#include <napi.h>

namespace gstkvs {

class Element : public Napi::ObjectWrap<Element> {
 public:
  static Napi::Function DefineClass(Napi::Env env);

  // Wraps element, taking over one reference to it.
  static Napi::Object Wrap(Napi::Env env, GstElement* element);

  explicit Element(const Napi::CallbackInfo& info);
  ~Element() override;

 private:
  Napi::Value GetName(const Napi::CallbackInfo& info);
  Napi::Value GetFactory(const Napi::CallbackInfo& info);
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value Set(const Napi::CallbackInfo& info);
  Napi::Value ListProperties(const Napi::CallbackInfo& info);

  GstElement* element_ = nullptr;
};

}  // namespace gstkvs
