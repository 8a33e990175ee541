// sink_log: logs every datum of a batch to stdout, one line each (id, keys, value, event time),
// and answers success for every id.
//
// Handlers written as classes: numaflow::Sinker for --policy sync, numaflow::AsyncSinker (a
// coroutine) for async.

#include <cstdio>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

namespace {

void log_datum(numaflow::Datum const& d) {
  std::string line = "User Defined Sink id=" + example::escaped(d.id) + " keys=" + example::list(d.keys) + " value=\"" +
                     example::escaped(d.value) + "\" event_time=" + numaflow::to_rfc3339(d.event_time) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);  // one write per line: lines never interleave
  std::fflush(stdout);
}

numaflow::SinkResponses log_all(numaflow::Datums const& batch) {
  numaflow::SinkResponses responses;
  responses.reserve(batch.size());
  for (auto const& d : batch) {
    log_datum(d);
    responses.push_back(numaflow::SinkResponse::success(d.id));
  }
  return responses;
}

class LogSink final : public numaflow::Sinker {
 public:
  numaflow::SinkResponses handle(numaflow::Datums const& batch) override { return log_all(batch); }
};

class AsyncLogSink final : public numaflow::AsyncSinker {
 public:
  numaflow::Task<numaflow::SinkResponses> handle(numaflow::Datums const& batch) override { co_return log_all(batch); }
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(argc, argv, {.program = "sink_log", .policies = {Policy::sync, Policy::async}});

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::Sink, numaflow::Sync>{LogSink{}, args.options}.serve();
    case Policy::async: return numaflow::Server<numaflow::Sink, numaflow::Async>{AsyncLogSink{}, args.options}.serve();
    case Policy::multiproc: break;  // not offered: a sink serves with Sync or Async only
  }
  return 2;
}
