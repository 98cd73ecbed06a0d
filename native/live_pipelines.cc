#include "live_pipelines.h"

#include <algorithm>
#include <mutex>

#include "pipeline_core.h"

namespace gstkvs {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::weak_ptr<PipelineCore>> cores;
};

// Never freed, so exit() destroys nothing that GStreamer threads may still reach.
Registry* registry = new Registry();

}  // namespace

void AddLivePipeline(const std::shared_ptr<PipelineCore>& core) {
  std::lock_guard<std::mutex> lock(registry->mutex);
  registry->cores.push_back(core);
}

void RemoveLivePipeline(const PipelineCore* core) {
  std::lock_guard<std::mutex> lock(registry->mutex);
  auto& cores = registry->cores;

  cores.erase(std::remove_if(cores.begin(), cores.end(),
                             [core](const std::weak_ptr<PipelineCore>& entry) {
                               auto live = entry.lock();
                               return live == nullptr || live.get() == core;
                             }),
              cores.end());
}

std::vector<std::shared_ptr<PipelineCore>> LivePipelines(napi_env env) {
  std::lock_guard<std::mutex> lock(registry->mutex);
  std::vector<std::shared_ptr<PipelineCore>> result;

  for (const auto& entry : registry->cores) {
    auto core = entry.lock();
    if (core != nullptr && core->env() == env) {
      result.push_back(core);
    }
  }

  return result;
}

}  // namespace gstkvs
