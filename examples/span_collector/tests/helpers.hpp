// Shared by the span_collector tests: spans, configurations, environment and
// error-handler scopes, a scriptable exporter, and the accounting check.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../../tests/catch.hpp"
#include "span_collector/collector.hpp"

namespace test {

using namespace span_collector;
using namespace std::chrono_literals;

inline Span make_span(std::uint64_t id, std::uint64_t trace = 1) {
  Span s;
  s.trace_id = {0x0123456789abcdefULL, trace};
  s.span_id = id;
  s.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  s.end_time_unix_nano = s.start_time_unix_nano + 1000;
  s.name("op-" + std::to_string(id));
  return s;
}

inline CollectorConfig fast_config() {
  CollectorConfig c;
  c.schedule_delay = 20ms;
  c.max_export_batch_size = 64;
  c.max_queue_size = 1024;
  c.export_timeout = 5s;
  return c;
}

inline std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("span_collector_test_" + std::to_string(::getpid()) + "_" + name);
}

/// Sets (or, with nullopt, unsets) a variable for the scope; restores the old value.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// Captures every diagnostic for the scope (the storage outlives a late report).
class CapturedErrors {
 public:
  CapturedErrors() : store_(std::make_shared<Store>()) {
    previous_ = set_error_handler([store = store_](const ErrorEvent& e) {
      std::lock_guard<std::mutex> lock(store->mutex);
      store->events.push_back(e);
    });
  }
  ~CapturedErrors() { set_error_handler(std::move(previous_)); }
  CapturedErrors(const CapturedErrors&) = delete;
  CapturedErrors& operator=(const CapturedErrors&) = delete;

  [[nodiscard]] std::vector<ErrorEvent> events() const {
    std::lock_guard<std::mutex> lock(store_->mutex);
    return store_->events;
  }
  [[nodiscard]] std::size_t count(ErrorKind kind) const {
    const auto all = events();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const ErrorEvent& e) { return e.kind == kind; }));
  }
  /// True if some message of `kind` contains every fragment.
  [[nodiscard]] bool has(ErrorKind kind, std::initializer_list<std::string_view> fragments) const {
    for (const auto& e : events()) {
      if (e.kind != kind) continue;
      if (std::all_of(fragments.begin(), fragments.end(),
                      [&](std::string_view f) { return e.message.find(f) != std::string::npos; }))
        return true;
    }
    return false;
  }
  [[nodiscard]] std::string text() const {
    std::string out;
    for (const auto& e : events()) out += std::string(to_string(e.kind)) + ": " + e.message + "\n";
    return out;
  }

 private:
  struct Store {
    std::mutex mutex;
    std::vector<ErrorEvent> events;
  };
  std::shared_ptr<Store> store_;
  ErrorHandler previous_;
};

/// Counts spans and concurrent calls; fails, sleeps or blocks on demand.
class ScriptedExporter final : public Exporter {
 public:
  std::atomic<int> calls{0}, in_flight{0}, max_in_flight{0};
  std::atomic<std::uint64_t> spans{0};
  std::atomic<ExportError> fail{ExportError::none};
  std::atomic<bool> retryable{false};
  std::chrono::milliseconds delay{0};
  bool honour_stop = true;      // the delay ends early on a stop request (as it should)
  bool safe = false;            // concurrent_export_safe()
  std::atomic<bool> release{false};  // with honour_stop false and a delay: wait for this instead
  std::atomic<int> returned{0};

  ExportResult export_spans(std::span<const Span> s, const ExportContext& context) override {
    ++calls;
    const int now_in = ++in_flight;
    int seen = max_in_flight.load();
    while (now_in > seen && !max_in_flight.compare_exchange_weak(seen, now_in)) {
    }
    struct Leave {
      ScriptedExporter& e;
      ~Leave() {
        --e.in_flight;
        ++e.returned;
      }
    } leave{*this};
    if (delay.count() > 0) {
      if (honour_stop) {
        if (!context.wait_until(Clock::now() + delay))
          return context.stop_requested() ? ExportResult::failure(ExportError::cancelled, "stopped")
                                          : ExportResult::failure(ExportError::timeout, "deadline");
      } else {
        while (!release.load()) std::this_thread::sleep_for(1ms);  // deaf to stop requests
      }
    }
    if (fail.load() != ExportError::none) return ExportResult::failure(fail.load(), "scripted failure", retryable);
    spans += s.size();
    return ExportResult::success();
  }
  [[nodiscard]] bool concurrent_export_safe() const noexcept override { return safe; }
};

/// After shutdown: every submitted span has exactly one outcome.
inline void check_books(const CollectorMetrics& m) {
  INFO(describe(m));
  CHECK(m.pending == 0);
  CHECK(m.queue_depth == 0);
  CHECK(m.submitted == m.exported + m.dropped() + m.failed() + m.rejected);
  CHECK(m.balanced());
}

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace test
