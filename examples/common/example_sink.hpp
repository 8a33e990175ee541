#pragma once

// The shape of numaflow-go's sink examples: one response per datum of the batch, decided by a
// function of the datum alone.

#include <numaflow/functions/sink.hpp>

namespace example {

template <class Respond>
numaflow::SinkResponses respond_each(numaflow::Datums const& batch, Respond respond) {
  numaflow::SinkResponses responses;
  responses.reserve(batch.size());
  for (auto const& d : batch) responses.push_back(respond(d));
  return responses;
}

}  // namespace example
