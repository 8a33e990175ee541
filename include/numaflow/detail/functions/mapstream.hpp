#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/shapes/request_stream.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
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
  MapStreamOutput(StreamJob<MapProto>& job, std::string const& id)
      : emitter_([this, &job, &id](Message&& m) {
          MapProto::Response r;
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

template <class H>
struct MapStreamProcess {
  H handler;
  MapProto::Response operator()(StreamJob<MapProto>& job) {
    Datum const datum = MapProto::datum(job.request);
    MapStreamOutput out{job, datum.id};
    call_stream_handler(handler, datum, out.emitter());
    return MapProto::eot_response(datum.id);
  }
};

template <class H>
struct AsyncMapStreamProcess {
  H handler;
  Task<MapProto::Response> operator()(StreamJob<MapProto> job) {
    Datum const datum = MapProto::datum(job.request);
    MapStreamOutput out{job, datum.id};
    co_await call_stream_handler(handler, datum, out.emitter());
    co_return MapProto::eot_response(datum.id);
  }
};

template <class Policy, class H>
using map_stream_process_t =
    std::conditional_t<std::is_same_v<Policy, Async>, AsyncMapStreamProcess<H>, MapStreamProcess<H>>;

template <class Policy, class H>
using MapStreamService = MapFamilyService<
    StreamServiceCore<MapProto, runner_t<Policy, map_stream_process_t<Policy, H>, MapProto>, RequestStream>>;

template <>
struct Functionality<MapStream> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/mapstream.sock",
            "/var/run/numaflow/mapper-server-info",
            "1.4.0-z",
            {{"MAP_MODE", "stream-map"}}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = std::is_same_v<Policy, Async>  ? stream_handler<H, AsyncMapStreamer, Task<void>>
                                  : std::is_same_v<Policy, Sync> ? stream_handler<H, MapStreamer, void>
                                                                 : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(stream_handler<H, MapStreamer, void>,
                    "numaflow::Server<MapStream, Sync>: the handler must be callable as void(Datum const&, "
                    "MessageEmitter& out), or be a class derived from numaflow::MapStreamer");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(
          stream_handler<H, AsyncMapStreamer, Task<void>>,
          "numaflow::Server<MapStream, Async>: the handler must be a coroutine callable as "
          "Task<void>(Datum const&, MessageEmitter& out), or be a class derived from numaflow::AsyncMapStreamer");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<MapStream, Policy>: MapStream supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = MapStreamService<Policy, H>;
};

}  // namespace numaflow::detail
