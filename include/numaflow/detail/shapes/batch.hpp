#pragma once

#include <algorithm>
#include <exception>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// A batch handler's answer did not cover the batch exactly once per id.
class IncompleteBatch : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class Range>
std::vector<std::string_view> sorted_ids(Range const& range) {
  std::vector<std::string_view> ids;
  for (auto const& element : range) ids.emplace_back(element.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Checks that the handler's `answers` hold the id of every datum of `batch` exactly once and nothing
// else. (Read directly rather than through std::views, which clang 14 cannot compile with
// libstdc++ 12, and the fuzz target is built with clang.)
template <class Batch, class Answers>
void verify_batch_ids(Batch const& batch, Answers const& answers) {
  // The usual answer holds the ids in the batch's order, and the next usual one in another order:
  // neither needs more than a comparison or a sort (the batch's ids are unique, BatchStream checks).
  auto answer = std::begin(answers);
  auto const answers_end = std::end(answers);
  bool in_order = true;
  for (auto const& datum : batch) {
    if (answer == answers_end || std::string_view(datum.id) != std::string_view((*answer).id)) {
      in_order = false;
      break;
    }
    ++answer;
  }
  if (in_order && answer == answers_end) return;
  if (sorted_ids(batch) == sorted_ids(answers)) return;
  std::multiset<std::string_view> remaining;
  for (auto const& datum : batch) remaining.insert(datum.id);
  std::vector<std::string_view> unknown, duplicate;
  std::set<std::string_view> seen;
  for (auto const& answer : answers) {
    std::string_view const id = answer.id;
    if (!seen.insert(id).second) {
      duplicate.push_back(id);
      continue;
    }
    if (auto it = remaining.find(id); it == remaining.end())
      unknown.push_back(id);
    else
      remaining.erase(it);
  }
  if (remaining.empty() && unknown.empty() && duplicate.empty()) return;
  auto list = [](auto const& ids) {
    std::string out = "[";
    for (auto const& id : ids) {
      out += out.size() > 1 ? ", \"" : "\"";
      out += id;
      out += '"';
    }
    return out + "]";
  };
  std::string text = "the batch handler's responses do not match the batch:";
  if (!remaining.empty()) text += " missing ids " + list(remaining) + ";";
  if (!duplicate.empty()) text += " duplicate ids " + list(duplicate) + ";";
  if (!unknown.empty()) text += " unknown ids " + list(unknown) + ";";
  text.pop_back();
  throw IncompleteBatch(text);
}

// Shape 3: requests are collected until the client's EOT, the whole batch goes to one handler
// call, and its responses (checked complete by the runner's process) are sent followed by the
// EOT response (sink, batch map). Batches on one stream are strictly sequential.
template <class Proto>
class BatchStream final : public Stream<Proto> {
  using Request = typename Proto::Request;
  using Response = typename Proto::Response;

 public:
  using submitter_type = Submitter<std::vector<Request>, std::vector<Response>>;
  BatchStream(Runtime& runtime, submitter_type& submitter) : Stream<Proto>(runtime), submitter_(submitter) {}

 private:
  void on_request(Request&& request) override {
    if (!Proto::is_eot(request)) {
      batch_.push_back(std::move(request));
      return;
    }
    // Ids are unique within a batch (the platform guarantees it): a repeated one is the client's
    // mistake, not the handler's, so it must not reach the handler's id check.
    if (auto const repeated = repeated_id()) {
      batch_.clear();
      return this->fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "numaflow: id \"" + *repeated + "\" appears twice in one batch"));
    }
    this->begin_work();
    submitter_.submit(std::exchange(batch_, {}),
                      [this](std::exception_ptr const& error, std::vector<Response> responses) {
                        if (error)
                          this->fail_with_udf_error(error);
                        else
                          this->send_all(responses);
                        this->end_work();
                      });
  }

  std::optional<std::string> repeated_id() {
    ids_.clear();
    for (auto const& request : batch_) ids_.emplace_back(Proto::id(request));
    std::sort(ids_.begin(), ids_.end());
    auto const repeated = std::adjacent_find(ids_.begin(), ids_.end());
    if (repeated == ids_.end()) return std::nullopt;
    return std::string(*repeated);
  }

  submitter_type& submitter_;
  std::vector<Request> batch_;         // touched only by the reading side
  std::vector<std::string_view> ids_;  // batch_'s, sorted at its EOT
};

}  // namespace numaflow::detail
