// sink_on_success: a primary sink whose writes succeed or fail at random, one chance in two each.
// A success is logged ("Primary sink write succeeded, writing to onSuccess sink - <value>") and
// answered on_success with the message "primary sink write succeeded" for the on-success sink; a
// failure is logged ("Primary sink write failed, writing to fallback sink - <value>") and answered
// fallback.
//
// Handler: a class derived from numaflow::Sinker, policy sync (the random generator is behind a
// mutex: batches may be handled on several threads).

#include <memory>
#include <mutex>
#include <random>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_sink.hpp"

namespace {

class OnSuccessOrFallback final : public numaflow::Sinker {
 public:
  numaflow::SinkResponses handle(numaflow::Datums const& batch) override {
    return example::respond_each(batch, [this](numaflow::Datum const& d) {
      if (write_to_primary()) {
        example::print_line("Primary sink write succeeded, writing to onSuccess sink - " + example::escaped(d.value));
        return numaflow::SinkResponse::on_success(d.id,
                                                  numaflow::OnSuccessMessage{.value = "primary sink write succeeded"});
      }
      example::print_line("Primary sink write failed, writing to fallback sink - " + example::escaped(d.value));
      return numaflow::SinkResponse::fallback(d.id);
    });
  }

 private:
  bool write_to_primary() {
    std::lock_guard lock(coin_->mu);
    return std::bernoulli_distribution{0.5}(coin_->random);
  }

  struct Coin {
    std::mutex mu;
    std::mt19937 random{std::random_device{}()};
  };
  std::unique_ptr<Coin> coin_ = std::make_unique<Coin>();  // the server moves the handler in
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_on_success", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{OnSuccessOrFallback{}, args.options}.serve();
}
