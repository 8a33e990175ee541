// A class-style handler with a member that cannot move (here a std::mutex) cannot be stored by value.
#include <numaflow/numaflow.hpp>

#include <mutex>

struct Counter : numaflow::Mapper {
  std::mutex mu;
  numaflow::Messages handle(numaflow::Datum const& d) override {
    std::lock_guard lock(mu);
    return {numaflow::Message{d}};
  }
};

int main() { return numaflow::Server<numaflow::Map, numaflow::Sync>{Counter{}}.serve(); }
