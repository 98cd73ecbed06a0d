// Pipelines not yet torn down, per Node environment, for the environment cleanup hook.
#pragma once

#include <node_api.h>

#include <memory>
#include <vector>

namespace gstkvs {

class PipelineCore;

void AddLivePipeline(const std::shared_ptr<PipelineCore>& core);

void RemoveLivePipeline(const PipelineCore* core);

std::vector<std::shared_ptr<PipelineCore>> LivePipelines(napi_env env);

}  // namespace gstkvs
