#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/map.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/shapes/request_stream.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/functions/mapstream.hpp"
#include "numaflow/message.hpp"

// mapstream: how the tag declared in numaflow/functions/mapstream.hpp is served.
namespace numaflow::detail {

template <class H, class Base, class Out>
concept stream_handler = std::derived_from<H, Base> || std::is_invocable_r_v<Out, H&, Datum const&, MessageEmitter&>;

template <class H>
decltype(auto) call_stream_handler(H& h, Datum const& d, MessageEmitter& out) {
  if constexpr (requires { h.H::handle(d, out); })
    return h.H::handle(d, out);
  else
    return h(d, out);
}

inline void warn_emit_after_fail() {
  static std::once_flag warned;
  std::call_once(warned, [] {
    std::fprintf(stderr,
                 "numaflow: a map stream handler emitted after Message::to_fail(); the platform stops reading an "
                 "attempt at its FAIL, so what follows is dropped (return right after emitting it; warned once)\n");
  });
}

// Each emitted message goes out as MapResponse{id, results:[message]}; the EOT carries the id. After
// a FAIL the platform no longer reads this attempt (it re-sends the request), so later messages
// are not sent: they would be taken as results of the new attempt.
class MapStreamOutput {
 public:
  MapStreamOutput(StreamJob<MapFraming>& job, std::string const& id)
      : emitter_([this, &job, &id](Message&& m) {
          MapFraming::Response r;
          r.set_id(id);
          bool const fail = m.is_fail();
          fill_result(r.add_results(), std::move(m));
          std::lock_guard lock(mu_);  // a concurrent emit cannot overtake the FAIL
          if (failed_) return warn_emit_after_fail();
          failed_ = fail;
          job.send(std::move(r));
        }) {}
  MapStreamOutput(MapStreamOutput const&) = delete;
  MapStreamOutput& operator=(MapStreamOutput const&) = delete;

  MessageEmitter& emitter() { return emitter_; }

 private:
  std::mutex mu_;
  bool failed_ = false;
  MessageEmitter emitter_;
};

// One request being streamed: its datum and where the handler's messages go.
struct MapStreamCall {
  explicit MapStreamCall(StreamJob<MapFraming>& job) : datum(MapFraming::datum(job.request)), output(job, datum.id) {}
  Datum const datum;
  MapStreamOutput output;
};

struct MapStreamStep {
  using In = StreamJob<MapFraming>;
  using Response = MapFraming::Response;
  static MapStreamCall decode(In& job) { return MapStreamCall{job}; }
  static decltype(auto) call(auto& handler, MapStreamCall& call) {
    return call_stream_handler(handler, call.datum, call.output.emitter());
  }
  static Response encode(MapStreamCall& call) { return MapFraming::eot_response(call.datum.id); }
};

template <>
struct Functionality<MapStream> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/mapstream.sock",
            "/var/run/numaflow/mapper-server-info",
            "1.4.0-z",
            {{"MAP_MODE", "stream-map"}}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, MapStreamStep>, MapService<RequestStream<MapFraming>>>;
};

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(MapService<RequestStream<MapFraming>>,
                                    Work<RequestStream<MapFraming>::submitter_type>);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(MapStream, Sync,
                                 "be callable as void(Datum const&, MessageEmitter& out), or be a class derived from "
                                 "numaflow::MapStreamer",
                                 stream_handler<H, MapStreamer, void>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(MapStream, Async,
                                 "be a coroutine callable as Task<void>(Datum const&, MessageEmitter& out), or be a "
                                 "class derived from numaflow::AsyncMapStreamer",
                                 stream_handler<H, AsyncMapStreamer, Task<void>>);

}  // namespace numaflow::detail
