// Snippets of docs/source.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace snippets::source_class {
// snippet-begin: class
// Serves the numbers 0 … total-1 once each; a nacked offset is read again. The platform calls
// read, ack, nack and pending concurrently, hence the mutex. The server takes the handler by value
// (moved in), so state that cannot move, like a mutex, sits behind a pointer.
class Numbers final : public numaflow::Sourcer {
 public:
  explicit Numbers(std::uint64_t total) : state_(std::make_unique<State>(total)) {}

  void read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    std::vector<std::string> batch;
    {
      std::lock_guard lock(state_->mu);
      while (batch.size() < request.count && (!state_->redeliver.empty() || state_->next < state_->total)) {
        if (!state_->redeliver.empty()) {
          batch.push_back(state_->redeliver.front());
          state_->redeliver.pop_front();
        } else {
          batch.push_back(std::to_string(state_->next++));
        }
        state_->unacked.insert(batch.back());
      }
    }
    // At most request.count messages (emitting more fails the read); the event time defaults to now.
    for (auto const& n : batch)
      out.emit(numaflow::SourceMessage{.value = "number " + n, .offset = numaflow::Offset::with_default_partition(n)});
  }

  void ack(std::vector<numaflow::Offset> const& offsets) override {
    std::lock_guard lock(state_->mu);
    for (auto const& o : offsets) state_->unacked.erase(o.value);
  }

  void nack(std::vector<numaflow::NackedOffset> const& offsets) override {
    std::lock_guard lock(state_->mu);
    for (auto const& n : offsets)
      if (state_->unacked.erase(n.offset.value)) state_->redeliver.push_back(n.offset.value);
  }

  std::int64_t pending() override {
    std::lock_guard lock(state_->mu);
    return static_cast<std::int64_t>(state_->total - state_->next + state_->redeliver.size());
  }

 private:
  struct State {
    explicit State(std::uint64_t n) : total(n) {}
    std::mutex mu;
    std::uint64_t const total;
    std::uint64_t next = 0;
    std::deque<std::string> redeliver;
    std::set<std::string> unacked;
  };
  std::unique_ptr<State> state_;
};

int main() { return numaflow::Server<numaflow::Source, numaflow::Sync>{Numbers{1000}}.serve(); }
// snippet-end
}  // namespace snippets::source_class

namespace snippets::source_async {
// snippet-begin: async
// The Async interface: every operation is a coroutine. This source never has anything to read.
class Empty final : public numaflow::AsyncSourcer {
 public:
  numaflow::Task<void> read(numaflow::ReadRequest const&, numaflow::SourceEmitter&) override { co_return; }
  numaflow::Task<void> ack(std::vector<numaflow::Offset> const&) override { co_return; }
  numaflow::Task<void> nack(std::vector<numaflow::NackedOffset> const&) override { co_return; }
  numaflow::Task<std::int64_t> pending() override { co_return 0; }
  // Optional: the default reports partition NUMAFLOW_REPLICA and no total.
  numaflow::Task<std::vector<std::int32_t>> partitions() override { co_return std::vector<std::int32_t>{0}; }
  numaflow::Task<std::optional<std::int32_t>> total_partitions() override { co_return 1; }
};

int main() { return numaflow::Server<numaflow::Source, numaflow::Async>{Empty{}}.serve(); }
// snippet-end
}  // namespace snippets::source_async
