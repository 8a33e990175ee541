// servingstore_memory: an in-memory serving store. put appends the payloads under the request id
// (a request may produce several results, each put separately); get returns everything stored for
// the id, in the order it was put, and an empty list (OK) for an id with nothing stored yet.
// Nothing is ever evicted: this is an example, not a production store.
//
// Handlers written as classes sharing one mutex-protected map (put and get run concurrently):
// numaflow::ServingStorer for --policy sync, numaflow::AsyncServingStorer (coroutines) for async.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <numaflow/functions/servingstore.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

class Memory {
 public:
  void put(std::string const& id, std::vector<numaflow::ServingPayload> const& payloads) {
    std::lock_guard lock(mu_);
    auto& stored = by_id_[id];
    stored.insert(stored.end(), payloads.begin(), payloads.end());
  }

  std::vector<numaflow::ServingPayload> get(std::string const& id) const {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? std::vector<numaflow::ServingPayload>{} : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<numaflow::ServingPayload>> by_id_;
};

class MemoryStore final : public numaflow::ServingStorer {
 public:
  void put(std::string const& id, std::vector<numaflow::ServingPayload> const& payloads) override {
    memory_->put(id, payloads);
  }
  std::vector<numaflow::ServingPayload> get(std::string const& id) override { return memory_->get(id); }

 private:
  std::shared_ptr<Memory> memory_ = std::make_shared<Memory>();
};

class AsyncMemoryStore final : public numaflow::AsyncServingStorer {
 public:
  numaflow::Task<void> put(std::string const& id, std::vector<numaflow::ServingPayload> const& payloads) override {
    memory_->put(id, payloads);
    co_return;
  }
  numaflow::Task<std::vector<numaflow::ServingPayload>> get(std::string const& id) override {
    co_return memory_->get(id);
  }

 private:
  std::shared_ptr<Memory> memory_ = std::make_shared<Memory>();
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "servingstore_memory", .policies = {Policy::sync, Policy::async}});

  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<numaflow::ServingStore, numaflow::Sync>{MemoryStore{}, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::ServingStore, numaflow::Async>{AsyncMemoryStore{}, args.options}.serve();
    case Policy::multiproc: break;  // not offered: a serving store serves with Sync or Async only
  }
  return 2;
}
