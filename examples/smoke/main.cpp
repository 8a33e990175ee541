#include <numaflow/numaflow.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>

struct Cat : numaflow::Mapper {
  numaflow::Messages handle(numaflow::Datum const& d) override { return {numaflow::Message{d}}; }
};

int main(int argc, char**) {
  numaflow::ServerOptions o{.socket_path = "/tmp/smoke.sock", .server_info_path = "/tmp/smoke-info"};
  if (argc == 1) return numaflow::Server<numaflow::Map, numaflow::Sync>{[](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }, o}.serve();
  if (argc == 2) return numaflow::Server<numaflow::Map, numaflow::MultiProc>{Cat{}, o}.serve();
  if (argc == 3) return numaflow::Server<numaflow::Map, numaflow::Async>{[](numaflow::Datum const& d) -> numaflow::Task<numaflow::Messages> {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(50));
    co_await t.async_wait(boost::asio::use_awaitable);
    co_return numaflow::Messages{numaflow::Message{d}}; }, o}.serve();
  if (argc == 4) return numaflow::Server<numaflow::Sink, numaflow::Async>{[](numaflow::Datums const& b) -> numaflow::Task<numaflow::SinkResponses> {
    numaflow::SinkResponses r; for (auto& d : b) r.push_back(numaflow::SinkResponse::success(d.id)); co_return r; }, o}.serve();
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{[](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }, o}.serve();
}
