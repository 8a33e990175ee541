#pragma once

#include <memory>
#include <string>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/framing.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/step.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/map/v1/map.pb.h"
#include "numaflow/message.hpp"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/map/v1/map.grpc.pb.h"
#endif

// map: how the tag declared in numaflow/functions/map.hpp is served.
namespace numaflow::detail {

// map.v1 framing, shared by the three map modes (map, batch map, map stream).
struct MapFraming : HandshakeFraming<map::v1::MapRequest, map::v1::MapResponse> {
  static Response eot_response(std::string id = {}) {
    Response r;
    r.set_id(std::move(id));
    r.mutable_status()->set_eot(true);
    return r;
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

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class Shape>
class MapService;
#if NUMAFLOW_DETAIL_DEFINITIONS
// The map.v1 service of the three map modes: `Shape` is the mode's stream.
template <class Shape>
class MapService : public ServiceCore<grpc_service_t<map::v1::Map, map::v1::Map::WithAsyncMethod_MapFn>,
                                      map::v1::ReadyResponse, Work<typename Shape::submitter_type>> {
 public:
  using MapService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override;
};

template <class Shape>
void MapService<Shape>::accept_streams(CqEngine& engine) {
  this->template accept<Shape>(engine, &MapService::RequestMapFn);
}
#endif

template <>
struct Functionality<Map> {
  static Endpoint endpoint() {
    return {
        "/var/run/numaflow/map.sock", "/var/run/numaflow/mapper-server-info", "1.4.0-z", {{"MAP_MODE", "unary-map"}}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, DatumStep<MapFraming>>, MapService<PerRequestStream<MapFraming>>>;
};

#define NUMAFLOW_DETAIL_MAP_FORMS                                                                                  \
  "be callable as Messages(Datum const&) or Messages(Keys const& keys, Datum const&), or be a class derived from " \
  "numaflow::Mapper (a callable may also return any range of Message, e.g. a range-v3 view)"
NUMAFLOW_DETAIL_HANDLER_CONTRACT(Map, Sync, NUMAFLOW_DETAIL_MAP_FORMS, datum_to_messages_handler<H, Mapper>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(Map, MultiProc, NUMAFLOW_DETAIL_MAP_FORMS, datum_to_messages_handler<H, Mapper>);
#undef NUMAFLOW_DETAIL_MAP_FORMS

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(MapService<PerRequestStream<MapFraming>>,
                                    Work<PerRequestStream<MapFraming>::submitter_type>);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(Map, Async,
                                 "be a coroutine callable as Task<Messages>(Datum const&) or Task<Messages>(Keys "
                                 "const& keys, Datum const&) (Task = boost::asio::awaitable), or be a class derived "
                                 "from numaflow::AsyncMapper",
                                 datum_handler<H, AsyncMapper, Task<Messages>>);

}  // namespace numaflow::detail
