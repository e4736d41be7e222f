// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "diagnostics.hpp"
#include "exporter.hpp"
#include "span.hpp"

namespace span_collector {

/// The OpenTelemetry BatchSpanProcessor settings, with the SDK's defaults and variables.
struct CollectorConfig {
  static constexpr std::size_t max_queue_limit = std::size_t{1} << 24;

  std::size_t max_queue_size = 2048;                ///< OTEL_BSP_MAX_QUEUE_SIZE (per submitting thread)
  std::size_t max_export_batch_size = 512;          ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds schedule_delay{5000};   ///< OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{30000};  ///< OTEL_BSP_EXPORT_TIMEOUT; also shutdown's default deadline
  std::uint32_t max_threads = 64;                   ///< submitting threads at once
  /// Export calls in flight at once. More than 1 only takes effect for an exporter whose
  /// concurrent_export_safe() is true (the OpenTelemetry rule: Export is never called
  /// concurrently); otherwise the collector warns once and exports one batch at a time.
  std::size_t max_concurrent_exports = 1;
  bool disabled = false;  ///< OTEL_SDK_DISABLED: submit does nothing, no thread is started

  /// Defaults overridden by the OTEL_BSP_* variables and OTEL_SDK_DISABLED. Never throws:
  /// an invalid value is reported through the error handler, naming the variable, and the
  /// default is used; a batch size above the queue size is clamped to it (with a warning).
  static CollectorConfig from_env();
  /// Throws std::invalid_argument naming the field when a value is out of range
  /// (including a batch size above the queue size, for a configuration made in code).
  void validate() const;
};

/// What submit did with a span.
enum class SubmitStatus {
  accepted,          ///< in the queue; it will be exported, or counted as failed, rejected or dropped
  dropped,           ///< the thread's queue was full (counted in dropped_queue_full)
  timed_out,         ///< submit_for: no space before the timeout (counted in dropped_queue_full)
  invalid_span,      ///< zero ids or end before start; counted in refused_invalid
  shut_down,         ///< shutdown() has begun; counted in refused_after_shutdown
  too_many_threads,  ///< max_threads threads hold a queue already; counted in refused_too_many_threads
  disabled,          ///< OTEL_SDK_DISABLED; not counted
};
[[nodiscard]] const char* to_string(SubmitStatus s) noexcept;

/// Counters, each span in exactly one outcome. A snapshot: exact once no thread is
/// submitting and nothing is pending, and after shutdown(), where pending is 0 and
///   submitted == exported + dropped() + failed() + rejected.
struct CollectorMetrics {
  std::uint64_t submitted = 0;           ///< spans submit() took charge of: queued or dropped_queue_full
  std::uint64_t exported = 0;            ///< accepted by the receiver
  std::uint64_t dropped_queue_full = 0;  ///< at submit: the thread's queue was full (or submit_for timed out)
  std::uint64_t dropped_shutdown = 0;    ///< not sent: still queued or in flight when shutdown's deadline passed
  std::uint64_t failed_network = 0;       ///< in failed exports, by ExportError
  std::uint64_t failed_timeout = 0;
  std::uint64_t failed_client_error = 0;
  std::uint64_t failed_server_error = 0;
  std::uint64_t failed_local = 0;
  std::uint64_t rejected = 0;  ///< refused by the receiver in a successful export (partial_success)
  std::uint64_t pending = 0;   ///< queued or being exported (0 after shutdown)
  std::uint64_t queue_depth = 0;  ///< of pending: still in the threads' queues

  std::uint64_t sanitized = 0;  ///< submitted spans whose ill-formed UTF-8 was replaced with U+FFFD

  // Refused at submit, not part of `submitted`.
  std::uint64_t refused_invalid = 0;
  std::uint64_t refused_after_shutdown = 0;
  std::uint64_t refused_too_many_threads = 0;

  std::uint64_t export_calls = 0;         ///< export calls that returned (any outcome)
  std::uint64_t failed_export_calls = 0;  ///< of those, the failed ones

  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_queue_full + dropped_shutdown; }
  [[nodiscard]] std::uint64_t failed() const noexcept {
    return failed_network + failed_timeout + failed_client_error + failed_server_error + failed_local;
  }
  /// submitted == exported + dropped() + failed() + rejected + pending.
  [[nodiscard]] bool balanced() const noexcept {
    return submitted == exported + dropped() + failed() + rejected + pending;
  }
};

/// Every counter on two lines, for logs and the example programs.
[[nodiscard]] std::string describe(const CollectorMetrics& m);

enum class FlushStatus {
  ok,                 ///< every span in scope was exported
  failed,             ///< all done in time, but some exports failed or spans were rejected
  timed_out,          ///< the deadline passed first
  already_shut_down,  ///< shutdown() had been called; nothing was done
};
[[nodiscard]] const char* to_string(FlushStatus s) noexcept;

/// What force_flush() or shutdown() achieved.
struct FlushResult {
  FlushStatus status = FlushStatus::ok;
  std::uint64_t failed = 0;   ///< spans failed or rejected in exports that finished during the call
  std::uint64_t dropped = 0;  ///< spans not sent because shutdown's deadline passed (dropped_shutdown)
  std::uint64_t pending = 0;  ///< force_flush timed out: spans still queued or being exported
  [[nodiscard]] bool ok() const noexcept { return status == FlushStatus::ok; }
};

/// Instrumented threads submit spans through a ringmpsc channel (one ring per thread,
/// registered on first use); one consumer thread drains the rings (polling every 1-20 ms
/// when idle, so that a submit never wakes anybody), groups spans by trace and hands
/// batches of up to max_export_batch_size to the export worker(s), when a batch is full or
/// schedule_delay has passed.
class Collector {
 public:
  /// Throws std::invalid_argument for an invalid configuration or a null exporter.
  Collector(CollectorConfig config, std::shared_ptr<Exporter> exporter);
  /// shutdown() with the default deadline: returns within export_timeout (plus at most
  /// shutdown_grace), whatever the exporter does.
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Any thread. Never blocks: a full queue drops the span and counts it (the
  /// BatchSpanProcessor rule). Ill-formed UTF-8 in the span's strings is replaced with
  /// U+FFFD. The span is moved from only when the result is accepted.
  [[nodiscard]] SubmitStatus submit(Span&& span);
  /// Any thread. Waits up to `timeout` for space (parking on the channel, no spinning).
  [[nodiscard]] SubmitStatus submit_for(Span&& span, std::chrono::milliseconds timeout);
  /// The reason of this thread's last invalid_span or too_many_threads result.
  [[nodiscard]] static const std::string& last_error();

  /// Any thread. Exports everything submitted before the call, waiting at most `timeout`.
  /// On timed_out nothing is cancelled: the spans stay in the pipeline and are counted
  /// when their exports finish.
  [[nodiscard]] FlushResult force_flush(std::chrono::milliseconds timeout);
  [[nodiscard]] FlushResult force_flush() { return force_flush(config_.export_timeout); }

  /// Any thread; the first call does the work, later ones return already_shut_down (after
  /// waiting for the first to finish). Stops accepting, drains every queue and exports
  /// what it holds. When the deadline (default: export_timeout) passes, the export under
  /// way is aborted and whatever was not sent is counted in dropped_shutdown; the call
  /// returns by the deadline plus at most shutdown_grace (the time an aborted export gets
  /// to return; an exporter that ignores the stop request is left running on a detached
  /// thread, which owns what it uses, and its spans are counted as dropped).
  [[nodiscard]] FlushResult shutdown(std::chrono::milliseconds timeout);
  [[nodiscard]] FlushResult shutdown() { return shutdown(config_.export_timeout); }
  static constexpr std::chrono::milliseconds shutdown_grace{250};

  /// Any thread.
  [[nodiscard]] CollectorMetrics metrics() const;
  /// The export calls that may run at once (1 unless the exporter is concurrent-safe).
  [[nodiscard]] std::size_t export_concurrency() const noexcept;

 private:
  struct Shared;
  SubmitStatus submit_impl(Span&& span, const std::chrono::milliseconds* timeout);
  FlushResult shutdown_now(Clock::time_point deadline);

  CollectorConfig config_;
  std::shared_ptr<Shared> shared_;
  std::thread consumer_;
  std::vector<std::thread> workers_;
  std::once_flag shutdown_once_;
};

}  // namespace span_collector
