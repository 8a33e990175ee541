#pragma once

// Test client for serving stores: Put and Get as the platform's serve sink and serving HTTP
// server call them.
//
//   numaflow::Server<numaflow::ServingStore, numaflow::Sync> server{MyStore{}, {.socket_path = …}};
//   server.start();
//   numaflow::testing::ServingStoreClient client{socket_path};
//   client.put("req-1", {{"vertex", "result"}});
//   auto payloads = client.get("req-1");

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "numaflow/functions/servingstore.hpp"
#include "numaflow/serving/v1/store.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

class ServingStoreClient : public UnaryCallClient<serving::v1::ServingStore> {
 public:
  using UnaryCallClient::UnaryCallClient;

  // Put; returns the response's `success`. Throws ProtocolError carrying the status on failure.
  bool put(std::string const& id, std::vector<ServingPayload> const& payloads) {
    serving::v1::PutRequest request;
    request.set_id(id);
    for (auto const& p : payloads) {
      auto* out = request.add_payloads();
      out->set_origin(p.origin);
      out->set_value(p.value);
    }
    grpc::ClientContext context;
    prepare(context);
    serving::v1::PutResponse response;
    check(stub_->Put(&context, request, &response), "Put");
    return response.success();
  }

  // Get; the payloads stored for `id`. Throws ProtocolError carrying the status on failure, and
  // when the response does not echo the id.
  std::vector<ServingPayload> get(std::string const& id) {
    serving::v1::GetRequest request;
    request.set_id(id);
    grpc::ClientContext context;
    prepare(context);
    serving::v1::GetResponse response;
    check(stub_->Get(&context, request, &response), "Get");
    if (response.id() != id)
      throw ProtocolError("numaflow::testing: Get for id \"" + id + "\" answered with id \"" + response.id() + "\"");
    std::vector<ServingPayload> out;
    out.reserve(static_cast<std::size_t>(response.payloads_size()));
    for (auto const& p : response.payloads()) out.push_back({p.origin(), p.value()});
    return out;
  }
};

}  // namespace numaflow::testing
