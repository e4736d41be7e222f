// SPDX-License-Identifier: MIT
#include "span_collector/collector.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace span_collector {

namespace {
using SpanChannel = ringmpsc::Channel<Span, ringmpsc::wait::Blocking>;

std::size_t env_positive(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v, &end, 10);
  if (end == v || *end != '\0' || errno != 0 || n <= 0)
    throw std::invalid_argument(std::string(name) + "='" + v + "' is not a positive integer");
  return static_cast<std::size_t>(n);
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
  }
  return "unknown";
}

CollectorConfig CollectorConfig::from_env() {
  CollectorConfig c;
  c.max_queue_size = env_positive("OTEL_BSP_MAX_QUEUE_SIZE", c.max_queue_size);
  c.max_export_batch_size = env_positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", c.max_export_batch_size);
  c.schedule_delay = std::chrono::milliseconds(env_positive("OTEL_BSP_SCHEDULE_DELAY", static_cast<std::size_t>(c.schedule_delay.count())));
  c.export_timeout = std::chrono::milliseconds(env_positive("OTEL_BSP_EXPORT_TIMEOUT", static_cast<std::size_t>(c.export_timeout.count())));
  c.validate();
  return c;
}

void CollectorConfig::validate() const {
  if (max_queue_size < 2 || max_queue_size > (std::size_t{1} << 24))
    throw std::invalid_argument("CollectorConfig::max_queue_size must be in [2, 2^24]");
  if (max_export_batch_size < 1 || max_export_batch_size > max_queue_size)
    throw std::invalid_argument("CollectorConfig::max_export_batch_size must be in [1, max_queue_size]");
  if (schedule_delay.count() <= 0) throw std::invalid_argument("CollectorConfig::schedule_delay must be positive");
  if (export_timeout.count() <= 0) throw std::invalid_argument("CollectorConfig::export_timeout must be positive");
  if (max_threads < 1 || max_threads > 1000) throw std::invalid_argument("CollectorConfig::max_threads must be in [1, 1000]");
  if (max_concurrent_exports < 1 || max_concurrent_exports > 64)
    throw std::invalid_argument("CollectorConfig::max_concurrent_exports must be in [1, 64]");
}

struct Collector::Shared {
  explicit Shared(const CollectorConfig& c)
      : channel(ringmpsc::Config{
            .ring_bits = static_cast<std::uint32_t>(std::countr_zero(std::bit_ceil(c.max_queue_size))),
            .max_producers = c.max_threads + 1}),
        control(channel.register_producer().value()),
        slots(std::make_unique<ThreadSlot[]>(c.max_threads + 1)) {}

  SpanChannel channel;
  SpanChannel::producer_type control;  // force_flush markers; used under control_mutex
  std::mutex control_mutex;

  // Per producer slot, written only by the thread that holds the slot's ring, so the
  // submit path touches no cache line another submitting thread writes.
  struct alignas(128) ThreadSlot {
    std::atomic<bool> busy{false};  // inside submit(); shutdown waits for it to clear
    ringmpsc::detail::Counter submitted, accepted, dropped;
  };
  std::unique_ptr<ThreadSlot[]> slots;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> taken{0};  // consumer only
  std::atomic<std::uint64_t> exported{0}, export_failures{0}, dropped_in_export{0}, batches{0};

  // The consumer sleeps here between polls; force_flush and shutdown wake it at once.
  // It never parks on the channel itself, so a submit never has to wake anybody: the
  // BatchSpanProcessor exports on a full batch or on its schedule, not on every span.
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool wake = false;
  void wake_consumer() {
    {
      std::lock_guard<std::mutex> lock(wake_mutex);
      wake = true;
    }
    wake_cv.notify_one();
  }

  std::mutex flush_mutex;
  std::condition_variable flush_cv;
  std::uint64_t flush_requested = 0, flush_done = 0;

  std::mutex queue_mutex;
  std::condition_variable queue_cv;  // work for the export workers, or space, or idle
  std::deque<std::vector<Span>> queue;
  std::size_t busy = 0;
  bool queue_closed = false;
};

namespace {
// One producer handle per (thread, collector). It keeps the collector's shared state
// alive, so a thread that outlives its collector releases its ring safely at exit.
struct ThreadHandle {
  std::shared_ptr<void> keep_alive;
  const void* owner;
  std::optional<SpanChannel::producer_type> producer;
};
thread_local std::vector<ThreadHandle> t_handles;
}  // namespace

Collector::Collector(CollectorConfig config, std::shared_ptr<Exporter> exporter)
    : config_(config), exporter_(std::move(exporter)) {
  config_.validate();
  if (!exporter_) throw std::invalid_argument("Collector: exporter is null");
  shared_ = std::make_shared<Shared>(config_);
  for (std::size_t i = 0; i < config_.max_concurrent_exports; ++i) workers_.emplace_back([this] { export_worker(); });
  consumer_ = std::thread([this] { consume_loop(); });
}

Collector::~Collector() { shutdown(); }

const std::string& Collector::last_error() { return t_last_error; }

SubmitStatus Collector::submit(Span&& span) { return submit_impl(std::move(span), nullptr); }

SubmitStatus Collector::submit_for(Span&& span, std::chrono::milliseconds timeout) {
  return submit_impl(std::move(span), &timeout);
}

SubmitStatus Collector::submit_impl(Span&& span, std::chrono::milliseconds* timeout) {
  if (auto why = span.problem()) {
    t_last_error = *why;
    return SubmitStatus::invalid_span;
  }
  Shared& s = *shared_;
  SpanChannel::producer_type* producer = nullptr;
  for (auto& h : t_handles)
    if (h.owner == &s) producer = &*h.producer;
  if (producer == nullptr) {
    if (s.stopping.load(std::memory_order_acquire)) return SubmitStatus::shut_down;
    auto reg = s.channel.register_producer();
    if (!reg) {
      if (reg.error() == ringmpsc::Errc::channel_closed) return SubmitStatus::shut_down;
      t_last_error = ringmpsc::make_error_code(reg.error()).message();
      return SubmitStatus::too_many_threads;
    }
    t_handles.push_back({shared_, &s, std::move(*reg)});
    producer = &*t_handles.back().producer;
  }
  Shared::ThreadSlot& slot = s.slots[producer->id()];
  // busy then the flag (both seq_cst), against shutdown's flag then every busy: either
  // this call sees the flag, or shutdown waits until this call has published its span.
  slot.busy.store(true, std::memory_order_seq_cst);
  struct Leave {
    std::atomic<bool>& busy;
    ~Leave() { busy.store(false, std::memory_order_release); }
  } leave{slot.busy};
  if (s.stopping.load(std::memory_order_seq_cst)) return SubmitStatus::shut_down;

  slot.submitted.add(1);
  const bool ok = timeout == nullptr ? producer->try_push(std::move(span))
                                     : producer->try_push_for(std::move(span), *timeout) == ringmpsc::Status::ok;
  if (ok) {
    slot.accepted.add(1);
    return SubmitStatus::accepted;
  }
  slot.dropped.add(1);
  return timeout == nullptr ? SubmitStatus::dropped : SubmitStatus::timed_out;
}

void Collector::flush_batch(std::vector<Span>& batch) {
  if (batch.empty()) return;
  // Group by trace: spans of one trace travel together.
  std::stable_sort(batch.begin(), batch.end(), [](const Span& a, const Span& b) { return a.trace_id < b.trace_id; });
  Shared& s = *shared_;
  std::unique_lock<std::mutex> lock(s.queue_mutex);
  s.queue_cv.wait(lock, [&] { return s.queue.size() < config_.max_concurrent_exports; });
  s.queue.push_back(std::move(batch));
  s.queue_cv.notify_all();
  batch = std::vector<Span>();
  batch.reserve(config_.max_export_batch_size);
}

void Collector::consume_loop() {
  Shared& s = *shared_;
  std::vector<Span> batch;
  batch.reserve(config_.max_export_batch_size);
  auto next_flush = Clock::now() + config_.schedule_delay;
  std::uint64_t marker = 0;
  auto take = [&](Span& span) {
    if (!span.trace_id.valid()) {  // a force_flush marker from the control producer
      marker = std::max(marker, span.span_id);
      return;
    }
    s.taken.store(s.taken.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    batch.push_back(std::move(span));
    if (batch.size() >= config_.max_export_batch_size) flush_batch(batch);
  };
  constexpr auto min_poll = std::chrono::milliseconds(1), max_poll = std::chrono::milliseconds(20);
  auto poll = min_poll;
  for (;;) {
    // Closed is read before draining: close() follows every publication (shutdown waits
    // for submits to leave), so the drain below then sees every span.
    const bool closed = s.channel.is_closed();
    const std::size_t n = s.channel.try_consume(take);
    if (marker != 0) {
      s.channel.try_consume(take);  // everything published before the marker
      flush_batch(batch);
      {
        std::unique_lock<std::mutex> lock(s.queue_mutex);
        s.queue_cv.wait(lock, [&] { return s.queue.empty() && s.busy == 0; });
      }
      {
        std::lock_guard<std::mutex> lock(s.flush_mutex);
        s.flush_done = std::max(s.flush_done, marker);
      }
      s.flush_cv.notify_all();
      marker = 0;
    }
    if (Clock::now() >= next_flush) {
      flush_batch(batch);
      next_flush = Clock::now() + config_.schedule_delay;
    }
    if (closed) {
      s.channel.try_consume(take);
      flush_batch(batch);
      break;
    }
    if (n != 0) {
      poll = min_poll;
      continue;
    }
    std::unique_lock<std::mutex> lock(s.wake_mutex);
    const auto until = std::min(Clock::now() + poll, next_flush);
    s.wake_cv.wait_until(lock, until, [&] { return s.wake; });
    s.wake = false;
    poll = std::min(poll * 2, max_poll);
  }
  std::lock_guard<std::mutex> lock(s.queue_mutex);
  s.queue_closed = true;
  s.queue_cv.notify_all();
}

void Collector::export_worker() {
  Shared& s = *shared_;
  for (;;) {
    std::vector<Span> batch;
    {
      std::unique_lock<std::mutex> lock(s.queue_mutex);
      s.queue_cv.wait(lock, [&] { return !s.queue.empty() || s.queue_closed; });
      if (s.queue.empty()) return;
      batch = std::move(s.queue.front());
      s.queue.pop_front();
      ++s.busy;
      s.queue_cv.notify_all();  // space for the consumer
    }
    ExportResult r;
    try {
      r = exporter_->export_spans(batch, Clock::now() + config_.export_timeout);
    } catch (const std::exception& e) {
      r = ExportResult::failure(std::string("exporter threw: ") + e.what());
    }
    s.batches.fetch_add(1, std::memory_order_relaxed);
    if (r.ok) {
      s.exported.fetch_add(batch.size(), std::memory_order_relaxed);
    } else {
      s.export_failures.fetch_add(1, std::memory_order_relaxed);
      s.dropped_in_export.fetch_add(batch.size(), std::memory_order_relaxed);
    }
    std::lock_guard<std::mutex> lock(s.queue_mutex);
    --s.busy;
    s.queue_cv.notify_all();
  }
}

bool Collector::force_flush(std::chrono::milliseconds timeout) {
  Shared& s = *shared_;
  if (s.stopping.load()) return false;
  const auto deadline = Clock::now() + timeout;
  std::uint64_t token;
  {
    std::lock_guard<std::mutex> lock(s.flush_mutex);
    token = ++s.flush_requested;
  }
  Span marker;  // zero trace id: never a valid span, so it cannot be confused with one
  marker.span_id = token;
  {
    std::lock_guard<std::mutex> lock(s.control_mutex);
    if (s.control.try_push_until(std::move(marker), deadline) != ringmpsc::Status::ok) return false;
  }
  s.wake_consumer();
  std::unique_lock<std::mutex> lock(s.flush_mutex);
  return s.flush_cv.wait_until(lock, deadline, [&] { return s.flush_done >= token; });
}

void Collector::shutdown() {
  std::call_once(shutdown_once_, [this] {
    Shared& s = *shared_;
    s.stopping.store(true, std::memory_order_seq_cst);
    for (std::uint32_t i = 0; i <= config_.max_threads; ++i)
      while (s.slots[i].busy.load(std::memory_order_seq_cst)) std::this_thread::yield();
    s.channel.close();  // the consumer drains every ring, then stops
    s.wake_consumer();
    consumer_.join();
    for (auto& w : workers_) w.join();
    {  // wake anyone still waiting in force_flush
      std::lock_guard<std::mutex> lock(s.flush_mutex);
      s.flush_done = s.flush_requested;
    }
    s.flush_cv.notify_all();
  });
}

CollectorMetrics Collector::metrics() const {
  const Shared& s = *shared_;
  CollectorMetrics m;
  std::uint64_t accepted = 0;
  for (std::uint32_t i = 0; i <= config_.max_threads; ++i) {
    m.submitted += s.slots[i].submitted.get();
    m.dropped += s.slots[i].dropped.get();
    accepted += s.slots[i].accepted.get();
  }
  m.dropped += s.dropped_in_export.load();
  m.exported = s.exported.load();
  m.export_failures = s.export_failures.load();
  m.batches = s.batches.load();
  const std::uint64_t taken = s.taken.load();
  m.queue_depth = accepted > taken ? accepted - taken : 0;
  return m;
}

}  // namespace span_collector
