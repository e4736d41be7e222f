// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <random>
#include <stdexcept>

#include "span_collector/exporter.hpp"

namespace span_collector {

const char* to_string(ExportError e) noexcept {
  switch (e) {
    case ExportError::none: return "none";
    case ExportError::network: return "network";
    case ExportError::timeout: return "timeout";
    case ExportError::client_error: return "client error";
    case ExportError::server_error: return "server error";
    case ExportError::local: return "local";
    case ExportError::cancelled: return "cancelled";
  }
  return "unknown";
}

bool ExportContext::wait_until(Clock::time_point t) const {
  if (t > deadline_) return false;
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  // Wakes at `t`, or at once when a stop is requested (the stop token's callback).
  cv.wait_until(lock, stop_, t, [] { return false; });
  return !stop_.stop_requested();
}

// ------------------------------------------------------------------------ retry ---

RetryExporter::RetryExporter(std::shared_ptr<Exporter> inner, Policy policy)
    : inner_(std::move(inner)), policy_(policy) {
  if (!inner_) throw std::invalid_argument("RetryExporter: the inner exporter is null");
  if (policy_.max_attempts < 1) throw std::invalid_argument("RetryExporter: max_attempts must be at least 1");
}

ExportResult RetryExporter::export_spans(std::span<const Span> spans, const ExportContext& context) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  ExportResult r;
  for (int attempt = 1;; ++attempt) {
    attempts_.fetch_add(1, std::memory_order_relaxed);
    r = inner_->export_spans(spans, context);
    if (r.ok() || !r.retryable || attempt >= policy_.max_attempts) {
      if (!r.ok() && attempt > 1) r.message += " (after " + std::to_string(attempt) + " attempts)";
      return r;
    }
    const double cap = std::min<double>(static_cast<double>(policy_.max_backoff.count()),
                                        static_cast<double>(policy_.initial_backoff.count()) *
                                            std::pow(policy_.multiplier, attempt - 1));
    std::uniform_real_distribution<double> jitter(0.0, cap);  // full jitter
    auto wait = std::chrono::milliseconds(static_cast<long>(jitter(rng)));
    if (r.retry_after > wait) wait = r.retry_after;  // the server knows best
    const auto until = Clock::now() + wait;
    if (until > context.deadline()) {
      r.message += " (after " + std::to_string(attempt) + " attempt" + (attempt == 1 ? "" : "s") +
                   "; the next one would start past the deadline)";
      return r;
    }
    if (!context.wait_until(until))
      return ExportResult::failure(ExportError::cancelled, "stopped while waiting to retry: " + r.message);
  }
}

// -------------------------------------------------------------- circuit breaker ---

CircuitBreaker::CircuitBreaker(std::shared_ptr<Exporter> inner, Policy policy,
                               std::function<Clock::time_point()> now)
    : inner_(std::move(inner)), policy_(policy), now_(std::move(now)) {
  if (!inner_) throw std::invalid_argument("CircuitBreaker: the inner exporter is null");
}

CircuitBreaker::State CircuitBreaker::state() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == State::open && now_() - opened_at_ >= policy_.open_timeout) {
    state_ = State::half_open;
    successes_ = 0;
  }
  return state_;
}

ExportResult CircuitBreaker::export_spans(std::span<const Span> spans, const ExportContext& context) {
  if (state() == State::open) return ExportResult::failure(ExportError::local, "circuit breaker is open");
  ExportResult r = inner_->export_spans(spans, context);
  if (r.error == ExportError::cancelled) return r;  // says nothing about the receiver
  std::lock_guard<std::mutex> lock(mutex_);
  if (r.ok()) {
    failures_ = 0;
    if (state_ == State::half_open && ++successes_ >= policy_.success_threshold) state_ = State::closed;
  } else if (state_ == State::half_open || ++failures_ >= policy_.failure_threshold) {
    state_ = State::open;
    opened_at_ = now_();
    failures_ = 0;
  }
  return r;
}

// ----------------------------------------------------------------- rate limiter ---

RateLimiter::RateLimiter(std::shared_ptr<Exporter> inner, double spans_per_second, double burst,
                         std::function<Clock::time_point()> now, SleepUntil sleep_until)
    : inner_(std::move(inner)), rate_(spans_per_second), burst_(burst), tokens_(burst),
      now_(std::move(now)), sleep_until_(std::move(sleep_until)), last_(now_()) {
  if (!inner_) throw std::invalid_argument("RateLimiter: the inner exporter is null");
  if (!(rate_ > 0) || !(burst_ >= 1)) throw std::invalid_argument("RateLimiter: rate must be > 0 and burst >= 1");
}

ExportResult RateLimiter::export_spans(std::span<const Span> spans, const ExportContext& context) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    const double need = std::min<double>(static_cast<double>(spans.size()), burst_);
    for (;;) {
      const auto t = now_();
      tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(t - last_).count());
      last_ = t;
      if (tokens_ >= need) break;
      const auto wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((need - tokens_) / rate_));
      if (t + wait > context.deadline())
        return ExportResult::failure(ExportError::local, "rate limited: no tokens before the deadline");
      lock.unlock();
      const bool slept = sleep_until_(t + wait, context);
      lock.lock();
      if (!slept) return ExportResult::failure(ExportError::cancelled, "stopped while rate limited");
    }
    tokens_ -= static_cast<double>(spans.size());  // a batch larger than the burst borrows
  }
  return inner_->export_spans(spans, context);
}

}  // namespace span_collector
