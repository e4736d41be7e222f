// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "otlp_json.hpp"
#include "span.hpp"

namespace span_collector {

using Clock = std::chrono::steady_clock;

/// What an export attempt did. `retryable` follows the OTLP/HTTP rules (429, 502, 503,
/// 504 and network errors); `retry_after` is the server's Retry-After, if it sent one.
struct ExportResult {
  bool ok = false;
  bool retryable = false;
  int http_status = 0;
  std::chrono::milliseconds retry_after{0};
  std::string error;
  static ExportResult success() { return {true, false, 0, {}, {}}; }
  static ExportResult failure(std::string why, bool retry = false) { return {false, retry, 0, {}, std::move(why)}; }
};

/// Receives batches from the collector's export workers (possibly several at once).
class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) = 0;
};

/// The OpenTelemetry file-exporter format: one TracesData JSON object per line.
/// Throws std::runtime_error naming the path if it cannot be opened for appending.
class FileExporter final : public Exporter {
 public:
  FileExporter(const std::string& path, Resource resource);
  ~FileExporter() override;
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;

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
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;

 private:
  std::mutex mutex_;
  Resource resource_;
};

/// Counts and discards: for benchmarks.
class NullExporter final : public Exporter {
 public:
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point) override {
    spans_.fetch_add(spans.size(), std::memory_order_relaxed);
    return ExportResult::success();
  }
  [[nodiscard]] std::uint64_t spans() const noexcept { return spans_.load(); }

 private:
  std::atomic<std::uint64_t> spans_{0};
};

/// Where and how the OTLP/HTTP exporter sends.
struct HttpConfig {
  std::string endpoint = "http://localhost:4318/v1/traces";  ///< the full traces URL
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{30000};

  /// From OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is), else OTEL_EXPORTER_OTLP_ENDPOINT
  /// + "/v1/traces" (default http://localhost:4318), and OTEL_EXPORTER_OTLP_HEADERS
  /// ("k1=v1,k2=v2", values percent-decoded). Throws std::invalid_argument for a bad URL
  /// or header list, naming the variable.
  static HttpConfig from_env();
};

/// Throws std::invalid_argument explaining why `url` is not an http(s) URL with a host.
void validate_endpoint_url(const std::string& url);

/// OTLP/HTTP with the JSON encoding: POST {endpoint}, Content-Type: application/json.
/// One attempt per call; wrap it in RetryExporter for retries. Uses libcurl.
class HttpExporter final : public Exporter {
 public:
  HttpExporter(HttpConfig config, Resource resource);  // validates the endpoint URL
  ~HttpExporter() override;
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;

 private:
  HttpConfig config_;
  Resource resource_;
};

// ------------------------------------------------------------ resilience wrappers ---

/// Retries retryable failures with exponential backoff and full jitter, honouring
/// Retry-After, at most `max_attempts` attempts and never past the deadline.
class RetryExporter final : public Exporter {
 public:
  struct Policy {
    int max_attempts = 5;
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    double multiplier = 2.0;
  };
  RetryExporter(std::shared_ptr<Exporter> inner, Policy policy);
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;
  [[nodiscard]] std::uint64_t attempts() const noexcept { return attempts_.load(); }

 private:
  std::shared_ptr<Exporter> inner_;
  Policy policy_;
  std::atomic<std::uint64_t> attempts_{0};
};

/// closed --(failure_threshold consecutive failures)--> open --(open_timeout)--> half-open
/// half-open --(success_threshold successes)--> closed; half-open --(a failure)--> open.
/// While open, calls fail at once without reaching the inner exporter.
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
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;
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
/// past it the batch fails as rate limited).
class RateLimiter final : public Exporter {
 public:
  RateLimiter(std::shared_ptr<Exporter> inner, double spans_per_second, double burst,
              std::function<Clock::time_point()> now = &Clock::now,
              std::function<void(Clock::duration)> sleep = [](Clock::duration d) { std::this_thread::sleep_for(d); });
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override;

 private:
  std::shared_ptr<Exporter> inner_;
  double rate_, burst_, tokens_;
  std::function<Clock::time_point()> now_;
  std::function<void(Clock::duration)> sleep_;
  Clock::time_point last_;
  std::mutex mutex_;
};

}  // namespace span_collector
