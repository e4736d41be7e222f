// The command-line parser of every bench binary. Options are `--name value`,
// `--name=value` or bare flags; `--help` prints the usage and exits 0; an unknown option, a
// missing or malformed value prints a message that names the option and exits 2.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

/// Thrown by a value parser; the message says what was expected and what came.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Comma-separated items; empty items are an error.
inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = s.find(',', pos);
    out.push_back(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (out.back().empty()) throw UsageError("empty item in the list '" + s + "'");
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

inline long long parse_integer(const std::string& s, long long lo, long long hi) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0 || v < lo || v > hi)
    throw UsageError("expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got '" + s + "'");
  return v;
}

inline double parse_number(const std::string& s, double lo, double hi) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
    throw UsageError(std::string("expected a number in ") + range + ", got '" + s + "'");
  }
  return v;
}

class Cli {
 public:
  /// `about`: what the program does, printed under the usage line.
  Cli(std::string program, std::string about)
      : program_(std::move(program)), about_(std::move(about)) {}

  Cli& flag(std::string name, std::string help, std::function<void()> on) {
    options_.push_back(
        {std::move(name), {}, std::move(help), [on = std::move(on)](const std::string&) { on(); }});
    return *this;
  }
  /// An option with a value; `set` throws UsageError when the value is wrong.
  Cli& option(std::string name, std::string metavar, std::string help,
              std::function<void(const std::string&)> set) {
    options_.push_back({std::move(name), std::move(metavar), std::move(help), std::move(set)});
    return *this;
  }
  template <class I>
  Cli& integer(std::string name, std::string help, std::optional<I>& target, I lo,
               I hi = std::numeric_limits<I>::max()) {
    return option(std::move(name), "N", std::move(help),
                  [&target, lo, hi](const std::string& v) { target = parse_as_(v, lo, hi); });
  }
  template <class I>
  Cli& integers(std::string name, std::string help, std::vector<I>& target, I lo,
                I hi = std::numeric_limits<I>::max()) {
    return option(std::move(name), "N,N,...", std::move(help),
                  [&target, lo, hi](const std::string& v) {
                    target.clear();
                    for (const auto& item : split_list(v))
                      target.push_back(parse_as_(item, lo, hi));
                  });
  }
  Cli& number(std::string name, std::string help, std::optional<double>& target, double lo,
              double hi) {
    return option(std::move(name), "X", std::move(help),
                  [&target, lo, hi](const std::string& v) { target = parse_number(v, lo, hi); });
  }
  Cli& text(std::string name, std::string metavar, std::string help, std::string& target) {
    return option(std::move(name), std::move(metavar), std::move(help),
                  [&target](const std::string& v) { target = v; });
  }
  /// One of `allowed` (listed in the help).
  Cli& choice(std::string name, std::string help, std::string& target,
              std::vector<std::string> allowed) {
    help += " (one of: " + join_(allowed) + ")";
    return option(std::move(name), "NAME", std::move(help),
                  [&target, allowed](const std::string& v) { target = check_(v, allowed); });
  }
  /// A comma-separated subset of `allowed` (listed in the help).
  Cli& choices(std::string name, std::string help, std::vector<std::string>& target,
               std::vector<std::string> allowed) {
    help += " (of: " + join_(allowed) + ")";
    return option(std::move(name), "A,B,...", std::move(help),
                  [&target, allowed](const std::string& v) {
                    target.clear();
                    for (const auto& item : split_list(v)) target.push_back(check_(item, allowed));
                  });
  }
  /// Arguments that start with `prefix` go through untouched (another parser's flags).
  Cli& pass_through(std::string prefix, std::string help, std::function<void()> more_help = {}) {
    pass_prefix_ = std::move(prefix);
    pass_help_ = std::move(help);
    more_help_ = std::move(more_help);
    return *this;
  }

  /// Applies every option. Returns argv[0] and the arguments passed through; exits 0 after
  /// printing the usage for --help, and 2 with a message for anything it cannot take.
  std::vector<char*> parse(int argc, char** argv) const {
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        usage(stdout);
        std::exit(0);
      }
      if (!pass_prefix_.empty() && arg.rfind(pass_prefix_, 0) == 0) {
        rest.push_back(argv[i]);
        continue;
      }
      std::optional<std::string> value;
      if (const std::size_t eq = arg.find('=');
          arg.rfind("--", 0) == 0 && eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
      }
      const Option* o = find_(arg);
      if (o == nullptr) fail_(arg, "unknown option");
      if (o->metavar.empty() && value) fail_(arg, "takes no value");
      if (!o->metavar.empty() && !value) {
        if (i + 1 >= argc) fail_(arg, "needs a value (" + o->metavar + ")");
        value = argv[++i];
      }
      try {
        o->set(value.value_or(""));
      } catch (const UsageError& e) {
        fail_(arg, e.what());
      }
    }
    return rest;
  }

  void usage(std::FILE* out) const {
    std::fprintf(out, "Usage: %s [options]\n\n%s\n\nOptions:\n", program_.c_str(), about_.c_str());
    for (const auto& o : options_) {
      const std::string left = o.name + (o.metavar.empty() ? "" : " " + o.metavar);
      std::fprintf(out, "  %-26s %s\n", left.c_str(), o.help.c_str());
    }
    std::fprintf(out, "  %-26s %s\n", "--help", "print this help and exit");
    if (!pass_prefix_.empty())
      std::fprintf(out, "  %-26s %s\n", (pass_prefix_ + "...").c_str(), pass_help_.c_str());
    if (more_help_) more_help_();
  }

 private:
  struct Option {
    std::string name, metavar, help;
    std::function<void(const std::string&)> set;
  };

  template <class I>
  static I parse_as_(const std::string& v, I lo, I hi) {
    constexpr long long top = std::numeric_limits<long long>::max();
    const bool huge = static_cast<unsigned long long>(hi) > static_cast<unsigned long long>(top);
    return static_cast<I>(
        parse_integer(v, static_cast<long long>(lo), huge ? top : static_cast<long long>(hi)));
  }
  static std::string join_(const std::vector<std::string>& items) {
    std::string list;
    for (const auto& a : items) list += (list.empty() ? "" : ",") + a;
    return list;
  }
  static const std::string& check_(const std::string& item,
                                   const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end())
      throw UsageError("unknown value '" + item + "' (known: " + join_(allowed) + ")");
    return item;
  }
  const Option* find_(const std::string& name) const {
    for (const auto& o : options_)
      if (o.name == name) return &o;
    return nullptr;
  }
  [[noreturn]] void fail_(const std::string& option, const std::string& why) const {
    std::fprintf(stderr, "%s: %s: %s\nTry '%s --help'.\n", program_.c_str(), option.c_str(),
                 why.c_str(), program_.c_str());
    std::exit(2);
  }

  std::string program_, about_;
  std::vector<Option> options_;
  std::string pass_prefix_, pass_help_;
  std::function<void()> more_help_;
};

}  // namespace bench
