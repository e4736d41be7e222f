// otlp_receiver: a local OTLP/HTTP (JSON) receiver that validates every body and counts
// what it accepted; for running span_generator or demo without an OpenTelemetry collector.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "otlp_receiver.hpp"

namespace {
constexpr const char* usage =
    "Usage: otlp_receiver [--port N] [--seconds S]\n"
    "Listens on 127.0.0.1:N (default 4318) for OTLP/HTTP JSON trace exports (gzip too),\n"
    "validates each body against the OTLP/JSON encoding, answers 200 (400 naming the\n"
    "problem for an invalid body), and prints what it received when S seconds have passed\n"
    "(default: run until SIGINT or SIGTERM).\n";

bool parse_number(const char* text, double lo, double hi, double& out) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v >= lo && v <= hi)) return false;
  out = v;
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  double port = 4318, seconds = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    const bool is_port = a == "--port", is_seconds = a == "--seconds";
    if (!is_port && !is_seconds) {
      std::fprintf(stderr, "otlp_receiver: unknown option '%s'\n%s", a.c_str(), usage);
      return 2;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "otlp_receiver: %s needs a value\n", a.c_str());
      return 2;
    }
    const char* value = argv[++i];
    if (is_port ? !parse_number(value, 1, 65535, port) : !parse_number(value, 0.001, 1e7, seconds)) {
      std::fprintf(stderr, "otlp_receiver: %s: '%s' is not %s\n", a.c_str(), value,
                   is_port ? "a port in [1, 65535]" : "a positive number of seconds");
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the receiver's threads inherit it
  try {
    otlp_testing::OtlpReceiver receiver({}, static_cast<std::uint16_t>(port));
    std::fprintf(stderr, "otlp_receiver: listening on %s\n", receiver.url().c_str());
    if (seconds > 0) {
      const timespec limit{static_cast<time_t>(seconds), static_cast<long>((seconds - static_cast<double>(static_cast<time_t>(seconds))) * 1e9)};
      sigtimedwait(&signals, nullptr, &limit);
    } else {
      int sig = 0;
      sigwait(&signals, &sig);
    }
    receiver.stop();
    std::printf("otlp_receiver: %zu requests on %zu connections, %llu spans accepted, %zu invalid bodies\n",
                receiver.request_count(), receiver.connections(),
                static_cast<unsigned long long>(receiver.spans_accepted()), receiver.invalid_bodies());
    return receiver.invalid_bodies() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "otlp_receiver: %s\n", e.what());
    return 1;
  }
}
