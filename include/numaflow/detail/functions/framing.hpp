#pragma once

#include <string>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"

namespace numaflow::detail {

// What the framings of the handshake protocols (map, batch map, map stream, source transformer,
// sink, source read and ack) share: the first request is a handshake {sot: true}, answered in kind;
// a request carries one datum under `request`, with its id there or beside it; an EOT is a status.
template <class Request_, class Response_>
struct HandshakeFraming {
  using Request = Request_;
  using Response = Response_;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static bool is_eot(Request const& r) { return r.has_status() && r.status().eot(); }
  static std::string const& id(Request const& r) {
    if constexpr (requires { r.id(); })
      return r.id();
    else
      return r.request().id();
  }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static Datum datum(Request& r) {
    Datum d;
    fill_datum(d, *r.mutable_request());
    d.id = id(r);
    return d;
  }
};

}  // namespace numaflow::detail
