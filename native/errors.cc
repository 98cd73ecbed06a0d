#include "errors.h"

namespace gstkvs {

GErrorData CopyGError(const GError* error, const gchar* debug) {
  GErrorData result;
  result.domain = g_quark_to_string(error->domain);
  result.code = error->code;
  result.message = error->message != nullptr ? error->message : "";
  if (debug != nullptr) {
    result.debug = debug;
  }
  return result;
}

Napi::Error ToJsError(Napi::Env env, const ErrorData& error) {
  Napi::Error result = Napi::Error::New(env, error.message);
  Napi::Object object = result.Value();
  object.Set("kind", error.kind);

  if (error.gerror.has_value()) {
    object.Set("domain", error.gerror->domain);
    object.Set("code", Napi::Number::New(env, error.gerror->code));
    object.Set("debug", error.gerror->debug.has_value()
                            ? Napi::Value(Napi::String::New(env, *error.gerror->debug))
                            : env.Null());
  }

  if (error.source.has_value()) {
    const std::optional<std::string>& source = *error.source;
    object.Set("source", source.has_value() ? Napi::Value(Napi::String::New(env, *source))
                                            : env.Null());
  }

  return result;
}

}  // namespace gstkvs
