// Snippets of docs/source.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace snippets::source_class {
// snippet-begin: class
// Serves the numbers 0 … total-1; an offset that is nacked, or not acked within a minute, is read
// again. The platform calls read, ack, nack and pending concurrently, hence the mutex. The server
// takes the handler by value (moved in), so state that cannot move, like a mutex, sits behind a pointer.
class Numbers final : public numaflow::Sourcer {
 public:
  explicit Numbers(std::uint64_t total) : state_(std::make_unique<State>(total)) {}

  void read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    std::vector<std::string> batch;
    {
      std::lock_guard lock(state_->mu);
      state_->requeue_overdue();
      while (batch.size() < request.count && (!state_->redeliver.empty() || state_->next < state_->total)) {
        if (!state_->redeliver.empty()) {
          batch.push_back(state_->redeliver.front());
          state_->redeliver.pop_front();
        } else {
          batch.push_back(std::to_string(state_->next++));
        }
        state_->unacked.insert_or_assign(batch.back(), std::chrono::steady_clock::now());
      }
    }
    // Up to request.count messages, in this replica's partition; the event time defaults to now.
    for (auto const& n : batch)
      out.emit(numaflow::SourceMessage{.value = "number " + n, .offset = numaflow::Offset{n}});
  }

  void ack(std::vector<numaflow::Offset> const& offsets) override {
    std::lock_guard lock(state_->mu);
    for (auto const& o : offsets) state_->unacked.erase(o.value);
  }

  // Today's platform never calls nack for a C++ source (see "Nack" below), so requeue_overdue()
  // covers what it fails; nack is implemented for the platforms that will call it.
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

    // Offsets read more than a minute ago and still not acked are read again.
    void requeue_overdue() {
      auto const now = std::chrono::steady_clock::now();
      for (auto it = unacked.begin(); it != unacked.end();) {
        if (now - it->second < std::chrono::minutes{1}) {
          ++it;
          continue;
        }
        redeliver.push_back(it->first);
        it = unacked.erase(it);
      }
    }

    std::mutex mu;
    std::uint64_t const total;
    std::uint64_t next = 0;
    std::deque<std::string> redeliver;
    std::map<std::string, std::chrono::steady_clock::time_point> unacked;  // offset → when it was read
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
