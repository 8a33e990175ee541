// Snippets of docs/reducestream.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <cstdint>
#include <string>

namespace snippets::reducestream_class {
// snippet-begin: class
// Emits a running count every 100 datums, and the final count when the window closes. One copy
// of the object per keys and window; its callbacks never run concurrently.
class Progress final : public numaflow::ReduceStreamer {
 public:
  void on_datum(numaflow::Keys const& keys, numaflow::Datum const&, numaflow::IntervalWindow const&,
                numaflow::MessageEmitter& out) override {
    if (++count_ % 100 == 0) out.emit(numaflow::Message{"so far " + std::to_string(count_), keys});
  }

  void on_close(numaflow::Keys const& keys, numaflow::IntervalWindow const&, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{"total " + std::to_string(count_), keys});
  }

 private:
  std::uint64_t count_ = 0;
};

int main() { return numaflow::Server<numaflow::ReduceStream, numaflow::Sync>{Progress{}}.serve(); }
// snippet-end
}  // namespace snippets::reducestream_class

namespace snippets::reducestream_async {
// snippet-begin: async
// Async: one coroutine per keys and window reads the datums and emits whenever it likes.
int main() {
  auto large_ones = [](numaflow::Keys const& keys, numaflow::DatumStream& datums, numaflow::IntervalWindow const&,
                       numaflow::MessageEmitter& out) -> numaflow::Task<void> {
    while (auto d = co_await datums.next())
      if (d->value.size() > 1024) out.emit(numaflow::Message{*d}.with_keys(keys));
  };
  return numaflow::Server<numaflow::ReduceStream, numaflow::Async>{large_ones}.serve();
}
// snippet-end
}  // namespace snippets::reducestream_async
