// source_simple_metadata: an in-memory user-defined source of 100 messages, "0" to "99", each with
// a header "x-txn-id" and user metadata (group "simple-source", key "txn-id"), both fresh random
// UUIDs. A message's offset is its number as decimal text on this replica's partition, its event
// time the time it is read.
//
//   read     emits the nacked messages again first (same number, new UUIDs); then, only if no
//            message is waiting for its ack, up to request.count new numbers, until 100 are out.
//   ack      forgets the acknowledged offsets.
//   nack     queues the offsets for redelivery.
//   pending  the number of messages emitted and not acknowledged.
//
// Unlike numaflow-go's example, this one does not step its next number back for every nacked
// offset (which makes later reads emit some numbers twice).
//
// Handler: a class derived from numaflow::Sourcer (policy sync); the state is behind a mutex.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <numaflow/numaflow.hpp>
// After numaflow.hpp: source.hpp alone does not declare detail::always_false (reported).
#include <numaflow/functions/source.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"

namespace {

constexpr std::uint64_t total = 100;

class Numbers {
 public:
  std::vector<std::uint64_t> take(std::uint64_t count) {
    std::lock_guard lock(mu_);
    std::vector<std::uint64_t> out(redeliver_.begin(), redeliver_.end());
    unacked_.insert(redeliver_.begin(), redeliver_.end());
    redeliver_.clear();
    if (!out.empty() || !unacked_.empty()) return out;
    for (std::uint64_t i = 0; i < count && next_ < total; ++i) {
      unacked_.insert(next_);
      out.push_back(next_++);
    }
    return out;
  }

  void ack(std::vector<numaflow::Offset> const& offsets) {
    std::lock_guard lock(mu_);
    for (auto const& o : offsets)
      if (auto n = example::parse_int(o.value)) unacked_.erase(static_cast<std::uint64_t>(*n));
  }

  void nack(std::vector<numaflow::NackedOffset> const& offsets) {
    std::lock_guard lock(mu_);
    for (auto const& nacked : offsets) {
      auto n = example::parse_int(nacked.offset.value);
      if (n && unacked_.erase(static_cast<std::uint64_t>(*n))) redeliver_.insert(static_cast<std::uint64_t>(*n));
    }
  }

  std::int64_t pending() {
    std::lock_guard lock(mu_);
    return static_cast<std::int64_t>(unacked_.size());
  }

  // A random (version 4) UUID.
  std::string uuid() {
    std::lock_guard lock(mu_);
    std::uniform_int_distribution<unsigned> byte{0, 255};
    unsigned char b[16];
    for (auto& x : b) x = static_cast<unsigned char>(byte(random_));
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return text;
  }

 private:
  std::mutex mu_;
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> unacked_;
  std::set<std::uint64_t> redeliver_;
  std::mt19937_64 random_{std::random_device{}()};
};

class SimpleSourceWithMetadata final : public numaflow::Sourcer {
 public:
  void read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    for (auto n : numbers_->take(request.count)) {
      numaflow::SourceMessage m;
      m.value = std::to_string(n);
      m.offset = {std::to_string(n), partition_};
      m.event_time = numaflow::Timestamp::now();
      m.headers["x-txn-id"] = numbers_->uuid();
      m.user_metadata.add("simple-source", "txn-id", numbers_->uuid());
      out.emit(std::move(m));
    }
  }
  void ack(std::vector<numaflow::Offset> const& offsets) override { numbers_->ack(offsets); }
  void nack(std::vector<numaflow::NackedOffset> const& offsets) override { numbers_->nack(offsets); }
  std::int64_t pending() override { return numbers_->pending(); }

 private:
  std::shared_ptr<Numbers> numbers_ = std::make_shared<Numbers>();
  std::int32_t partition_ = numaflow::default_partitions().front();
};

}  // namespace

int main(int argc, char** argv) {
  auto const args =
      example::parse(argc, argv, {.program = "source_simple_metadata", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Source, numaflow::Sync>{SimpleSourceWithMetadata{}, args.options}.serve();
}
