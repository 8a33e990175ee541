#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow {

// Functionality tag: user-defined serving store (`serving.v1.ServingStore` on serving.sock). The
// platform's serve sink puts every result of a request under the request's id; the serving HTTP
// server gets them back by id.
struct ServingStore {
  static constexpr char const* name = "ServingStore";
};

// One stored result: the vertex that produced it and its bytes.
struct ServingPayload {
  std::string origin{};
  std::string value{};

  friend bool operator==(ServingPayload const&, ServingPayload const&) = default;
};

using ServingPayloads = std::vector<ServingPayload>;

// A serving store is a class. put() must append: a request may produce several results, each put
// separately (and concurrently) under the same id. get() returns everything stored for the id, an
// empty list when there is nothing (yet) — never an error for an unknown id. Both run concurrently.
class ServingStorer {
 public:
  virtual ~ServingStorer() = default;
  virtual void put(std::string const& id, std::vector<ServingPayload> const& payloads) = 0;
  virtual std::vector<ServingPayload> get(std::string const& id) = 0;
};

class AsyncServingStorer {
 public:
  virtual ~AsyncServingStorer() = default;
  virtual Task<void> put(std::string const& id, std::vector<ServingPayload> const& payloads) = 0;
  virtual Task<std::vector<ServingPayload>> get(std::string const& id) = 0;
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/servingstore.hpp"
