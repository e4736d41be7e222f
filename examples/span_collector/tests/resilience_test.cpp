// The resilience wrappers' state machines and how they honour the export context.
#include <cmath>
#include <stop_token>

#include "helpers.hpp"

using namespace test;

TEST_CASE("circuit breaker: closed -> open -> half-open -> closed", "[breaker]") {
  auto inner = std::make_shared<ScriptedExporter>();
  Clock::time_point now{};
  CircuitBreaker breaker(inner, CircuitBreaker::Policy{.failure_threshold = 3, .open_timeout = 10s, .success_threshold = 2},
                         [&] { return now; });
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  const auto deadline = Clock::time_point::max();
  inner->fail = ExportError::server_error;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(breaker.state() == CircuitBreaker::State::closed);
    CHECK_FALSE(breaker.export_spans(spans, deadline).ok());
  }
  REQUIRE(breaker.state() == CircuitBreaker::State::open);
  const ExportResult refused = breaker.export_spans(spans, deadline);
  CHECK(refused.message == "circuit breaker is open");
  CHECK(refused.error == ExportError::local);
  CHECK(inner->calls == 3);  // fail fast: the inner exporter was not called
  now += 10s;
  REQUIRE(breaker.state() == CircuitBreaker::State::half_open);
  CHECK_FALSE(breaker.export_spans(spans, deadline).ok());  // a failure in half-open reopens
  REQUIRE(breaker.state() == CircuitBreaker::State::open);
  now += 10s;
  inner->fail = ExportError::none;
  CHECK(breaker.export_spans(spans, deadline).ok());
  REQUIRE(breaker.state() == CircuitBreaker::State::half_open);
  CHECK(breaker.export_spans(spans, deadline).ok());
  REQUIRE(breaker.state() == CircuitBreaker::State::closed);
}

TEST_CASE("rate limiter: a token bucket in spans per second", "[ratelimit]") {
  auto inner = std::make_shared<ScriptedExporter>();
  Clock::time_point now{};
  std::vector<Clock::duration> slept;
  RateLimiter limiter(inner, 100.0, 10.0, [&] { return now; }, [&](Clock::time_point t, const ExportContext&) {
    slept.push_back(t - now);
    now = t;
    return true;
  });
  std::vector<Span> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(make_span(static_cast<std::uint64_t>(i + 1)));
  CHECK(limiter.export_spans(ten, Clock::time_point::max()).ok());  // the burst
  CHECK(slept.empty());
  CHECK(limiter.export_spans(ten, Clock::time_point::max()).ok());  // waits 10 / 100 s
  REQUIRE(slept.size() == 1);
  CHECK(std::abs(std::chrono::duration<double>(slept[0]).count() - 0.1) < 1e-6);
  const ExportResult late = limiter.export_spans(ten, now + 1ms);  // no tokens before the deadline
  CHECK(late.error == ExportError::local);
  CHECK(inner->spans == 20);
}

TEST_CASE("the export context: waits end at the deadline or at once on a stop request", "[context]") {
  std::stop_source stop;
  const ExportContext ctx(Clock::now() + 10s, stop.get_token());
  CHECK_FALSE(ctx.wait_until(Clock::now() + 20s));  // past the deadline: refused at once
  CHECK(ctx.wait_until(Clock::now() + 10ms));
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  const auto t0 = Clock::now();
  CHECK_FALSE(ctx.wait_until(Clock::now() + 9s));
  CHECK(seconds_since(t0) < 2.0);
  stopper.join();
  CHECK(ctx.stop_requested());
}

TEST_CASE("a retry wait ends at once on a stop request", "[retry]") {
  struct Busy final : Exporter {
    std::atomic<int> calls{0};
    ExportResult export_spans(std::span<const Span>, const ExportContext&) override {
      ++calls;
      ExportResult r = ExportResult::failure(ExportError::server_error, "HTTP 503", true);
      r.retry_after = 5s;
      return r;
    }
  };
  auto inner = std::make_shared<Busy>();
  RetryExporter retry(inner, RetryExporter::Policy{.max_attempts = 5});
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  const auto t0 = Clock::now();
  const ExportResult r = retry.export_spans(spans, ExportContext(Clock::now() + 30s, stop.get_token()));
  stopper.join();
  CHECK(seconds_since(t0) < 2.0);
  CHECK(r.error == ExportError::cancelled);
  CHECK(inner->calls == 1);
  CHECK(retry.attempts() == 1);
}

TEST_CASE("the wrappers pass on whether the exporter they wrap is concurrent-safe", "[concurrency]") {
  auto unsafe = std::make_shared<ScriptedExporter>();
  auto safe = std::make_shared<ScriptedExporter>();
  safe->safe = true;
  CHECK_FALSE(RetryExporter(unsafe, {}).concurrent_export_safe());
  CHECK(RetryExporter(safe, {}).concurrent_export_safe());
  CHECK_FALSE(CircuitBreaker(unsafe, {}).concurrent_export_safe());
  CHECK(RateLimiter(safe, 1, 1).concurrent_export_safe());
  CHECK(HttpExporter(HttpConfig{}, Resource{}).concurrent_export_safe());
}
