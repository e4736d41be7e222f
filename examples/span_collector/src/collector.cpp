// SPDX-License-Identifier: MIT
#include "span_collector/collector.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>

#include <ringmpsc/ringmpsc.hpp>

namespace span_collector {

namespace {

// ------------------------------------------------------------------------------------
// Every call into ringmpsc is in this block, so that a change of the library's API
// touches these lines only.
using SpanChannel = ringmpsc::Channel<Span, ringmpsc::wait::Blocking>;
using SpanProducer = SpanChannel::producer_type;

ringmpsc::Config channel_config(const CollectorConfig& c) {
  const std::size_t slots = std::max<std::size_t>(2, std::bit_ceil(c.max_queue_size));
  return ringmpsc::Config{.ring_bits = static_cast<std::uint32_t>(std::countr_zero(slots)),
                          .max_producers = c.max_threads};
}

/// A producer for the calling thread, or why there is none.
struct Registration {
  std::optional<SpanProducer> producer;
  SubmitStatus refusal = SubmitStatus::accepted;
  std::string why;
};
Registration register_thread(SpanChannel& channel) {
  auto reg = channel.register_producer();
  if (reg) return {std::move(*reg), SubmitStatus::accepted, {}};
  if (reg.error() == ringmpsc::Errc::channel_closed) return {std::nullopt, SubmitStatus::shut_down, {}};
  return {std::nullopt, SubmitStatus::too_many_threads, ringmpsc::make_error_code(reg.error()).message()};
}

/// The producer's slot index in [0, max_threads): one producer holds it at a time.
std::uint32_t slot_of(const SpanProducer& p) noexcept { return p.id(); }

// Both move from `span` only when they succeed.
bool try_push(SpanProducer& p, Span& span) { return p.try_push(std::move(span)); }
bool push_for(SpanProducer& p, Span& span, std::chrono::milliseconds timeout) {
  return p.try_push_for(std::move(span), timeout) == ringmpsc::Status::ok;
}

template <class Take>
std::size_t drain(SpanChannel& channel, Take& take) {
  return channel.try_consume(take);
}
bool is_closed(const SpanChannel& channel) noexcept { return channel.is_closed(); }
void close(SpanChannel& channel) noexcept { channel.close(); }
// ------------------------------------------------------------------------------------

/// A counter written by one thread at a time (the owner of a producer slot, or the
/// consumer) and read by any: a plain load and store, no read-modify-write on the submit
/// path. A slot changes owner only through the channel's producer release and
/// registration, which order the old owner's stores before the new owner's loads.
class OwnedCounter {
 public:
  void add(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
  [[nodiscard]] std::uint64_t get() const noexcept { return value_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

using namespace std::chrono_literals;

std::size_t failure_index(ExportError e) noexcept {
  // An exporter that cancels itself without a stop request failed on its own.
  return static_cast<std::size_t>(e == ExportError::cancelled ? ExportError::local : e);
}

ExportResult call_exporter(Exporter& exporter, std::span<const Span> spans, const ExportContext& context) {
  try {
    return exporter.export_spans(spans, context);
  } catch (const std::exception& e) {
    return ExportResult::failure(ExportError::local, std::string("the exporter threw: ") + e.what());
  } catch (...) {
    return ExportResult::failure(ExportError::local, "the exporter threw something that is not a std::exception");
  }
}

thread_local std::string t_last_error;

}  // namespace

const char* to_string(SubmitStatus s) noexcept {
  switch (s) {
    case SubmitStatus::accepted: return "accepted";
    case SubmitStatus::dropped: return "dropped (queue full)";
    case SubmitStatus::timed_out: return "timed out (queue full)";
    case SubmitStatus::invalid_span: return "invalid span";
    case SubmitStatus::shut_down: return "collector shut down";
    case SubmitStatus::too_many_threads: return "too many submitting threads";
    case SubmitStatus::disabled: return "disabled (OTEL_SDK_DISABLED)";
  }
  return "unknown";
}

const char* to_string(FlushStatus s) noexcept {
  switch (s) {
    case FlushStatus::ok: return "ok";
    case FlushStatus::failed: return "failed";
    case FlushStatus::timed_out: return "timed out";
    case FlushStatus::already_shut_down: return "already shut down";
  }
  return "unknown";
}

std::string describe(const CollectorMetrics& m) {
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  return "submitted " + n(m.submitted) + ": exported " + n(m.exported) + ", dropped " + n(m.dropped()) +
         " (queue full " + n(m.dropped_queue_full) + ", shutdown " + n(m.dropped_shutdown) + "), failed " +
         n(m.failed()) + " (network " + n(m.failed_network) + ", timeout " + n(m.failed_timeout) + ", client error " +
         n(m.failed_client_error) + ", server error " + n(m.failed_server_error) + ", local " + n(m.failed_local) +
         "), rejected " + n(m.rejected) + ", pending " + n(m.pending) + "\nrefused at submit: invalid " +
         n(m.refused_invalid) + ", after shutdown " + n(m.refused_after_shutdown) + ", too many threads " +
         n(m.refused_too_many_threads) + "; sanitized " + n(m.sanitized) + "; export calls " + n(m.export_calls) +
         " (" + n(m.failed_export_calls) + " failed)";
}

void CollectorConfig::validate() const {
  if (max_queue_size < 1 || max_queue_size > max_queue_limit)
    throw std::invalid_argument("CollectorConfig::max_queue_size must be in [1, 2^24]");
  if (max_export_batch_size < 1 || max_export_batch_size > max_queue_size)
    throw std::invalid_argument("CollectorConfig::max_export_batch_size must be in [1, max_queue_size]");
  if (schedule_delay.count() <= 0) throw std::invalid_argument("CollectorConfig::schedule_delay must be positive");
  if (export_timeout.count() <= 0) throw std::invalid_argument("CollectorConfig::export_timeout must be positive");
  if (max_threads < 1 || max_threads > 1000) throw std::invalid_argument("CollectorConfig::max_threads must be in [1, 1000]");
  if (max_concurrent_exports < 1 || max_concurrent_exports > 64)
    throw std::invalid_argument("CollectorConfig::max_concurrent_exports must be in [1, 64]");
}

// Everything the collector's threads use. The threads hold it by shared_ptr, so an export
// worker left running on an exporter that ignores the stop request (and so detached at
// shutdown) never outlives what it touches.
struct Collector::Shared {
  Shared(const CollectorConfig& c, std::shared_ptr<Exporter> e, std::size_t concurrency_)
      : config(c),
        exporter(std::move(e)),
        concurrency(concurrency_),
        channel(channel_config(c)),
        slots(std::make_unique<ThreadSlot[]>(c.max_threads)),
        workers(concurrency_) {}

  const CollectorConfig config;
  const std::shared_ptr<Exporter> exporter;
  const std::size_t concurrency;
  SpanChannel channel;

  // Per producer slot, written only by the thread that holds the slot's ring, so the
  // submit path touches no cache line another submitting thread writes.
  struct alignas(128) ThreadSlot {
    std::atomic<bool> busy{false};  // inside submit(); shutdown waits for it to clear
    OwnedCounter submitted, dropped, sanitized;
  };
  std::unique_ptr<ThreadSlot[]> slots;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> refused_invalid{0}, refused_after_shutdown{0}, refused_too_many_threads{0};

  OwnedCounter taken;               // consumer only: spans taken from the rings
  std::atomic<bool> abandon{false};  // shutdown's deadline passed: drop, do not export

  // Outcomes of the spans taken.
  std::atomic<std::uint64_t> exported{0}, rejected{0}, dropped_shutdown{0};
  std::array<std::atomic<std::uint64_t>, export_error_count> failed{};
  std::atomic<std::uint64_t> export_calls{0}, failed_export_calls{0};

  // The consumer sleeps here between polls; force_flush and shutdown wake it at once.
  // It never parks on the channel itself, so a submit never has to wake anybody: the
  // BatchSpanProcessor exports on a full batch or on its schedule, not on every span.
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool wake = false;

  std::atomic<std::uint64_t> flush_requested{0};

  // Under `mutex`: the export queue, the batches not finished, flush progress, workers.
  std::mutex mutex;
  std::condition_variable cv;  // any change below; waiters re-check their own condition
  struct Batch {
    std::uint64_t seq = 0;
    std::vector<Span> spans;
  };
  std::deque<Batch> queue;
  std::set<std::uint64_t> unfinished;  // seqs queued or being exported
  std::uint64_t next_seq = 1;
  struct FlushTarget {
    std::uint64_t token, last_seq;  // flush `token` is done once every batch <= last_seq is
  };
  std::deque<FlushTarget> flush_targets;
  std::uint64_t flush_done = 0;
  bool consumer_done = false;
  bool abandoned = false;
  std::optional<Clock::time_point> shutdown_deadline;
  struct WorkerState {
    bool exited = false;
    bool written_off = false;  // detached at shutdown; its batch was counted as dropped
    std::size_t in_flight = 0;
  };
  std::vector<WorkerState> workers;
  std::stop_source stop;  // requested when shutdown's deadline passes

  struct Totals {
    std::uint64_t failed = 0, dropped = 0;
  };
  [[nodiscard]] Totals totals() const {
    Totals t;
    for (const auto& f : failed) t.failed += f.load();
    t.failed += rejected.load();
    t.dropped = dropped_shutdown.load();
    return t;
  }

  void wake_consumer() {
    {
      std::lock_guard<std::mutex> lock(wake_mutex);
      wake = true;
    }
    wake_cv.notify_one();
  }

  bool push_waiting(SpanProducer& p, Span& span, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (try_push(p, span)) return true;
      const auto now = Clock::now();
      if (now >= deadline || stopping.load(std::memory_order_relaxed)) return false;
      // Short slices keep shutdown's wait for this call (the busy flag) short.
      const auto slice = std::min<std::chrono::milliseconds>(
          10ms, std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
      if (push_for(p, span, slice)) return true;
    }
  }

  void settle_flushes_locked() {
    while (!flush_targets.empty()) {
      const FlushTarget& t = flush_targets.front();
      if (!unfinished.empty() && *unfinished.begin() <= t.last_seq) return;
      flush_done = std::max(flush_done, t.token);
      flush_targets.pop_front();
    }
  }

  [[nodiscard]] bool all_done_locked() const {
    return consumer_done && std::all_of(workers.begin(), workers.end(), [](const WorkerState& w) { return w.exited; });
  }

  void abandon_locked() {
    abandoned = true;
    abandon.store(true, std::memory_order_relaxed);
    for (const Batch& b : queue) {
      dropped_shutdown.fetch_add(b.spans.size());
      unfinished.erase(b.seq);
    }
    queue.clear();
    settle_flushes_locked();
  }

  // Consumer: hands a batch to the export workers, waiting while every worker is busy and
  // one batch already waits (a full export queue holds back the consumer, and full rings
  // then drop at submit, as the SDK does).
  void enqueue(std::vector<Span>& batch) {
    if (batch.empty()) return;
    std::stable_sort(batch.begin(), batch.end(), [](const Span& a, const Span& b) { return a.trace_id < b.trace_id; });
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return queue.size() < concurrency || abandoned; });
      if (abandoned) {
        dropped_shutdown.fetch_add(batch.size());
      } else {
        const std::uint64_t seq = next_seq++;
        unfinished.insert(seq);
        queue.push_back({seq, std::move(batch)});
      }
    }
    cv.notify_all();
    batch = std::vector<Span>();
    batch.reserve(config.max_export_batch_size);
  }

  std::uint64_t dropped_at_submit() const {
    std::uint64_t n = 0;
    for (std::uint32_t i = 0; i < config.max_threads; ++i) n += slots[i].dropped.get();
    return n;
  }

  void report_drops(std::uint64_t& reported) const {
    const std::uint64_t now = dropped_at_submit();
    if (now <= reported) return;
    report_error(ErrorKind::queue_full, std::to_string(now - reported) +
                                            " spans dropped at submit: a submitting thread's queue (" +
                                            std::to_string(config.max_queue_size) +
                                            " spans, OTEL_BSP_MAX_QUEUE_SIZE) was full");
    reported = now;
  }

  void consume_loop() {
    std::vector<Span> batch;
    batch.reserve(config.max_export_batch_size);
    auto next_flush = Clock::now() + config.schedule_delay;
    auto next_drop_report = Clock::now() + 1s;
    std::uint64_t flush_seen = 0, drops_reported = 0;
    auto take = [&](Span& span) {
      taken.add(1);
      if (abandon.load(std::memory_order_relaxed)) {
        dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      batch.push_back(std::move(span));
      if (batch.size() >= config.max_export_batch_size) enqueue(batch);
    };
    constexpr auto min_poll = 1ms, max_poll = 20ms;
    auto poll = min_poll;
    for (;;) {
      // Closed is read before draining: close() follows every publication (shutdown waits
      // for submits to leave), so the drain below then sees every span.
      const bool closed = is_closed(channel);
      const std::size_t n = drain(channel, take);
      if (const std::uint64_t requested = flush_requested.load(std::memory_order_acquire); requested != flush_seen) {
        drain(channel, take);  // everything published before the request
        enqueue(batch);
        {
          std::lock_guard<std::mutex> lock(mutex);
          flush_targets.push_back({requested, next_seq - 1});
          settle_flushes_locked();
        }
        cv.notify_all();
        flush_seen = requested;
        next_flush = Clock::now() + config.schedule_delay;
      }
      const auto now = Clock::now();
      if (now >= next_flush) {
        enqueue(batch);
        next_flush = Clock::now() + config.schedule_delay;
      }
      if (now >= next_drop_report) {
        report_drops(drops_reported);
        next_drop_report = now + 1s;
      }
      if (closed) {
        drain(channel, take);
        enqueue(batch);
        break;
      }
      if (n != 0) {
        poll = min_poll;
        continue;
      }
      std::unique_lock<std::mutex> lock(wake_mutex);
      const auto until = std::min(Clock::now() + poll, next_flush);
      wake_cv.wait_until(lock, until, [&] { return wake; });
      wake = false;
      poll = std::min(poll * 2, max_poll);
    }
    report_drops(drops_reported);
    {
      std::lock_guard<std::mutex> lock(mutex);
      consumer_done = true;
    }
    cv.notify_all();
  }

  // Counts one finished export; returns what to report, if anything.
  std::optional<ErrorEvent> record(std::size_t n, const ExportResult& r, bool cut_short) {
    export_calls.fetch_add(1);
    if (r.ok()) {
      const std::uint64_t refused = std::min<std::uint64_t>(r.rejected, n);
      exported.fetch_add(n - refused);
      rejected.fetch_add(refused);
      if (refused != 0)
        return ErrorEvent{ErrorKind::partial_success, "the receiver rejected " + std::to_string(refused) + " of " +
                                                          std::to_string(n) + " spans: " +
                                                          (r.message.empty() ? "(no error_message)" : r.message)};
      if (!r.message.empty())
        return ErrorEvent{ErrorKind::partial_success, "the receiver accepted all " + std::to_string(n) +
                                                          " spans with a warning: " + r.message};
      return std::nullopt;
    }
    if (cut_short) {  // shutdown reports the total
      dropped_shutdown.fetch_add(n);
      return std::nullopt;
    }
    failed[failure_index(r.error)].fetch_add(n);
    failed_export_calls.fetch_add(1);
    return ErrorEvent{ErrorKind::export_failed, "export of " + std::to_string(n) + " spans failed (" +
                                                    to_string(r.error) + "): " + r.message};
  }

  void export_worker(std::size_t index) {
    for (;;) {
      Batch batch;
      Clock::time_point deadline;
      bool shutdown_bound = false;  // the deadline is shutdown's, not the export timeout
      {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return !queue.empty() || consumer_done || abandoned; });
        if (queue.empty()) {
          workers[index].exited = true;
          cv.notify_all();
          return;
        }
        batch = std::move(queue.front());
        queue.pop_front();
        workers[index].in_flight = batch.spans.size();
        deadline = Clock::now() + config.export_timeout;
        if (shutdown_deadline && *shutdown_deadline <= deadline) {
          deadline = *shutdown_deadline;
          shutdown_bound = true;
        }
      }
      cv.notify_all();  // room in the queue for the consumer
      const ExportResult r = call_exporter(*exporter, batch.spans, ExportContext(deadline, stop.get_token()));
      const bool cut_short = !r.ok() && (stop.stop_requested() || (shutdown_bound && Clock::now() >= deadline));
      std::optional<ErrorEvent> event;
      {
        std::lock_guard<std::mutex> lock(mutex);
        WorkerState& w = workers[index];
        if (!w.written_off) event = record(batch.spans.size(), r, cut_short);
        w.in_flight = 0;
        unfinished.erase(batch.seq);
        settle_flushes_locked();
      }
      cv.notify_all();
      if (event) report_error(event->kind, std::move(event->message));
    }
  }
};

namespace {
// One producer handle per (thread, collector). It keeps the collector's shared state
// alive, so a thread that outlives its collector releases its ring safely; handles of
// collectors that have shut down are released when the thread next registers.
struct ThreadHandle {
  std::shared_ptr<void> keep_alive;  // declared first: destroyed after the producer
  const void* owner;
  const std::atomic<bool>* stopping;
  std::optional<SpanProducer> producer;
};
thread_local std::vector<ThreadHandle> t_handles;

SpanProducer* find_producer(const void* owner) {
  for (auto& h : t_handles)
    if (h.owner == owner) return &*h.producer;
  return nullptr;
}

// Before a registration (rare): drop this thread's handles of collectors shut down since.
void prune_handles() {
  std::erase_if(t_handles, [](const ThreadHandle& h) { return h.stopping->load(std::memory_order_relaxed); });
}
}  // namespace

Collector::Collector(CollectorConfig config, std::shared_ptr<Exporter> exporter) : config_(config) {
  config_.validate();
  if (!exporter) throw std::invalid_argument("Collector: the exporter is null");
  std::size_t concurrency = 1;
  if (config_.max_concurrent_exports > 1) {
    if (exporter->concurrent_export_safe()) {
      concurrency = config_.max_concurrent_exports;
    } else {
      report_error(ErrorKind::config, "max_concurrent_exports=" + std::to_string(config_.max_concurrent_exports) +
                                          " ignored: the exporter does not declare itself safe for concurrent "
                                          "calls (concurrent_export_safe()); exporting one batch at a time");
    }
  }
  shared_ = std::make_shared<Shared>(config_, std::move(exporter), concurrency);
  if (config_.disabled) return;
  try {
    for (std::size_t i = 0; i < concurrency; ++i) workers_.emplace_back([s = shared_, i] { s->export_worker(i); });
    consumer_ = std::thread([s = shared_] { s->consume_loop(); });
  } catch (...) {  // no thread left running on a half-built collector
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->consumer_done = true;
    }
    shared_->cv.notify_all();
    for (auto& w : workers_) w.join();
    throw;
  }
}

Collector::~Collector() { (void)shutdown(); }

const std::string& Collector::last_error() { return t_last_error; }

std::size_t Collector::export_concurrency() const noexcept { return shared_->concurrency; }

SubmitStatus Collector::submit(Span&& span) { return submit_impl(std::move(span), nullptr); }

SubmitStatus Collector::submit_for(Span&& span, std::chrono::milliseconds timeout) {
  return submit_impl(std::move(span), &timeout);
}

SubmitStatus Collector::submit_impl(Span&& span, const std::chrono::milliseconds* timeout) {
  if (config_.disabled) return SubmitStatus::disabled;
  Shared& s = *shared_;
  if (auto why = span.problem()) {
    t_last_error = *why;
    s.refused_invalid.fetch_add(1, std::memory_order_relaxed);
    return SubmitStatus::invalid_span;
  }
  SpanProducer* producer = find_producer(&s);
  if (producer == nullptr) {
    prune_handles();
    Registration reg = s.stopping.load(std::memory_order_acquire) ? Registration{std::nullopt, SubmitStatus::shut_down, {}}
                                                                   : register_thread(s.channel);
    if (!reg.producer) {
      if (reg.refusal == SubmitStatus::shut_down) {
        s.refused_after_shutdown.fetch_add(1, std::memory_order_relaxed);
      } else {
        t_last_error = reg.why;
        s.refused_too_many_threads.fetch_add(1, std::memory_order_relaxed);
      }
      return reg.refusal;
    }
    t_handles.push_back({shared_, &s, &s.stopping, std::move(reg.producer)});
    producer = &*t_handles.back().producer;
  }
  const bool sanitized = span.sanitize_utf8() != 0;
  Shared::ThreadSlot& slot = s.slots[slot_of(*producer)];
  // busy then the flag (both seq_cst), against shutdown's flag then every busy: either
  // this call sees the flag, or shutdown waits until this call has published its span.
  slot.busy.store(true, std::memory_order_seq_cst);
  struct Leave {
    std::atomic<bool>& busy;
    ~Leave() { busy.store(false, std::memory_order_release); }
  } leave{slot.busy};
  if (s.stopping.load(std::memory_order_seq_cst)) {
    s.refused_after_shutdown.fetch_add(1, std::memory_order_relaxed);
    return SubmitStatus::shut_down;
  }
  slot.submitted.add(1);
  if (sanitized) slot.sanitized.add(1);
  const bool ok = timeout == nullptr ? try_push(*producer, span) : s.push_waiting(*producer, span, *timeout);
  if (ok) return SubmitStatus::accepted;
  slot.dropped.add(1);
  return timeout == nullptr ? SubmitStatus::dropped : SubmitStatus::timed_out;
}

namespace {
FlushResult make_result(std::uint64_t failed, std::uint64_t dropped, bool in_time) {
  FlushResult r;
  r.failed = failed;
  r.dropped = dropped;
  r.status = !in_time || dropped != 0 ? FlushStatus::timed_out : failed != 0 ? FlushStatus::failed : FlushStatus::ok;
  return r;
}
}  // namespace

FlushResult Collector::force_flush(std::chrono::milliseconds timeout) {
  if (config_.disabled) return {};
  Shared& s = *shared_;
  if (s.stopping.load(std::memory_order_acquire)) return {FlushStatus::already_shut_down};
  const auto deadline = Clock::now() + timeout;
  const Shared::Totals before = s.totals();
  // Release: the consumer's acquire load of the request orders this thread's earlier
  // submits (and whatever happened before them) before its drain.
  const std::uint64_t token = s.flush_requested.fetch_add(1, std::memory_order_acq_rel) + 1;
  s.wake_consumer();
  bool done;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    done = s.cv.wait_until(lock, deadline, [&] { return s.flush_done >= token; });
  }
  const Shared::Totals after = s.totals();
  FlushResult r = make_result(after.failed - before.failed, after.dropped - before.dropped, done);
  if (!done) r.pending = metrics().pending;
  return r;
}

FlushResult Collector::shutdown(std::chrono::milliseconds timeout) {
  FlushResult result{FlushStatus::already_shut_down};
  std::call_once(shutdown_once_, [&] { result = shutdown_now(Clock::now() + timeout); });
  return result;
}

FlushResult Collector::shutdown_now(Clock::time_point deadline) {
  Shared& s = *shared_;
  if (config_.disabled) return {};
  const Shared::Totals before = s.totals();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.shutdown_deadline = deadline;  // exports starting from now on end by it
  }
  s.stopping.store(true, std::memory_order_seq_cst);
  for (std::uint32_t i = 0; i < config_.max_threads; ++i)
    while (s.slots[i].busy.load(std::memory_order_seq_cst)) std::this_thread::yield();
  close(s.channel);  // the consumer drains every ring, then stops
  s.wake_consumer();

  bool in_time;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    in_time = s.cv.wait_until(lock, deadline, [&] { return s.all_done_locked(); });
    if (!in_time) s.abandon_locked();
  }
  if (!in_time) {  // abort the exports under way; the consumer drops what it still holds
    s.stop.request_stop();
    s.cv.notify_all();
    s.wake_consumer();
  }
  consumer_.join();  // prompt: once abandoned it only drains the bounded rings

  std::size_t stuck = 0;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    s.cv.wait_until(lock, std::max(deadline, Clock::now()) + shutdown_grace, [&] { return s.all_done_locked(); });
    for (auto& w : s.workers) {
      if (w.exited) continue;
      w.written_off = true;
      s.dropped_shutdown.fetch_add(w.in_flight);
      ++stuck;
    }
    s.flush_done = std::max(s.flush_done, s.flush_requested.load());  // release force_flush callers
    s.flush_targets.clear();
  }
  s.cv.notify_all();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    bool written_off;
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      written_off = s.workers[i].written_off;
    }
    if (written_off) {
      workers_[i].detach();  // it holds shared_ and the exporter; nothing it uses goes away
    } else {
      workers_[i].join();
    }
  }

  const Shared::Totals after = s.totals();
  FlushResult r = make_result(after.failed - before.failed, after.dropped - before.dropped, in_time && stuck == 0);
  if (!in_time) {
    std::string text = "the shutdown deadline passed: " + std::to_string(r.dropped) +
                       " spans were not sent (counted in dropped_shutdown)";
    if (stuck != 0)
      text += "; " + std::to_string(stuck) + " export call(s) ignored the stop request and were left running detached";
    report_error(ErrorKind::shutdown, std::move(text));
  }
  return r;
}

CollectorMetrics Collector::metrics() const {
  const Shared& s = *shared_;
  CollectorMetrics m;
  // Outcomes first, then the submit side: an outcome seen here belongs to a span whose
  // submission is visible below, so pending does not go negative (it is clamped anyway).
  m.exported = s.exported.load();
  m.rejected = s.rejected.load();
  m.dropped_shutdown = s.dropped_shutdown.load();
  m.failed_network = s.failed[static_cast<std::size_t>(ExportError::network)].load();
  m.failed_timeout = s.failed[static_cast<std::size_t>(ExportError::timeout)].load();
  m.failed_client_error = s.failed[static_cast<std::size_t>(ExportError::client_error)].load();
  m.failed_server_error = s.failed[static_cast<std::size_t>(ExportError::server_error)].load();
  m.failed_local = s.failed[static_cast<std::size_t>(ExportError::local)].load();
  m.export_calls = s.export_calls.load();
  m.failed_export_calls = s.failed_export_calls.load();
  const std::uint64_t taken = s.taken.get();
  for (std::uint32_t i = 0; i < config_.max_threads; ++i) {
    m.submitted += s.slots[i].submitted.get();
    m.dropped_queue_full += s.slots[i].dropped.get();
    m.sanitized += s.slots[i].sanitized.get();
  }
  m.refused_invalid = s.refused_invalid.load();
  m.refused_after_shutdown = s.refused_after_shutdown.load();
  m.refused_too_many_threads = s.refused_too_many_threads.load();
  const std::uint64_t accepted = m.submitted >= m.dropped_queue_full ? m.submitted - m.dropped_queue_full : 0;
  const std::uint64_t finished = m.exported + m.rejected + m.failed() + m.dropped_shutdown;
  m.pending = accepted > finished ? accepted - finished : 0;
  m.queue_depth = accepted > taken ? accepted - taken : 0;
  return m;
}

}  // namespace span_collector
