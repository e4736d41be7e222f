// SPDX-License-Identifier: MIT
#include "span_collector/diagnostics.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

namespace span_collector {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::config: return "config";
    case ErrorKind::export_failed: return "export failed";
    case ErrorKind::partial_success: return "partial success";
    case ErrorKind::queue_full: return "queue full";
    case ErrorKind::shutdown: return "shutdown";
  }
  return "unknown";
}

LogThrottle::LogThrottle(Policy policy, std::function<Clock::time_point()> now)
    : policy_(policy), now_(std::move(now)) {}

std::string LogThrottle::admit(const ErrorEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  Bucket& b = buckets_[static_cast<std::size_t>(event.kind) % error_kind_count];
  const auto t = now_();
  const double burst = static_cast<double>(std::max(1, policy_.burst));
  if (!b.started) {
    b = Bucket{burst, t, 0, true};
  } else {
    const double per_token = std::chrono::duration<double>(policy_.interval).count();
    const double earned = per_token > 0 ? std::chrono::duration<double>(t - b.last).count() / per_token : burst;
    b.tokens = std::min(burst, b.tokens + earned);
    b.last = t;
  }
  if (b.tokens < 1) {
    ++b.suppressed;
    return {};
  }
  b.tokens -= 1;
  std::string text = event.message;
  if (b.suppressed != 0) {
    text += " (" + std::to_string(b.suppressed) + " similar message" + (b.suppressed == 1 ? "" : "s") +
            " suppressed)";
    b.suppressed = 0;
  }
  return text;
}

namespace {

void default_handler(const ErrorEvent& event) {
  static LogThrottle throttle(LogThrottle::Policy{});
  const std::string text = throttle.admit(event);
  if (!text.empty()) std::fprintf(stderr, "span_collector: %s: %s\n", to_string(event.kind), text.c_str());
}

struct Registry {
  std::mutex mutex;
  std::shared_ptr<const ErrorHandler> handler;  // null: the default
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

ErrorHandler set_error_handler(ErrorHandler handler) {
  auto next = handler ? std::make_shared<const ErrorHandler>(std::move(handler)) : nullptr;
  Registry& r = registry();
  std::shared_ptr<const ErrorHandler> previous;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    previous = std::exchange(r.handler, std::move(next));
  }
  return previous ? *previous : ErrorHandler{};
}

void report_error(ErrorKind kind, std::string message) noexcept {
  try {
    Registry& r = registry();
    std::shared_ptr<const ErrorHandler> h;
    {
      std::lock_guard<std::mutex> lock(r.mutex);
      h = r.handler;
    }
    const ErrorEvent event{kind, std::move(message)};
    if (h) {
      (*h)(event);
    } else {
      default_handler(event);
    }
  } catch (...) {  // a handler that throws loses this message, never the caller's work
  }
}

}  // namespace span_collector
