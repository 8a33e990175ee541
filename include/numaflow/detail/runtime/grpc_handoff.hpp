#pragma once

// ThreadSanitizer builds: gRPC passes our streams and their messages between threads (a stream's
// operations are started on any thread and complete on its completion-queue thread), and the
// ordering comes from libgrpc's own atomics and locks. A libgrpc not itself built with TSan
// (Debian's is not) hides that ordering, so TSan would report every object that crosses it. These
// hooks declare the hand-offs where we see them: before we give a stream to gRPC (a request, a
// write, a read, a finish), while a completion runs, when gRPC is done with a call, and when the
// engine has stopped. (Unary calls use gRPC's own reactor and messages.) In any other build they
// are empty inline functions.
#if defined(__SANITIZE_THREAD__)
#define NUMAFLOW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NUMAFLOW_TSAN 1
#endif
#endif

#ifdef NUMAFLOW_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace numaflow::detail {

// Everything this thread did so far happens before whatever acquires `key` afterwards.
inline void handing_to_grpc([[maybe_unused]] void const* key) noexcept {
#ifdef NUMAFLOW_TSAN
  __tsan_release(const_cast<void*>(key));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
#endif
}

// Whatever was released on `key` before happens before what this thread does next.
inline void taking_back_from_grpc([[maybe_unused]] void const* key) noexcept {
#ifdef NUMAFLOW_TSAN
  __tsan_acquire(const_cast<void*>(key));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
#endif
}

// Released when a call is completely done with; acquired once the gRPC server has shut down, so
// that tearing down the services is ordered after the last call's work on gRPC's threads.
inline char const all_calls_done_key = 0;

// A completion (a read, a write, a finish, the call's end) runs between gRPC taking the stream back
// and handing it on: what came before it on other threads is ordered before it, and it before what
// gRPC runs next for the same call.
class Reaction {
 public:
  explicit Reaction(void const* reactor) noexcept : reactor_(reactor) { taking_back_from_grpc(reactor_); }
  ~Reaction() { handing_to_grpc(reactor_); }
  Reaction(Reaction const&) = delete;
  Reaction& operator=(Reaction const&) = delete;

 private:
  void const* reactor_;
};

}  // namespace numaflow::detail
