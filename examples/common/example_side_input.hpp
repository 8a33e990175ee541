#pragma once

// The flags and logging every side-input consumer example shares:
//
//   --side-input-name NAME  the side input to follow (default: myticker)
//   --side-input-dir DIR    where the platform mounts side inputs (default: numaflow::side_input_dir)
//
// Call take_side_input_flags before example::parse: it takes these two out of argv and leaves the
// rest to the shared parser.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

namespace example {

struct SideInputFlags {
  std::string name = "myticker";
  std::string dir = numaflow::side_input_dir;
};

inline void print_side_input_usage(std::FILE* out) {
  std::fprintf(out,
               "  --side-input-name NAME  side input to follow (default: myticker)\n"
               "  --side-input-dir DIR    where the platform mounts side inputs (default: %s)\n",
               numaflow::side_input_dir);
}

[[noreturn]] inline void side_input_usage_error(Spec const& spec, std::string const& problem) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(spec.program.size()), spec.program.data(), problem.c_str());
  print_usage(stderr, spec);
  print_side_input_usage(stderr);
  std::exit(2);
}

inline SideInputFlags take_side_input_flags(int& argc, char** argv, Spec const& spec) {
  SideInputFlags flags;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout, spec);
      print_side_input_usage(stdout);
      std::exit(0);
    }
    std::string* target = nullptr;
    std::string_view value;
    for (auto [flag, field] : {std::pair{std::string_view{"--side-input-name"}, &flags.name},
                               std::pair{std::string_view{"--side-input-dir"}, &flags.dir}}) {
      if (arg == flag) {
        if (i + 1 >= argc) side_input_usage_error(spec, "missing value for " + std::string{arg});
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
    if (value.empty()) side_input_usage_error(spec, "empty value for " + std::string{argv[i]});
    *target = std::string{value};
  }
  argc = kept;
  argv[argc] = nullptr;
  return flags;
}

// One line per new value: side input <name> = "<value>".
inline void log_side_input(std::string const& name, std::string const& value) {
  std::string const line = "side input " + name + " = \"" + escaped(value) + "\"\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

// A watcher of the side input `flags` name that logs every new value and then hands it to
// `also` (if given), on the watcher's thread.
inline numaflow::SideInputWatcher watch_side_input(SideInputFlags const& flags,
                                                   numaflow::SideInputWatcher::Callback also = {}) {
  return numaflow::SideInputWatcher{flags.name,
                                    [name = flags.name, also = std::move(also)](std::string const& value) {
                                      log_side_input(name, value);
                                      if (also) also(value);
                                    },
                                    flags.dir};
}

}  // namespace example
