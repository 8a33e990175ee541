#pragma once

// The command line every example shares:
//
//   <example> [--socket PATH] [--server-info PATH] [--policy sync|async|multiproc] [--workers N]
//             [example-specific integer flags such as --bound N]
//
// Paths default to the platform's (the ServerOptions fields stay empty). `--flag value` and
// `--flag=value` are both accepted. An unknown flag or a bad value prints the usage to stderr and
// exits with code 2; --help prints it to stdout and exits 0.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <numaflow/options.hpp>

namespace example {

enum class Policy { sync, async, multiproc };

inline char const* to_string(Policy p) {
  switch (p) {
    case Policy::sync: return "sync";
    case Policy::async: return "async";
    case Policy::multiproc: return "multiproc";
  }
  return "?";
}

// An example-specific `--name N` flag holding an unsigned integer (N >= 1).
struct IntFlag {
  std::string_view name;  // with the dashes, e.g. "--bound"
  std::uint64_t* value;   // holds the default on entry
  std::string_view help;
};

struct Spec {
  std::string_view program;
  std::vector<Policy> policies;  // the policies this example serves
  Policy default_policy = Policy::sync;
  std::vector<IntFlag> extra = {};
};

struct Args {
  numaflow::ServerOptions options;
  Policy policy = Policy::sync;
};

inline void print_usage(std::FILE* out, Spec const& spec) {
  std::string policies;
  for (auto p : spec.policies) policies += (policies.empty() ? "" : "|") + std::string{to_string(p)};
  std::fprintf(out, "usage: %.*s [--socket PATH] [--server-info PATH]", static_cast<int>(spec.program.size()),
               spec.program.data());
  if (spec.policies.size() > 1) std::fprintf(out, " [--policy %s]", policies.c_str());
  std::fprintf(out, " [--workers N]");
  for (auto const& f : spec.extra) std::fprintf(out, " [%.*s N]", static_cast<int>(f.name.size()), f.name.data());
  std::fprintf(out,
               "\n"
               "  --socket PATH       gRPC Unix socket (default: the platform's path)\n"
               "  --server-info PATH  server-info file (default: the platform's path)\n");
  if (spec.policies.size() > 1)
    std::fprintf(out, "  --policy P          %s (default: %s)\n", policies.c_str(), to_string(spec.default_policy));
  std::fprintf(out, "  --workers N         handler threads or processes (default 0: chosen by the SDK)\n");
  for (auto const& f : spec.extra)
    std::fprintf(out, "  %-19s %.*s (default: %llu)\n", (std::string{f.name} + " N").c_str(),
                 static_cast<int>(f.help.size()), f.help.data(), static_cast<unsigned long long>(*f.value));
}

[[noreturn]] inline void usage_error(Spec const& spec, std::string const& problem) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(spec.program.size()), spec.program.data(), problem.c_str());
  print_usage(stderr, spec);
  std::exit(2);
}

inline bool parse_uint(std::string_view text, std::uint64_t& out) {
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc{} && ptr == end;
}

inline Args parse(int argc, char** argv, Spec const& spec) {
  Args args;
  args.policy = spec.default_policy;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout, spec);
      std::exit(0);
    }
    // Split "--flag=value"; otherwise the value is the next argument.
    std::string_view flag = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto take_value = [&]() -> std::string_view {
      if (has_value) return value;
      if (i + 1 >= argc) usage_error(spec, "missing value for " + std::string{flag});
      return argv[++i];
    };
    auto take_uint = [&](std::uint64_t min) {
      std::string_view text = take_value();
      std::uint64_t n = 0;
      if (!parse_uint(text, n) || n < min)
        usage_error(spec, "bad value for " + std::string{flag} + ": \"" + std::string{text} + "\"");
      return n;
    };

    if (flag == "--socket" || flag == "--server-info") {
      std::string_view path = take_value();
      if (path.empty()) usage_error(spec, "empty path for " + std::string{flag});
      (flag == "--socket" ? args.options.socket_path : args.options.server_info_path) = std::string{path};
    } else if (flag == "--workers") {
      args.options.workers = static_cast<std::size_t>(take_uint(0));
    } else if (flag == "--policy" && spec.policies.size() > 1) {
      std::string_view name = take_value();
      bool found = false;
      for (auto p : spec.policies) {
        if (name == to_string(p)) {
          args.policy = p;
          found = true;
        }
      }
      if (!found) usage_error(spec, "unsupported policy \"" + std::string{name} + "\"");
    } else {
      bool found = false;
      for (auto const& f : spec.extra) {
        if (flag == f.name) {
          *f.value = take_uint(1);
          found = true;
        }
      }
      if (!found) usage_error(spec, "unknown argument \"" + std::string{arg} + "\"");
    }
  }
  return args;
}

}  // namespace example
