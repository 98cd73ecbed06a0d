#include "element.h"

#include <string>

#include "addon_data.h"
#include "property.h"

namespace gstkvs {
namespace {

std::string PropertyName(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    throw Napi::TypeError::New(info.Env(), "Property name must be a string");
  }
  return info[0].As<Napi::String>().Utf8Value();
}

}  // namespace

Napi::Function Element::DefineClass(Napi::Env env) {
  return ObjectWrap<Element>::DefineClass(
      env, "Element",
      {
          InstanceAccessor<&Element::GetName>("name"),
          InstanceAccessor<&Element::GetFactory>("factory"),
          InstanceMethod<&Element::Get>("get"),
          InstanceMethod<&Element::Set>("set"),
          InstanceMethod<&Element::ListProperties>("listProperties"),
      });
}

Napi::Object Element::Wrap(Napi::Env env, GstElement* element) {
  Napi::External<GstElement> handle = Napi::External<GstElement>::New(env, element);
  return GetAddonData(env)->element_constructor.New({handle});
}

Element::Element(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Element>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Element cannot be constructed from JavaScript: "
                                           "use getElementByName() or getElementsByFactory()");
  }
  element_ = info[0].As<Napi::External<GstElement>>().Data();
}

Element::~Element() {
  if (element_ != nullptr) {
    gst_object_unref(element_);
  }
}

Napi::Value Element::GetName(const Napi::CallbackInfo& info) {
  gchar* name = gst_object_get_name(GST_OBJECT(element_));
  Napi::String result = Napi::String::New(info.Env(), name != nullptr ? name : "");
  g_free(name);
  return result;
}

Napi::Value Element::GetFactory(const Napi::CallbackInfo& info) {
  GstElementFactory* factory = gst_element_get_factory(element_);
  if (factory == nullptr) {
    return info.Env().Null();
  }
  return Napi::String::New(info.Env(), gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory)));
}

Napi::Value Element::Get(const Napi::CallbackInfo& info) {
  return GetProperty(info.Env(), element_, PropertyName(info));
}

Napi::Value Element::Set(const Napi::CallbackInfo& info) {
  SetProperty(info.Env(), element_, PropertyName(info), info[1]);
  return info.Env().Undefined();
}

Napi::Value Element::ListProperties(const Napi::CallbackInfo& info) {
  return gstkvs::ListProperties(info.Env(), element_);
}

}  // namespace gstkvs
