// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

#include "exporter.hpp"
#include "span.hpp"

namespace span_collector {

/// The OpenTelemetry BatchSpanProcessor settings, with the SDK's defaults and variables.
struct CollectorConfig {
  std::size_t max_queue_size = 2048;                   ///< OTEL_BSP_MAX_QUEUE_SIZE (per submitting thread)
  std::size_t max_export_batch_size = 512;             ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds schedule_delay{5000};      ///< OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{30000};     ///< OTEL_BSP_EXPORT_TIMEOUT
  std::uint32_t max_threads = 64;                      ///< submitting threads at once
  std::size_t max_concurrent_exports = 2;              ///< export calls in flight

  /// Defaults overridden by the OTEL_BSP_* variables that are set. Throws
  /// std::invalid_argument naming the variable for a value that is not a positive integer,
  /// and when the batch size exceeds the queue size.
  static CollectorConfig from_env();
  /// Throws std::invalid_argument naming the field when a value is out of range.
  void validate() const;
};

/// Why a span was not accepted.
enum class SubmitStatus {
  accepted,          ///< in the queue; it will be exported or counted as dropped
  dropped,           ///< the thread's queue was full (counted in metrics().dropped)
  timed_out,         ///< submit_for: no space before the timeout (counted as dropped)
  invalid_span,      ///< zero ids or end before start; not counted
  shut_down,         ///< shutdown() has begun; not counted
  too_many_threads,  ///< max_threads threads hold a queue already; not counted
};
[[nodiscard]] const char* to_string(SubmitStatus s) noexcept;

struct CollectorMetrics {
  std::uint64_t submitted = 0;        ///< accepted + dropped + timed_out
  std::uint64_t dropped = 0;          ///< queue full, timed out, or in a failed export
  std::uint64_t exported = 0;         ///< spans in successful exports
  std::uint64_t export_failures = 0;  ///< failed export calls
  std::uint64_t batches = 0;          ///< export calls
  std::uint64_t queue_depth = 0;      ///< spans waiting in the rings (a snapshot)
};

/// Instrumented threads submit spans through a ringmpsc channel (one ring per thread,
/// registered on first use); one consumer thread drains the rings (polling every 1-20 ms
/// when idle, so that a submit never wakes anybody), groups spans by trace and hands
/// batches of up to max_export_batch_size to export workers, when a batch is full or
/// schedule_delay has passed. After shutdown(), submitted == exported + dropped.
class Collector {
 public:
  Collector(CollectorConfig config, std::shared_ptr<Exporter> exporter);
  ~Collector();  // shutdown()
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Never blocks: a full queue drops the span and counts it (BatchSpanProcessor rules).
  /// The span is moved from only when the result is accepted or dropped.
  SubmitStatus submit(Span&& span);
  /// Waits up to `timeout` for space (parking on the channel, no spinning).
  SubmitStatus submit_for(Span&& span, std::chrono::milliseconds timeout);
  /// The reason of the last invalid_span result of this thread.
  [[nodiscard]] static const std::string& last_error();

  /// Exports everything submitted before the call; false if the timeout passed first.
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
  /// Stops accepting, drains every ring, waits for in-flight exports. Idempotent.
  void shutdown();

  [[nodiscard]] CollectorMetrics metrics() const;

 private:
  struct Shared;
  SubmitStatus submit_impl(Span&& span, std::chrono::milliseconds* timeout);
  void consume_loop();
  void export_worker();
  void flush_batch(std::vector<Span>& batch);

  CollectorConfig config_;
  std::shared_ptr<Exporter> exporter_;
  std::shared_ptr<Shared> shared_;
  std::thread consumer_;
  std::vector<std::thread> workers_;
  std::once_flag shutdown_once_;
};

}  // namespace span_collector
