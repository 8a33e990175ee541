#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/map/v1/map.grpc.pb.h"
#include "numaflow/message.hpp"

// map: how the tag declared in numaflow/functions/map.hpp is served.
namespace numaflow::detail {

// map.v1 framing shared by the three map modes.
struct MapProto {
  using Request = map::v1::MapRequest;
  using Response = map::v1::MapResponse;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static bool is_eot(Request const& r) { return r.has_status() && r.status().eot(); }
  static std::string const& id(Request const& r) { return r.id(); }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static Response eot_response(std::string id = {}) {
    Response r;
    r.set_id(std::move(id));
    r.mutable_status()->set_eot(true);
    return r;
  }
  static Datum datum(Request& r) {
    Datum d;
    fill_datum(d, *r.mutable_request());
    d.id = r.id();
    return d;
  }
  template <class Result>
  static Response response(Datum const& input, Result&& messages) {
    Response out;
    out.set_id(input.id);
    for_each_message(std::forward<Result>(messages),
                     [&](Message&& m) { fill_result(out.add_results(), std::move(m)); });
    return out;
  }
};

// The map.v1 service, whichever mode `Core` (a StreamServiceCore) implements: unary, batch, stream.
template <class Core>
class MapFamilyService final : public map::v1::Map::CallbackService, public Core {
 public:
  template <class H>
  MapFamilyService(H&& handler, Runtime& runtime)
      : Core(typename Core::Runner::process_type{std::forward<H>(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  grpc::ServerBidiReactor<MapProto::Request, MapProto::Response>* MapFn(grpc::CallbackServerContext*) override {
    return this->open();
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    map::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }
};

template <class Policy, class H>
using MapService = MapFamilyService<
    StreamServiceCore<MapProto, runner_t<Policy, unary_process_t<MapProto, Policy, H>, MapProto>, PerRequestStream>>;

template <>
struct Functionality<Map> {
  static Endpoint endpoint() {
    return {
        "/var/run/numaflow/map.sock", "/var/run/numaflow/mapper-server-info", "1.4.0-z", {{"MAP_MODE", "unary-map"}}};
  }

  template <class Policy, class H>
  static constexpr bool accepts =
      std::is_same_v<Policy, Async> ? datum_handler<H, AsyncMapper, Task<Messages>>
      : std::is_same_v<Policy, Sync> || std::is_same_v<Policy, MultiProc> ? datum_to_messages_handler<H, Mapper>
                                                                          : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync> || std::is_same_v<Policy, MultiProc>)
      static_assert(datum_to_messages_handler<H, Mapper>,
                    "numaflow::Server<Map, Sync|MultiProc>: the handler must be callable as Messages(Datum const&) or "
                    "Messages(Keys const& keys, Datum const&), or be a class derived from numaflow::Mapper (a callable "
                    "may also return any range of Message, e.g. a range-v3 view)");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(
          datum_handler<H, AsyncMapper, Task<Messages>>,
          "numaflow::Server<Map, Async>: the handler must be a coroutine callable as Task<Messages>(Datum "
          "const&) or Task<Messages>(Keys const& keys, Datum const&) (Task = boost::asio::awaitable), or be a "
          "class derived from numaflow::AsyncMapper");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<Map, Policy>: Policy must be numaflow::Sync, Async or MultiProc");
  }

  template <class Policy, class H>
  using service = MapService<Policy, H>;
};

}  // namespace numaflow::detail
