// Per-environment state of the addon, stored with napi_set_instance_data().
#pragma once

#include <napi.h>

namespace gstkvs {

struct AddonData {
  Napi::FunctionReference element_constructor;
};

inline AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

}  // namespace gstkvs
