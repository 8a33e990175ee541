// Snippets of docs/servingstore.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace snippets::servingstore_class {
// snippet-begin: class
// An in-memory store. put() appends (a request may produce several results, each put separately
// and concurrently); get() returns everything stored for the id, an empty list for an unknown id.
class Memory final : public numaflow::ServingStorer {
 public:
  void put(std::string const& id, std::vector<numaflow::ServingPayload> const& payloads) override {
    std::lock_guard lock(state_->mu);
    auto& stored = state_->by_id[id];
    stored.insert(stored.end(), payloads.begin(), payloads.end());
  }

  std::vector<numaflow::ServingPayload> get(std::string const& id) override {
    std::lock_guard lock(state_->mu);
    auto const found = state_->by_id.find(id);
    return found == state_->by_id.end() ? std::vector<numaflow::ServingPayload>{} : found->second;
  }

 private:
  struct State {
    std::mutex mu;
    std::map<std::string, std::vector<numaflow::ServingPayload>> by_id;
  };
  std::unique_ptr<State> state_ = std::make_unique<State>();  // a mutex cannot move with the handler
};

int main() { return numaflow::Server<numaflow::ServingStore, numaflow::Sync>{Memory{}}.serve(); }
// snippet-end
}  // namespace snippets::servingstore_class
