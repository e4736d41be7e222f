// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "otlp_json.hpp"
#include "span.hpp"

namespace span_collector {

using Clock = std::chrono::steady_clock;

/// Why an export failed. The collector counts failed spans per reason.
enum class ExportError : std::uint8_t {
  none,          ///< success
  network,       ///< no usable answer: connection refused or reset, DNS, TLS, empty reply
  timeout,       ///< no complete answer before the call's deadline
  client_error,  ///< HTTP 4xx other than 429, or another non-2xx, non-5xx status: resending cannot help
  server_error,  ///< HTTP 5xx or 429, still failing when retries ran out
  local,         ///< the exporter itself: write error, exception, encoding, open circuit breaker, rate limit
  cancelled,     ///< the caller asked the call to stop (the collector's shutdown deadline passed)
};
inline constexpr std::size_t export_error_count = 7;
[[nodiscard]] const char* to_string(ExportError e) noexcept;

/// What an export call did. `retryable` follows the OTLP/HTTP rules (429, 502, 503, 504
/// and network errors); `retry_after` is the server's Retry-After, if it sent one.
/// `rejected` counts spans a successful call's receiver refused (OTLP partial_success).
struct ExportResult {
  ExportError error = ExportError::none;
  bool retryable = false;
  int http_status = 0;
  std::chrono::milliseconds retry_after{0};
  std::uint64_t rejected = 0;
  std::string message;  ///< what went wrong, or the receiver's partial_success error_message

  [[nodiscard]] bool ok() const noexcept { return error == ExportError::none; }
  static ExportResult success() { return {}; }
  static ExportResult failure(ExportError why, std::string message, bool retry = false) {
    return {why, retry, 0, {}, 0, std::move(message)};
  }
};

/// The limits of one export call: a deadline, and a stop request that the collector makes
/// when its shutdown deadline passes. An exporter returns soon after either (with
/// ExportError::timeout or ExportError::cancelled). Converts from a deadline, for calls
/// made outside a collector.
class ExportContext {
 public:
  ExportContext(Clock::time_point deadline, std::stop_token stop = {})  // implicit: a deadline is a context
      : deadline_(deadline), stop_(std::move(stop)) {}
  [[nodiscard]] Clock::time_point deadline() const noexcept { return deadline_; }
  [[nodiscard]] const std::stop_token& stop_token() const noexcept { return stop_; }
  [[nodiscard]] bool stop_requested() const noexcept { return stop_.stop_requested(); }
  /// Sleeps until `t`; false, at once, if `t` is past the deadline, or as soon as a stop
  /// is requested.
  [[nodiscard]] bool wait_until(Clock::time_point t) const;

 private:
  Clock::time_point deadline_;
  std::stop_token stop_;
};

/// Receives batches from the collector. The collector calls export_spans from one thread
/// at a time (the OpenTelemetry rule), unless concurrent_export_safe() says more is safe.
class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) = 0;
  /// True if export_spans may run on several threads at once; only then does the
  /// collector run up to CollectorConfig::max_concurrent_exports calls in parallel.
  [[nodiscard]] virtual bool concurrent_export_safe() const noexcept { return false; }
};

/// Whether a FileExporter keeps what the file holds.
enum class FileMode : std::uint8_t { append, truncate };

/// The OpenTelemetry file-exporter format: one TracesData JSON object per line.
/// Throws std::runtime_error naming the path if it cannot be opened.
class FileExporter final : public Exporter {
 public:
  FileExporter(const std::string& path, Resource resource, FileMode mode = FileMode::append);
  ~FileExporter() override;
  FileExporter(const FileExporter&) = delete;
  FileExporter& operator=(const FileExporter&) = delete;
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return true; }  // one write at a time

 private:
  std::mutex mutex_;
  std::FILE* file_;
  Resource resource_;
  std::string path_;
};

/// JSON lines on standard output.
class StdoutExporter final : public Exporter {
 public:
  explicit StdoutExporter(Resource resource) : resource_(std::move(resource)) {}
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return true; }

 private:
  std::mutex mutex_;
  Resource resource_;
};

/// Counts and discards: for benchmarks.
class NullExporter final : public Exporter {
 public:
  ExportResult export_spans(std::span<const Span> spans, const ExportContext&) override {
    spans_.fetch_add(spans.size(), std::memory_order_relaxed);
    return ExportResult::success();
  }
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return true; }
  [[nodiscard]] std::uint64_t spans() const noexcept { return spans_.load(); }

 private:
  std::atomic<std::uint64_t> spans_{0};
};

enum class Compression : std::uint8_t { none, gzip };

/// Where and how the OTLP/HTTP exporter sends.
struct HttpConfig {
  std::string endpoint = "http://localhost:4318/v1/traces";  ///< the full traces URL
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{10000};  ///< one HTTP request (the collector's export timeout bounds retries)
  Compression compression = Compression::none;

  /// The OpenTelemetry exporter variables; each OTEL_EXPORTER_OTLP_TRACES_* variable, when
  /// set, replaces its OTEL_EXPORTER_OTLP_* counterpart:
  ///   ..._TRACES_ENDPOINT (used as is), else ..._ENDPOINT + "/v1/traces";
  ///   ..._HEADERS ("k1=v1,k2=v2", names and values percent-decoded);
  ///   ..._TIMEOUT (milliseconds); ..._COMPRESSION ("gzip" or "none");
  ///   ..._PROTOCOL (only "http/json" is spoken; another value gets a warning).
  /// Never throws: an invalid value is reported through the error handler, naming the
  /// variable, and treated as not set (a header entry: that entry is skipped; header
  /// values are never written to the log).
  static HttpConfig from_env();
};

/// Throws std::invalid_argument explaining why `url` is not an http(s) URL with a host.
void validate_endpoint_url(const std::string& url);
/// Why `name: value` cannot be sent as a request header (a name that is not an HTTP token,
/// a control character in the value, a header the exporter sets itself), or nothing.
[[nodiscard]] std::optional<std::string> header_problem(std::string_view name, std::string_view value);
/// A Retry-After value as a delay from `now`: delay-seconds or an HTTP-date (IMF-fixdate,
/// RFC 850 or asctime form); a date in the past is no delay. Nothing if unreadable.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// OTLP/HTTP with the JSON encoding: POST {endpoint}, Content-Type: application/json,
/// gzip when configured. One attempt per call (wrap it in RetryExporter for retries);
/// a stop request aborts the request under way at once. Reads the response's
/// partial_success. Safe for concurrent calls (each takes its own connection); keeps
/// connections alive between calls. Uses libcurl.
class HttpExporter final : public Exporter {
 public:
  /// Throws std::invalid_argument for an invalid endpoint URL or header.
  HttpExporter(HttpConfig config, Resource resource);
  ~HttpExporter() override;
  HttpExporter(const HttpExporter&) = delete;
  HttpExporter& operator=(const HttpExporter&) = delete;
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return true; }

 private:
  struct Connection;
  struct ConnectionDeleter {
    void operator()(Connection* c) const noexcept;
  };
  using ConnectionPtr = std::unique_ptr<Connection, ConnectionDeleter>;
  ConnectionPtr acquire();
  void release(ConnectionPtr c);

  HttpConfig config_;
  Resource resource_;
  std::mutex pool_mutex_;
  std::vector<ConnectionPtr> pool_;
};

// ------------------------------------------------------------ resilience wrappers ---

/// Retries retryable failures with exponential backoff and full jitter, honouring
/// Retry-After, at most `max_attempts` attempts and never past the deadline; a stop
/// request ends the wait between attempts at once.
class RetryExporter final : public Exporter {
 public:
  struct Policy {
    int max_attempts = 5;
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    double multiplier = 2.0;
  };
  RetryExporter(std::shared_ptr<Exporter> inner, Policy policy);
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return inner_->concurrent_export_safe(); }
  [[nodiscard]] std::uint64_t attempts() const noexcept { return attempts_.load(); }

 private:
  std::shared_ptr<Exporter> inner_;
  Policy policy_;
  std::atomic<std::uint64_t> attempts_{0};
};

/// closed --(failure_threshold consecutive failures)--> open --(open_timeout)--> half-open
/// half-open --(success_threshold successes)--> closed; half-open --(a failure)--> open.
/// While open, calls fail at once (ExportError::local) without reaching the inner exporter.
class CircuitBreaker final : public Exporter {
 public:
  enum class State { closed, open, half_open };
  struct Policy {
    int failure_threshold = 5;
    std::chrono::milliseconds open_timeout{10000};
    int success_threshold = 2;
  };
  CircuitBreaker(std::shared_ptr<Exporter> inner, Policy policy,
                 std::function<Clock::time_point()> now = &Clock::now);
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return inner_->concurrent_export_safe(); }
  [[nodiscard]] State state();

 private:
  std::shared_ptr<Exporter> inner_;
  Policy policy_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  State state_ = State::closed;
  int failures_ = 0;
  int successes_ = 0;
  Clock::time_point opened_at_{};
};

/// A token bucket in spans per second: a batch waits for its tokens (until the deadline;
/// past it the batch fails as rate limited, ExportError::local).
class RateLimiter final : public Exporter {
 public:
  /// `sleep_until` waits until its time point; false if the context stopped it first.
  using SleepUntil = std::function<bool(Clock::time_point, const ExportContext&)>;
  RateLimiter(std::shared_ptr<Exporter> inner, double spans_per_second, double burst,
              std::function<Clock::time_point()> now = &Clock::now,
              SleepUntil sleep_until = [](Clock::time_point t, const ExportContext& c) { return c.wait_until(t); });
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override;
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return inner_->concurrent_export_safe(); }

 private:
  std::shared_ptr<Exporter> inner_;
  double rate_, burst_, tokens_;
  std::function<Clock::time_point()> now_;
  SleepUntil sleep_until_;
  Clock::time_point last_;
  std::mutex mutex_;
};

}  // namespace span_collector
