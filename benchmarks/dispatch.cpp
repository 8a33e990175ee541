// Dispatch cost of a map handler: is calling it through numaflow's server path as cheap as calling
// it directly?
//
// The handler is the trivial map of examples/map_cat: copy the datum's value and keys into one
// Message. It is called in five ways:
//   direct    the lambda called by name, no SDK code involved (the reference);
//   lambda    the same lambda, through the exact path Server<Map, Sync> uses: it is stored in the
//             Process object (CalledSteps<H, DatumStep<MapFraming>>) of the server's runner — the runner type is
//             read off MapService<Sync, H>'s own base class and built here with its Runtime — and
//             called by detail::call_datum_handler, as DatumStep::call calls it;
//   class     a class derived from numaflow::Mapper, through that same path;
//   function  through a std::function (contrast);
//   virtual   through a numaflow::Mapper* whose dynamic type the compiler cannot see (contrast).
// The std::function and the Mapper* are built by noinline factories that pick one of two
// implementations from a runtime value and are then laundered through benchmark::DoNotOptimize, so
// the optimiser cannot devirtualise them.
//
// Three levels are measured:
//   empty     the same five ways of calling, with a handler that returns no message at all: with
//             nothing else in the loop, this is the dispatch alone (an extra instruction shows);
//   call      Datum → Messages: the map_cat handler call alone;
//   process   MapRequest → MapResponse: the whole per-message step of the server (CalledSteps with DatumStep:
//             protobuf → Datum, handler call, Messages → protobuf), i.e. runner.process()(request),
//             which is what the Sync runner's worker thread runs for each request. "direct" here is
//             the same conversions written out by hand around a direct call.
//
// Usage:
//   dispatch [Google Benchmark flags]                         timings (ns per call)
//   dispatch --calls N --mode M [--level empty|call|process]  exactly N calls (default level: call)
//                                                             and exit, for valgrind --tool=callgrind
//                                                             (see README.md, count_instructions)
//   M: direct | lambda | class | function | virtual

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <numaflow/numaflow.hpp>
#include <range/v3/range/conversion.hpp>
#include <range/v3/view/split.hpp>
#include <range/v3/view/transform.hpp>

namespace {

using numaflow::Datum;
using numaflow::Message;
using numaflow::Messages;
using numaflow::detail::MapFraming;

// The trivial handler, as a lambda (its closure type is what the server stores).
auto const cat = [](Datum const& d) { return Messages{Message{d.value, d.keys}}; };
using Cat = std::remove_const_t<decltype(cat)>;

// A handler that does nothing: returns no message (what the empty level calls).
auto const none = [](Datum const&) { return Messages{}; };
using None = std::remove_const_t<decltype(none)>;

class NoneMapper final : public numaflow::Mapper {
 public:
  Messages handle(Datum const&) override { return Messages{}; }
};

// The same handler as a class (final, as a user would usually write it).
class CatMapper final : public numaflow::Mapper {
 public:
  Messages handle(Datum const& d) override { return Messages{Message{d.value, d.keys}}; }
};

// A second implementation, so that neither the std::function nor the Mapper* can be assumed to hold
// CatMapper / the lambda: which one is built depends on a value only known at run time.
class UpperMapper final : public numaflow::Mapper {
 public:
  Messages handle(Datum const& d) override {
    Message m{d.value, d.keys};
    for (auto& c : m.value) c = static_cast<char>(c & ~0x20);
    return Messages{std::move(m)};
  }
};

// The exact objects Server<Map, Sync>{h} builds and calls: its service type, that service's runner
// type, and the lifted step held by the runner (CalledSteps<H, DatumStep<MapFraming>>).
template <class H>
using ServiceOf = numaflow::detail::Functionality<numaflow::Map>::service<numaflow::Sync, H>;
// The runner type is read off the service the server holds (Served<SteppedRunner<Runner, Steps...>,
// Service>), so it is the one the server runs by construction (if the service is reshaped, this
// fails to compile instead of measuring something else).
template <class H>
using RunnerOf = typename std::remove_cvref_t<decltype(std::declval<ServiceOf<H>&>().work())>::runner_type;

template <class H>
struct ServerPath {
  numaflow::detail::Runtime runtime{numaflow::ServerOptions{.workers = 1}};
  RunnerOf<H> runner;
  explicit ServerPath(H h) : runner({std::move(h)}, runtime) {}
  auto& process() { return runner.process(); }
  // What DatumStep::call does with the datum: the handler call.
  decltype(auto) call(Datum const& d) { return numaflow::detail::call_datum_handler(process().handler, d); }
};

int runtime_choice = 0;  // set from argc in main: always 0 in practice, unknown to the compiler

[[gnu::noinline]] std::function<Messages(Datum const&)> make_function(int which) {
  if (which == 0) return cat;
  return [](Datum const& d) { return UpperMapper{}.handle(d); };
}

[[gnu::noinline]] std::unique_ptr<numaflow::Mapper> make_mapper(int which) {
  if (which == 0) return std::make_unique<CatMapper>();
  return std::make_unique<UpperMapper>();
}

[[gnu::noinline]] std::function<Messages(Datum const&)> make_none_function(int which) {
  if (which == 0) return none;
  return cat;
}

[[gnu::noinline]] std::unique_ptr<numaflow::Mapper> make_none_mapper(int which) {
  if (which == 0) return std::make_unique<NoneMapper>();
  return std::make_unique<CatMapper>();
}

Datum make_datum() {
  Datum d;
  d.value = std::string(64, 'v');  // past the small-string buffer: the copy allocates, as real values do
  d.keys = {"key"};
  d.id = "0";
  return d;
}

// A request as the platform sends it; refilled before every process-level call because the server
// moves the value out of it (the refill is the same for every mode and is part of every figure).
void fill_request(MapFraming::Request& r, std::string const& value) {
  auto* p = r.mutable_request();
  p->clear_keys();
  p->add_keys("key");
  p->set_value(value);
  r.set_id("0");
}

// The hand-written reference of the process level: the same conversions around a direct call.
MapFraming::Response direct_process(MapFraming::Request& request) {
  Datum const datum = MapFraming::datum(request);
  return MapFraming::response(datum, cat(datum));
}

// ---------------------------------------------------------------------------------------------
// The five call-level loops. Each is its own noinline function so callgrind sees the same loop
// shape for every mode; the result is consumed by DoNotOptimize so the work cannot be deleted.

[[gnu::noinline]] void loop_direct(Datum const& d, long n) {
  for (long i = 0; i < n; ++i) {
    auto out = cat(d);
    benchmark::DoNotOptimize(out);
  }
}

[[gnu::noinline]] void loop_none_direct(Datum const& d, long n) {
  for (long i = 0; i < n; ++i) {
    auto out = none(d);
    benchmark::DoNotOptimize(out);
  }
}

template <class H>
[[gnu::noinline]] void loop_server_path(ServerPath<H>& path, Datum const& d, long n) {
  for (long i = 0; i < n; ++i) {
    auto out = path.call(d);
    benchmark::DoNotOptimize(out);
  }
}

[[gnu::noinline]] void loop_function(std::function<Messages(Datum const&)>& f, Datum const& d, long n) {
  for (long i = 0; i < n; ++i) {
    auto out = f(d);
    benchmark::DoNotOptimize(out);
  }
}

[[gnu::noinline]] void loop_virtual(numaflow::Mapper* m, Datum const& d, long n) {
  for (long i = 0; i < n; ++i) {
    auto out = m->handle(d);
    benchmark::DoNotOptimize(out);
  }
}

// The five process-level loops.
template <class Process>
[[gnu::noinline]] void loop_process(Process& process, MapFraming::Request& request, std::string const& value, long n) {
  for (long i = 0; i < n; ++i) {
    fill_request(request, value);
    auto out = process(request);
    benchmark::DoNotOptimize(out);
  }
}

// std::function and Mapper* as handlers of the same CalledSteps (what a user would get from an
// SDK that stores handlers type-erased).
using FunctionHandler = std::function<Messages(Datum const&)>;
struct VirtualHandler {
  numaflow::Mapper* mapper;
  Messages operator()(Datum const& d) const { return mapper->handle(d); }
};

// ---------------------------------------------------------------------------------------------
// Holders for every mode, built once.

struct Fixture {
  Datum datum = make_datum();
  std::string value = datum.value;
  ServerPath<Cat> lambda_path{cat};
  ServerPath<CatMapper> class_path{CatMapper{}};
  std::function<Messages(Datum const&)> function = make_function(runtime_choice);
  std::unique_ptr<numaflow::Mapper> mapper = make_mapper(runtime_choice);
  numaflow::Mapper* mapper_ptr = mapper.get();
  ServerPath<FunctionHandler> function_path{make_function(runtime_choice)};
  ServerPath<VirtualHandler> virtual_path{VirtualHandler{mapper.get()}};
  MapFraming::Request request;
  ServerPath<None> none_lambda_path{none};
  ServerPath<NoneMapper> none_class_path{NoneMapper{}};
  std::function<Messages(Datum const&)> none_function = make_none_function(runtime_choice);
  std::unique_ptr<numaflow::Mapper> none_mapper = make_none_mapper(runtime_choice);
  numaflow::Mapper* none_mapper_ptr = none_mapper.get();

  Fixture() {
    benchmark::DoNotOptimize(mapper_ptr);
    benchmark::DoNotOptimize(function);
    benchmark::DoNotOptimize(none_mapper_ptr);
    benchmark::DoNotOptimize(none_function);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

enum class Mode { direct, lambda, klass, function, virt };
enum class Level { empty, call, process };

void run(Mode mode, Level level, long n) {
  auto& f = fixture();
  if (level == Level::empty) {
    switch (mode) {
      case Mode::direct: return loop_none_direct(f.datum, n);
      case Mode::lambda: return loop_server_path(f.none_lambda_path, f.datum, n);
      case Mode::klass: return loop_server_path(f.none_class_path, f.datum, n);
      case Mode::function: return loop_function(f.none_function, f.datum, n);
      case Mode::virt: return loop_virtual(f.none_mapper_ptr, f.datum, n);
    }
  } else if (level == Level::call) {
    switch (mode) {
      case Mode::direct: return loop_direct(f.datum, n);
      case Mode::lambda: return loop_server_path(f.lambda_path, f.datum, n);
      case Mode::klass: return loop_server_path(f.class_path, f.datum, n);
      case Mode::function: return loop_function(f.function, f.datum, n);
      case Mode::virt: return loop_virtual(f.mapper_ptr, f.datum, n);
    }
  } else {
    switch (mode) {
      case Mode::direct: {
        auto p = [](MapFraming::Request& r) { return direct_process(r); };
        return loop_process(p, f.request, f.value, n);
      }
      case Mode::lambda: return loop_process(f.lambda_path.process(), f.request, f.value, n);
      case Mode::klass: return loop_process(f.class_path.process(), f.request, f.value, n);
      case Mode::function: return loop_process(f.function_path.process(), f.request, f.value, n);
      case Mode::virt: return loop_process(f.virtual_path.process(), f.request, f.value, n);
    }
  }
}

// Runs the same loops as the callgrind mode, in batches, so the figure is per call.
void bench(benchmark::State& state, Mode mode, Level level) {
  constexpr long batch = 1000;
  while (state.KeepRunningBatch(batch)) run(mode, level, batch);
}

BENCHMARK_CAPTURE(bench, empty_1_direct, Mode::direct, Level::empty);
BENCHMARK_CAPTURE(bench, empty_2_lambda_server_path, Mode::lambda, Level::empty);
BENCHMARK_CAPTURE(bench, empty_3_class_server_path, Mode::klass, Level::empty);
BENCHMARK_CAPTURE(bench, empty_4_std_function, Mode::function, Level::empty);
BENCHMARK_CAPTURE(bench, empty_5_virtual, Mode::virt, Level::empty);
BENCHMARK_CAPTURE(bench, call_1_direct, Mode::direct, Level::call);
BENCHMARK_CAPTURE(bench, call_2_lambda_server_path, Mode::lambda, Level::call);
BENCHMARK_CAPTURE(bench, call_3_class_server_path, Mode::klass, Level::call);
BENCHMARK_CAPTURE(bench, call_4_std_function, Mode::function, Level::call);
BENCHMARK_CAPTURE(bench, call_5_virtual, Mode::virt, Level::call);
BENCHMARK_CAPTURE(bench, process_1_direct, Mode::direct, Level::process);
BENCHMARK_CAPTURE(bench, process_2_lambda_server_path, Mode::lambda, Level::process);
BENCHMARK_CAPTURE(bench, process_3_class_server_path, Mode::klass, Level::process);
BENCHMARK_CAPTURE(bench, process_4_std_function, Mode::function, Level::process);
BENCHMARK_CAPTURE(bench, process_5_virtual, Mode::virt, Level::process);

// A flatmap of eight comma-separated words into its MapResponse, as the server builds it: a handler
// that fills Messages, against one that returns a lazy range-v3 view (no vector of messages).
numaflow::Messages flatmap_to_messages(numaflow::Datum const& d) {
  numaflow::Messages out;
  std::string_view rest = d.value;
  for (;;) {
    auto const comma = rest.find(',');
    out.emplace_back(std::string{rest.substr(0, comma)});
    if (comma == std::string_view::npos) return out;
    rest.remove_prefix(comma + 1);
  }
}

auto flatmap_to_view(numaflow::Datum const& d) {
  return d.value | ranges::views::split(',') |
         ranges::views::transform([](auto&& word) { return numaflow::Message{ranges::to<std::string>(word)}; });
}

template <class Flatmap>
void bench_flatmap(benchmark::State& state, Flatmap flatmap) {
  numaflow::Datum d;
  d.value = "alpha,bravo,charlie,delta,echo,foxtrot,golf,hotel";
  for (auto _ : state) {
    auto response = MapFraming::response(d, flatmap(d));
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK_CAPTURE(bench_flatmap, flatmap_1_returns_messages, &flatmap_to_messages);
BENCHMARK_CAPTURE(bench_flatmap, flatmap_2_returns_range_v3_view,
                  [](numaflow::Datum const& d) { return flatmap_to_view(d); });

int usage() {
  std::fprintf(stderr,
               "usage: dispatch [benchmark flags]\n"
               "       dispatch --calls N --mode direct|lambda|class|function|virtual [--level empty|call|process]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  runtime_choice = argc > 1000 ? 1 : 0;
  long calls = -1;
  std::string_view mode_name, level_name = "call";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view const flag = argv[i];
    if (flag == "--calls")
      calls = std::strtol(argv[i + 1], nullptr, 10);
    else if (flag == "--mode")
      mode_name = argv[i + 1];
    else if (flag == "--level")
      level_name = argv[i + 1];
  }
  if (calls < 0 && mode_name.empty()) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  }
  Mode mode;
  if (mode_name == "direct")
    mode = Mode::direct;
  else if (mode_name == "lambda")
    mode = Mode::lambda;
  else if (mode_name == "class")
    mode = Mode::klass;
  else if (mode_name == "function")
    mode = Mode::function;
  else if (mode_name == "virtual")
    mode = Mode::virt;
  else
    return usage();
  Level level;
  if (level_name == "empty")
    level = Level::empty;
  else if (level_name == "call")
    level = Level::call;
  else if (level_name == "process")
    level = Level::process;
  else
    return usage();
  if (calls < 0) return usage();
  fixture();  // build everything before counting starts, whatever N is
  run(mode, level, calls);
  return 0;
}
