#pragma once

// Test client for side-input generators: calls RetrieveSideInput as the platform's side-inputs
// manager does.
//
//   numaflow::Server<numaflow::SideInput, numaflow::Sync> server{my_retriever, {.socket_path = …}};
//   server.start();
//   numaflow::testing::SideInputClient client{socket_path};
//   auto response = client.retrieve();   // numaflow::SideInputResponse

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "numaflow/functions/sideinput.hpp"
#include "numaflow/sideinput/v1/sideinput.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

class SideInputClient : public UnaryCallClient<sideinput::v1::SideInput> {
 public:
  using UnaryCallClient::UnaryCallClient;

  // One RetrieveSideInput call. Throws ProtocolError carrying the status when the call fails, or
  // when a no-broadcast response carries a value.
  SideInputResponse retrieve() {
    grpc::ClientContext context;
    prepare(context);
    sideinput::v1::SideInputResponse response;
    check(stub_->RetrieveSideInput(&context, google::protobuf::Empty{}, &response), "RetrieveSideInput");
    if (response.no_broadcast()) {
      if (!response.value().empty())
        throw ProtocolError("numaflow::testing: a no-broadcast side-input response carries a value");
      return SideInputResponse::no_broadcast();
    }
    return SideInputResponse::broadcast(response.value());
  }
};

}  // namespace numaflow::testing
