// Snippets of docs/reduce.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <cstdint>
#include <string>

namespace snippets::reduce_lambda {
// snippet-begin: lambda
// Counts the datums of each keys and window, once the window closes.
int main() {
  auto count = [](numaflow::Keys const& keys, numaflow::Datums const& datums, numaflow::IntervalWindow const& window) {
    std::string text = std::to_string(datums.size()) + " datums in [" + numaflow::to_rfc3339(window.start) + ", " +
                       numaflow::to_rfc3339(window.end) + ")";
    return numaflow::Messages{numaflow::Message{std::move(text), keys}};
  };
  return numaflow::Server<numaflow::Reduce, numaflow::Sync>{count}.serve();
}
// snippet-end
}  // namespace snippets::reduce_lambda

namespace snippets::reduce_class {
// snippet-begin: class
// A Reducer object is copied for every keys and window, so members start fresh each time.
class ByteTotal final : public numaflow::Reducer {
 public:
  explicit ByteTotal(std::string unit) : unit_(std::move(unit)) {}

  numaflow::Messages handle(numaflow::Keys const& keys, numaflow::Datums const& datums,
                            numaflow::IntervalWindow const&) override {
    for (auto const& d : datums) total_ += d.value.size();
    return {numaflow::Message{std::to_string(total_) + " " + unit_, keys}};
  }

 private:
  std::string unit_;
  std::uint64_t total_ = 0;
};

int main() { return numaflow::Server<numaflow::Reduce, numaflow::Sync>{ByteTotal{"bytes"}}.serve(); }
// snippet-end
}  // namespace snippets::reduce_class

namespace snippets::reduce_async {
// snippet-begin: async
// Async: a coroutine per keys and window reads the datums as they arrive; what it returns is
// sent when the window closes.
int main() {
  auto sum = [](numaflow::Keys const& keys, numaflow::DatumStream& datums,
                numaflow::IntervalWindow const&) -> numaflow::Task<numaflow::Messages> {
    std::uint64_t bytes = 0;
    while (auto d = co_await datums.next()) bytes += d->value.size();
    co_return numaflow::Messages{numaflow::Message{std::to_string(bytes), keys}};
  };
  return numaflow::Server<numaflow::Reduce, numaflow::Async>{sum}.serve();
}
// snippet-end
}  // namespace snippets::reduce_async
