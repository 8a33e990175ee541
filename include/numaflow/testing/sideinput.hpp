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

class SideInputClient {
 public:
  // Each call waits for the server to be reachable and fails after `timeout`.
  explicit SideInputClient(std::string const& socket_path, std::chrono::milliseconds timeout = std::chrono::seconds{20})
      : stub_(sideinput::v1::SideInput::NewStub(connect(socket_path))), timeout_(timeout) {}

  // One RetrieveSideInput call. Throws ProtocolError carrying the status when the call fails, or
  // when a no-broadcast response carries a value.
  SideInputResponse retrieve() {
    grpc::ClientContext context;
    prepare(context);
    sideinput::v1::SideInputResponse response;
    auto status = stub_->RetrieveSideInput(&context, google::protobuf::Empty{}, &response);
    if (!status.ok())
      throw ProtocolError("numaflow::testing: RetrieveSideInput failed: " + std::to_string(status.error_code()) + " " +
                              status.error_message(),
                          status);
    if (response.no_broadcast()) {
      if (!response.value().empty())
        throw ProtocolError("numaflow::testing: a no-broadcast side-input response carries a value");
      return SideInputResponse::no_broadcast();
    }
    return SideInputResponse::broadcast(response.value());
  }

  // IsReady: true when the server answered ready=true.
  bool is_ready() {
    grpc::ClientContext context;
    prepare(context);
    sideinput::v1::ReadyResponse response;
    return stub_->IsReady(&context, google::protobuf::Empty{}, &response).ok() && response.ready();
  }

  sideinput::v1::SideInput::Stub& stub() { return *stub_; }

 private:
  void prepare(grpc::ClientContext& context) const {
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
  }

  std::unique_ptr<sideinput::v1::SideInput::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace numaflow::testing
