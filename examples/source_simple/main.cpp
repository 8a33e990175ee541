// source_simple: an in-memory user-defined source. It emits the payloads "0", "1", "2", … (one
// number per message, increasing forever); a message's offset is its number as decimal text, its
// partition this replica's (numaflow::default_partitions().front()), its event time the time it is
// read, without keys.
//
//   read     emits at most request.count messages: the nacked offsets waiting for redelivery
//            first (same offset, same payload), then new numbers.
//   ack      forgets the acknowledged offsets.
//   nack     queues the offsets (emitted and not acknowledged) for redelivery by later reads.
//   pending  the number of nacked offsets waiting for redelivery. New numbers are always
//            available, so they are not counted as a backlog.
//
// read, ack and nack may run concurrently: the state is behind one mutex, never held while
// emitting. Handlers written as classes: numaflow::Sourcer for --policy sync, numaflow::AsyncSourcer
// (coroutines) for async.

#include <charconv>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <numaflow/numaflow.hpp>
// After numaflow.hpp: source.hpp alone does not declare detail::always_false (reported).
#include <numaflow/functions/source.hpp>

#include "example_cli.hpp"

namespace {

class Numbers {
 public:
  // The numbers the next read emits: redeliveries first, then new ones; at most `count`.
  std::vector<std::uint64_t> take(std::uint64_t count) {
    std::vector<std::uint64_t> out;
    std::lock_guard lock(mu_);
    while (out.size() < count && !redeliver_.empty()) {
      out.push_back(redeliver_.front());
      queued_.erase(redeliver_.front());
      redeliver_.pop_front();
    }
    while (out.size() < count) {
      unacked_.insert(next_);
      out.push_back(next_++);
    }
    return out;
  }

  void ack(std::vector<numaflow::Offset> const& offsets) {
    std::lock_guard lock(mu_);
    for (auto const& o : offsets) {
      if (auto n = parse(o)) {
        unacked_.erase(*n);
        if (queued_.erase(*n)) std::erase(redeliver_, *n);
      }
    }
  }

  void nack(std::vector<numaflow::NackedOffset> const& offsets) {
    std::lock_guard lock(mu_);
    for (auto const& nacked : offsets) {
      auto n = parse(nacked.offset);
      // Only offsets this source emitted and nobody acknowledged, each queued once.
      if (n && unacked_.contains(*n) && queued_.insert(*n).second) redeliver_.push_back(*n);
    }
  }

  std::int64_t pending() const {
    std::lock_guard lock(mu_);
    return static_cast<std::int64_t>(redeliver_.size());
  }

 private:
  static std::optional<std::uint64_t> parse(numaflow::Offset const& offset) {
    std::uint64_t n = 0;
    auto const* end = offset.value.data() + offset.value.size();
    auto [ptr, ec] = std::from_chars(offset.value.data(), end, n);
    if (offset.value.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    return n;
  }

  mutable std::mutex mu_;
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> unacked_;      // emitted, not acknowledged yet
  std::deque<std::uint64_t> redeliver_;  // nacked, in nack order
  std::set<std::uint64_t> queued_;       // the members of redeliver_
};

void emit_all(std::vector<std::uint64_t> const& numbers, std::int32_t partition, numaflow::SourceEmitter& out) {
  for (auto n : numbers) {
    numaflow::SourceMessage m;
    m.value = std::to_string(n);
    m.offset = {std::to_string(n), partition};
    m.event_time = numaflow::Timestamp::now();
    out.emit(std::move(m));
  }
}

class SimpleSource final : public numaflow::Sourcer {
 public:
  void read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    emit_all(numbers_->take(request.count), partition_, out);
  }
  void ack(std::vector<numaflow::Offset> const& offsets) override { numbers_->ack(offsets); }
  void nack(std::vector<numaflow::NackedOffset> const& offsets) override { numbers_->nack(offsets); }
  std::int64_t pending() override { return numbers_->pending(); }

 private:
  std::shared_ptr<Numbers> numbers_ = std::make_shared<Numbers>();
  std::int32_t partition_ = numaflow::default_partitions().front();
};

class AsyncSimpleSource final : public numaflow::AsyncSourcer {
 public:
  numaflow::Task<void> read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    emit_all(numbers_->take(request.count), partition_, out);
    co_return;
  }
  numaflow::Task<void> ack(std::vector<numaflow::Offset> const& offsets) override {
    numbers_->ack(offsets);
    co_return;
  }
  numaflow::Task<void> nack(std::vector<numaflow::NackedOffset> const& offsets) override {
    numbers_->nack(offsets);
    co_return;
  }
  numaflow::Task<std::int64_t> pending() override { co_return numbers_->pending(); }

 private:
  std::shared_ptr<Numbers> numbers_ = std::make_shared<Numbers>();
  std::int32_t partition_ = numaflow::default_partitions().front();
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(argc, argv, {.program = "source_simple", .policies = {Policy::sync, Policy::async}});

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::Source, numaflow::Sync>{SimpleSource{}, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::Source, numaflow::Async>{AsyncSimpleSource{}, args.options}.serve();
    case Policy::multiproc: break;  // not offered: a source serves with Sync or Async only
  }
  return 2;
}
