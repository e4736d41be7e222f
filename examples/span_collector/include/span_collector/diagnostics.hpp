// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace span_collector {

/// What a diagnostic is about. The default handler throttles each kind separately, so a
/// dead endpoint's export failures cannot hide a configuration warning.
enum class ErrorKind : std::uint8_t {
  config,           ///< an invalid environment variable or setting (the default was used)
  export_failed,    ///< an export call failed; its spans are counted as failed
  partial_success,  ///< the receiver rejected some spans, or sent an unreadable response
  queue_full,       ///< spans were dropped at submit because a thread's queue was full
  shutdown,         ///< shutdown's deadline passed with spans not yet sent
};
inline constexpr std::size_t error_kind_count = 5;
[[nodiscard]] const char* to_string(ErrorKind kind) noexcept;

struct ErrorEvent {
  ErrorKind kind;
  std::string message;  ///< names what was wrong (a variable, an endpoint, a count)
};

/// Receives every diagnostic of the process, on whichever thread produced it (the caller
/// of from_env(), an export worker, the collector's consumer). Must not throw.
using ErrorHandler = std::function<void(const ErrorEvent&)>;

/// Installs `handler` for the whole process and returns the previous one (empty when it
/// was the default). An empty `handler` restores the default: standard error, throttled
/// per kind by LogThrottle (a burst of 10, then one message every 10 s). Thread-safe; a
/// call already under way still uses the handler it started with.
ErrorHandler set_error_handler(ErrorHandler handler);

/// Sends a diagnostic to the installed handler. Never throws: a handler that throws is
/// ignored for that message. Thread-safe.
void report_error(ErrorKind kind, std::string message) noexcept;

/// A token bucket per ErrorKind: `burst` messages at once, then one per `interval`. A
/// message let through after others were held back says how many.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Policy {
    int burst = 10;
    std::chrono::milliseconds interval{10000};
  };
  explicit LogThrottle(Policy policy, std::function<Clock::time_point()> now = &Clock::now);

  /// The text to write for `event` (with a suppressed-count note when some were held
  /// back), or an empty string when this one is held back.
  [[nodiscard]] std::string admit(const ErrorEvent& event);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
    std::uint64_t suppressed = 0;
    bool started = false;
  };
  Policy policy_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  Bucket buckets_[error_kind_count];
};

}  // namespace span_collector
