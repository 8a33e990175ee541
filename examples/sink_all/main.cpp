// sink_all: one binary for the three sink roles of a Numaflow sink vertex. The platform starts it
// with NUMAFLOW_UD_CONTAINER_TYPE=udsink (primary), fb-udsink (fallback) or ons-udsink
// (on-success); the SDK picks the matching socket, and this handler picks its rule:
//   - primary: a datum whose value contains "fail" is sent to the fallback sink
//     (SinkResponse::fallback); every other datum succeeds and is also written to the on-success
//     sink as a message with the datum's value and keys ["on_success"] (SinkResponse::on_success);
//   - fallback and on-success: every datum is logged and succeeds (those roles may not answer
//     FALLBACK).
// Every datum is logged to stdout with its role and outcome.
//
// Handlers written as lambdas capturing the role: a plain one for --policy sync, a coroutine for
// async.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

namespace {

enum class Role { primary, fallback, on_success };

Role role_from_env() {
  char const* type = std::getenv("NUMAFLOW_UD_CONTAINER_TYPE");
  std::string_view const t = type ? type : "";
  if (t == "fb-udsink") return Role::fallback;
  if (t == "ons-udsink") return Role::on_success;
  return Role::primary;
}

char const* name(Role r) {
  switch (r) {
    case Role::primary: return "primary";
    case Role::fallback: return "fallback";
    case Role::on_success: return "on-success";
  }
  return "?";
}

numaflow::SinkResponse answer(Role role, numaflow::Datum const& d) {
  if (role != Role::primary) return numaflow::SinkResponse::success(d.id);
  if (std::string_view{d.value}.find("fail") != std::string_view::npos) return numaflow::SinkResponse::fallback(d.id);
  return numaflow::SinkResponse::on_success(d.id, numaflow::OnSuccessMessage{.value = d.value, .keys = {"on_success"}});
}

char const* outcome(numaflow::SinkResponse const& r) {
  switch (r.status) {
    case numaflow::SinkResponse::Status::success: return "success";
    case numaflow::SinkResponse::Status::fallback: return "fallback";
    case numaflow::SinkResponse::Status::on_success: return "on_success";
    default: return "other";
  }
}

numaflow::SinkResponses sink_batch(Role role, numaflow::Datums const& batch) {
  numaflow::SinkResponses responses;
  responses.reserve(batch.size());
  for (auto const& d : batch) {
    auto response = answer(role, d);
    std::string line = std::string{name(role)} + " sink id=" + example::escaped(d.id) +
                       " keys=" + example::list(d.keys) + " value=\"" + example::escaped(d.value) +
                       "\" event_time=" + numaflow::to_rfc3339(d.event_time) + " -> " + outcome(response) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    responses.push_back(std::move(response));
  }
  std::fflush(stdout);
  return responses;
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(argc, argv, {.program = "sink_all", .policies = {Policy::sync, Policy::async}});
  Role const role = role_from_env();

  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<numaflow::Sink, numaflow::Sync>{
          [role](numaflow::Datums const& batch) { return sink_batch(role, batch); }, args.options}
          .serve();
    case Policy::async:
      return numaflow::Server<numaflow::Sink, numaflow::Async>{
          [role](numaflow::Datums const& batch) -> numaflow::Task<numaflow::SinkResponses> {
            co_return sink_batch(role, batch);
          },
          args.options}
          .serve();
    case Policy::multiproc: break;  // not offered: a sink serves with Sync or Async only
  }
  return 2;
}
