// source_sideinput: a user-defined source whose messages are the values of a side input. A
// numaflow::SideInputWatcher follows the side input (default "myticker" in
// /var/numaflow/side-inputs), logs every new value and queues it; a read emits the queued values,
// waiting for more until it has request.count or its timeout passes. A message's value is the
// side-input value, its offset a sequence number (decimal text: "0", "1", …) on this replica's
// partition, its event time the time it is read.
//
// As in numaflow-go's simple_source_with_sideinput: a read while earlier messages are still
// unacknowledged emits nothing; nack does nothing (the values are not redelivered); pending is 0.
//
// Handler: a class derived from numaflow::Sourcer (policy sync); its state is shared with the
// watcher's callback and lives behind a mutex.
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <numaflow/numaflow.hpp>
// After numaflow.hpp: source.hpp alone does not declare detail::always_false (reported).
#include <numaflow/functions/source.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"
#include "example_side_input.hpp"

namespace {

class Feed {
 public:
  void push(std::string value) {
    {
      std::lock_guard lock(mu_);
      values_.push_back(std::move(value));
    }
    arrived_.notify_all();
  }

  // Up to `count` values, waiting for them until `deadline`; nothing while messages are unacknowledged.
  std::vector<std::pair<std::uint64_t, std::string>> take(std::uint64_t count,
                                                          std::chrono::steady_clock::time_point deadline) {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    std::unique_lock lock(mu_);
    if (!unacked_.empty()) return out;
    while (out.size() < count && arrived_.wait_until(lock, deadline, [this] { return !values_.empty(); })) {
      unacked_.insert(next_);
      out.emplace_back(next_++, std::move(values_.front()));
      values_.pop_front();
    }
    return out;
  }

  void ack(std::vector<numaflow::Offset> const& offsets) {
    std::lock_guard lock(mu_);
    for (auto const& o : offsets)
      if (auto n = example::parse_int(o.value)) unacked_.erase(static_cast<std::uint64_t>(*n));
  }

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  std::deque<std::string> values_;
  std::set<std::uint64_t> unacked_;
  std::uint64_t next_ = 0;
};

class SideInputSource final : public numaflow::Sourcer {
 public:
  explicit SideInputSource(std::shared_ptr<Feed> feed) : feed_(std::move(feed)) {}

  void read(numaflow::ReadRequest const& request, numaflow::SourceEmitter& out) override {
    for (auto& [n, value] : feed_->take(request.count, std::chrono::steady_clock::now() + request.timeout)) {
      numaflow::SourceMessage m;
      m.value = std::move(value);
      m.offset = {std::to_string(n), partition_};
      m.event_time = numaflow::Timestamp::now();
      out.emit(std::move(m));
    }
  }
  void ack(std::vector<numaflow::Offset> const& offsets) override { feed_->ack(offsets); }
  void nack(std::vector<numaflow::NackedOffset> const&) override {}
  std::int64_t pending() override { return 0; }

 private:
  std::shared_ptr<Feed> feed_;
  std::int32_t partition_ = numaflow::default_partitions().front();
};

}  // namespace

int main(int argc, char** argv) {
  example::Spec const spec{.program = "source_sideinput", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  auto feed = std::make_shared<Feed>();
  auto const watcher = example::watch_side_input(side_input, [feed](std::string const& value) { feed->push(value); });
  return numaflow::Server<numaflow::Source, numaflow::Sync>{SideInputSource{feed}, args.options}.serve();
}
