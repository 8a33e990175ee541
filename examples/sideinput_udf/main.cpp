// sideinput_udf: a map UDF that consumes a side input. A numaflow::SideInputWatcher follows the
// side input (default "myticker" in /var/numaflow/side-inputs) and logs every new value; each datum
// is forwarded unchanged (value, keys, user metadata) with the latest side-input value added as
// user metadata: group "side_input", key <side-input name>. Before the first value arrives the
// datum is forwarded without it.
//
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

namespace {

class AttachSideInput final : public numaflow::Mapper {
 public:
  explicit AttachSideInput(numaflow::SideInputWatcher const& watcher) : watcher_(&watcher) {}

  numaflow::Messages handle(numaflow::Datum const& datum) override {
    numaflow::Message message{datum};
    if (auto value = watcher_->latest()) message.user_metadata.add("side_input", watcher_->name(), std::move(*value));
    return {std::move(message)};
  }

 private:
  numaflow::SideInputWatcher const* watcher_;
};

struct SideInputFlags {
  std::string name = "myticker";
  std::string dir = numaflow::side_input_dir;
};

void print_extra_usage(std::FILE* out) {
  std::fprintf(out,
               "  --side-input-name NAME  side input to attach (default: myticker)\n"
               "  --side-input-dir DIR    where the platform mounts side inputs (default: %s)\n",
               numaflow::side_input_dir);
}

// Takes --side-input-name/--side-input-dir (as "--flag value" or "--flag=value") out of argv and
// leaves the rest to the shared parser.
SideInputFlags take_side_input_flags(int& argc, char** argv, example::Spec const& spec) {
  SideInputFlags flags;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      example::print_usage(stdout, spec);
      print_extra_usage(stdout);
      std::exit(0);
    }
    std::string* target = nullptr;
    std::string_view value;
    for (auto [flag, field] : {std::pair{std::string_view{"--side-input-name"}, &flags.name},
                               std::pair{std::string_view{"--side-input-dir"}, &flags.dir}}) {
      if (arg == flag) {
        if (i + 1 >= argc) {
          std::fprintf(stderr, "sideinput_udf: missing value for %s\n", argv[i]);
          example::print_usage(stderr, spec);
          print_extra_usage(stderr);
          std::exit(2);
        }
        target = field;
        value = argv[++i];
      } else if (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=') {
        target = field;
        value = arg.substr(flag.size() + 1);
      }
    }
    if (!target) {
      argv[kept++] = argv[i];
      continue;
    }
    if (value.empty()) {
      std::fprintf(stderr, "sideinput_udf: empty value for %s\n", argv[i]);
      example::print_usage(stderr, spec);
      print_extra_usage(stderr);
      std::exit(2);
    }
    *target = std::string{value};
  }
  argc = kept;
  argv[argc] = nullptr;
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sideinput_udf", .policies = {example::Policy::sync}};
  auto const side_input = take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  numaflow::SideInputWatcher watcher{side_input.name,
                                     [&side_input](std::string const& value) {
                                       std::string const line =
                                           "side input " + side_input.name + " = \"" + example::escaped(value) + "\"\n";
                                       std::fwrite(line.data(), 1, line.size(), stdout);
                                       std::fflush(stdout);
                                     },
                                     side_input.dir};
  return numaflow::Server<numaflow::Map, numaflow::Sync>{AttachSideInput{watcher}, args.options}.serve();
}
