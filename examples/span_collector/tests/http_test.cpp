// The OTLP/HTTP exporter and the whole pipeline against a receiver on 127.0.0.1 that the
// tests script: every answer a real receiver gives (2xx, partial_success, 400, 401, 429,
// 503 with Retry-After in seconds and as a date), none at all, slowness, a dropped
// connection, a receiver that dies, a port nobody listens on. Every scenario checks the
// books: submitted == exported + dropped + failed + rejected.
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "otlp_receiver.hpp"

using namespace test;
using otlp_testing::OtlpReceiver;
using otlp_testing::ReceivedRequest;
using otlp_testing::Reply;
using json = nlohmann::json;

namespace {

std::shared_ptr<Exporter> http_to(const std::string& url, int attempts = 3, HttpConfig cfg = {}) {
  cfg.endpoint = url;
  auto http = std::make_shared<HttpExporter>(cfg, Resource{.service_name = "http-test"});
  return std::make_shared<RetryExporter>(http, RetryExporter::Policy{.max_attempts = attempts,
                                                                     .initial_backoff = 1ms,
                                                                     .max_backoff = 5ms});
}

Reply answer(int status, std::vector<std::string> headers = {}, std::string body = {}) {
  Reply r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

/// Submits `n` spans (64 per batch), then shuts down; returns the counters.
CollectorMetrics run(const std::shared_ptr<Exporter>& exporter, std::uint64_t n, CollectorConfig cfg = fast_config(),
                     FlushResult* result = nullptr) {
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= n; ++i) REQUIRE(c.submit(make_span(i, i % 7 + 1)) == SubmitStatus::accepted);
  const FlushResult r = c.shutdown();
  if (result != nullptr) *result = r;
  const CollectorMetrics m = c.metrics();
  check_books(m);
  CHECK(m.submitted == n);
  return m;
}

std::string port_nobody_listens_on() {
  std::string url;
  {
    OtlpReceiver gone;
    url = gone.url();
  }
  return url;
}

}  // namespace

TEST_CASE("the OTLP/HTTP exporter posts valid OTLP JSON with the configured headers", "[http]") {
  OtlpReceiver receiver;
  HttpConfig cfg;
  cfg.endpoint = receiver.url();
  cfg.headers = {{"x-api-key", "secret value"}, {"tenant", "blue"}};
  HttpExporter http(cfg, Resource{.service_name = "http-test"});
  std::vector<Span> spans;
  spans.push_back(make_span(42));
  const ExportResult r = http.export_spans(spans, Clock::now() + 10s);
  REQUIRE(r.ok());
  CHECK(r.http_status == 200);
  const auto reqs = receiver.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].problem.empty());
  CHECK(reqs[0].path == "/v1/traces");
  CHECK(reqs[0].header("content-type") == "application/json");
  CHECK(reqs[0].header("x-api-key") == "secret value");
  CHECK(reqs[0].header("tenant") == "blue");
  CHECK_FALSE(reqs[0].header("content-encoding"));
  CHECK(reqs[0].span_names == std::vector<std::string>{"op-42"});
  CHECK(receiver.spans_accepted() == 1);
}

TEST_CASE("gzip bodies are decoded and validated by the receiver", "[http][gzip]") {
  OtlpReceiver receiver;
  HttpConfig cfg;
  cfg.compression = Compression::gzip;
  const CollectorMetrics m = run(http_to(receiver.url(), 3, cfg), 500);
  CHECK(m.exported == 500);
  CHECK(receiver.spans_accepted() == 500);
  CHECK(receiver.invalid_bodies() == 0);
  const auto reqs = receiver.requests();
  REQUIRE_FALSE(reqs.empty());
  CHECK(reqs.size() > 1);
  CHECK(receiver.connections() == 1);  // the connection was kept alive between exports
  for (const auto& r : reqs) {
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.problem.empty());
    CHECK(r.wire_size < r.body.size());  // gzip shrinks every body, one span's (~430 bytes) too
    // A batch of OTLP JSON compresses well. How many spans a batch holds depends on timing
    // (under TSan a batch may hold one span, whose body gzip only shrinks by ~40 %), so the
    // ratio is checked where the body holds a batch worth the name.
    if (r.body.size() >= 4096) CHECK(r.wire_size < r.body.size() / 2);
  }
}

TEST_CASE("Retry-After: delay-seconds and the three HTTP-date forms", "[http][retry-after]") {
  using std::chrono::system_clock;
  // Sun, 06 Nov 1994 08:49:27 GMT
  const system_clock::time_point now = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min + 27s;
  CHECK(parse_retry_after("120", now) == 120s);
  CHECK(parse_retry_after(" 0 ", now) == 0s);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 10s);
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == 10s);
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == 10s);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:17 GMT", now) == 0s);  // in the past: no wait
  CHECK(parse_retry_after(otlp_testing::http_date(now + 90s), now) == 90s);
  for (const char* bad : {"", "soon", "-5", "1.5", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"}) {
    INFO(bad);
    CHECK_FALSE(parse_retry_after(bad, now));
  }
}

TEST_CASE("503 waits out Retry-After, in seconds and as a date; 429 is retried too", "[http][retry]") {
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  SECTION("seconds") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t i) { return i == 0 ? answer(503, {"Retry-After: 1"}) : Reply{}; });
    const auto t0 = Clock::now();
    const CollectorMetrics m = run(http_to(receiver.url()), 20);
    CHECK(seconds_since(t0) >= 0.95);
    CHECK(m.exported == 20);
    CHECK(receiver.spans_accepted() == 20);
    CHECK(receiver.request_count() == m.export_calls + 1);
  }
  SECTION("HTTP-date") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t i) {
      // Two seconds ahead at whole-second resolution: a wait of more than one second.
      return i == 0 ? answer(503, {"Retry-After: " + otlp_testing::http_date(std::chrono::system_clock::now() + 2s)})
                    : Reply{};
    });
    const auto t0 = Clock::now();
    const CollectorMetrics m = run(http_to(receiver.url()), 20);
    CHECK(seconds_since(t0) >= 0.95);
    CHECK(m.exported == 20);
    CHECK(receiver.spans_accepted() == 20);
    CHECK(receiver.request_count() == m.export_calls + 1);
  }
  SECTION("a Retry-After past the deadline ends the call at once, as a server error") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) { return answer(503, {"Retry-After: 30"}); });
    const auto t0 = Clock::now();
    const ExportResult r = http_to(receiver.url())->export_spans(spans, Clock::now() + 2s);
    CHECK(seconds_since(t0) < 1.0);
    CHECK(r.error == ExportError::server_error);
    CHECK(r.message.find("past the deadline") != std::string::npos);
    CHECK(receiver.request_count() == 1);
  }
  SECTION("429 through the collector") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t i) { return i % 2 == 0 ? answer(429, {"Retry-After: 0"}) : Reply{}; });
    const CollectorMetrics m = run(http_to(receiver.url()), 200);
    CHECK(m.exported == 200);
    CHECK(receiver.spans_accepted() == 200);
    CHECK(receiver.request_count() == 2 * m.export_calls);
  }
}

TEST_CASE("400, 401, 5xx and refused connections are counted by reason and reported", "[http][failures]") {
  CapturedErrors errors;
  SECTION("400: not retried, counted as client errors, the receiver's message logged") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) {
      return answer(400, {}, json{{"code", 3}, {"message", "span too large"}}.dump());
    });
    const CollectorMetrics m = run(http_to(receiver.url()), 200);
    CHECK(m.failed_client_error == 200);
    CHECK(m.exported == 0);
    CHECK(m.failed_export_calls == m.export_calls);
    CHECK(receiver.request_count() == m.export_calls);  // one attempt each
    CHECK(errors.has(ErrorKind::export_failed, {"HTTP 400", "span too large", receiver.url()}));
  }
  SECTION("401") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) { return answer(401); });
    const CollectorMetrics m = run(http_to(receiver.url()), 100);
    CHECK(m.failed_client_error == 100);
    CHECK(errors.has(ErrorKind::export_failed, {"client error", "HTTP 401"}));
  }
  SECTION("503 until the attempts run out") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) { return answer(503, {"Retry-After: 0"}); });
    const CollectorMetrics m = run(http_to(receiver.url(), 2), 100);
    CHECK(m.failed_server_error == 100);
    CHECK(receiver.request_count() == 2 * m.export_calls);
    CHECK(errors.has(ErrorKind::export_failed, {"HTTP 503", "after 2 attempts"}));
  }
  SECTION("500 is not retried") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) { return answer(500); });
    const CollectorMetrics m = run(http_to(receiver.url()), 100);
    CHECK(m.failed_server_error == 100);
    CHECK(receiver.request_count() == m.export_calls);
  }
  SECTION("refused connection") {
    const std::string url = port_nobody_listens_on();
    const CollectorMetrics m = run(http_to(url, 2), 100);
    CHECK(m.failed_network == 100);
    CHECK(m.exported == 0);
    CHECK(errors.has(ErrorKind::export_failed, {"network", url}));
  }
}

TEST_CASE("the receiver dying mid-run: what it accepted is exported, the rest fails as network errors", "[http][dying]") {
  CapturedErrors errors;
  OtlpReceiver receiver;
  Collector c(fast_config(), http_to(receiver.url(), 2));
  for (std::uint64_t i = 1; i <= 150; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  REQUIRE(c.force_flush(5s).ok());
  receiver.stop();
  for (std::uint64_t i = 151; i <= 300; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  const FlushResult flushed = c.force_flush(5s);
  CHECK(flushed.status == FlushStatus::failed);
  CHECK(flushed.failed == 150);
  (void)c.shutdown();
  const CollectorMetrics m = c.metrics();
  check_books(m);
  CHECK(m.exported == 150);
  CHECK(m.exported == receiver.spans_accepted());
  CHECK(m.failed_network == 150);
}

TEST_CASE("a connection closed without an answer is retried", "[http][dying]") {
  OtlpReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    Reply r;
    r.drop = i == 1;  // the receiver crashes in the middle of the second request
    return r;
  });
  const CollectorMetrics m = run(http_to(receiver.url()), 256);
  CHECK(m.exported == 256);
  CHECK(receiver.spans_accepted() == 256);
  CHECK(receiver.request_count() == m.export_calls + 1);
}

TEST_CASE("a slow receiver: exported within the timeout, a timeout failure past it", "[http][slow]") {
  SECTION("slow but in time") {
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) {
      Reply r;
      r.delay = 150ms;
      return r;
    });
    const CollectorMetrics m = run(http_to(receiver.url()), 200);
    CHECK(m.exported == 200);
    CHECK(receiver.spans_accepted() == 200);
  }
  SECTION("slower than the HTTP timeout") {
    CapturedErrors errors;
    OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) {
      Reply r;
      r.delay = 2s;
      return r;
    });
    HttpConfig cfg;
    cfg.timeout = 100ms;
    const CollectorMetrics m = run(http_to(receiver.url(), 1, cfg), 100);
    CHECK(m.failed_timeout == 100);
    CHECK(m.exported == 0);
    CHECK(errors.has(ErrorKind::export_failed, {"timeout"}));
  }
}

TEST_CASE("partial_success: rejected spans counted, error_message logged", "[http][partial]") {
  CapturedErrors errors;
  OtlpReceiver receiver([](const ReceivedRequest& r, std::size_t) {
    // Rejects a fifth of each batch.
    return answer(200, {}, otlp_testing::partial_success_body(r.span_names.size() / 5, "attribute value too long"));
  });
  CollectorConfig cfg = fast_config();
  cfg.max_export_batch_size = 100;
  cfg.schedule_delay = 10s;  // full batches only
  const CollectorMetrics m = run(http_to(receiver.url()), 1000, cfg);
  CHECK(m.rejected == 200);
  CHECK(m.exported == 800);
  CHECK(receiver.spans_accepted() == 800);
  CHECK(errors.has(ErrorKind::partial_success, {"rejected 20 of 100", "attribute value too long"}));

  SECTION("a warning with nothing rejected, and an unreadable count") {
    std::vector<Span> spans;
    spans.push_back(make_span(1));
    OtlpReceiver warn([](const ReceivedRequest&, std::size_t i) {
      return answer(200, {}, i == 0 ? otlp_testing::partial_success_body(0, "deprecated field")
                                    : R"({"partialSuccess":{"rejectedSpans":"-3"}})");
    });
    HttpExporter http(HttpConfig{.endpoint = warn.url()}, Resource{});
    const ExportResult first = http.export_spans(spans, Clock::now() + 5s);
    CHECK(first.ok());
    CHECK(first.rejected == 0);
    CHECK(first.message == "deprecated field");
    const ExportResult second = http.export_spans(spans, Clock::now() + 5s);
    CHECK(second.ok());
    CHECK(second.rejected == 0);
    CHECK(second.message.find("unreadable rejectedSpans") != std::string::npos);
  }
}

TEST_CASE("header injection through OTEL_EXPORTER_OTLP_HEADERS is refused", "[http][headers]") {
  OtlpReceiver receiver;
  CapturedErrors errors;
  ScopedEnv endpoint("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.url());
  ScopedEnv traces_headers("OTEL_EXPORTER_OTLP_TRACES_HEADERS", std::nullopt);
  ScopedEnv headers("OTEL_EXPORTER_OTLP_HEADERS", "a=b%0D%0AX-Injected: 1,good=yes");
  HttpExporter http(HttpConfig::from_env(), Resource{});
  CHECK(errors.has(ErrorKind::config, {"OTEL_EXPORTER_OTLP_HEADERS", "header 'a'", "control character"}));
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  REQUIRE(http.export_spans(spans, Clock::now() + 5s).ok());
  const auto reqs = receiver.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].header("good") == "yes");
  CHECK_FALSE(reqs[0].header("x-injected"));
  CHECK_FALSE(reqs[0].header("a"));

  // Headers set in code get an exception, naming the header.
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"a", "b\r\nX-Injected: 1"}, {"a\nb", "v"}, {"", "v"}, {"Content-Length", "5"}, {"k", std::string("v\0w", 3)}}) {
    INFO(name);
    CHECK_THROWS_AS(HttpExporter(HttpConfig{.endpoint = receiver.url(), .headers = {{name, value}}}, Resource{}),
                    std::invalid_argument);
  }
}

TEST_CASE("invalid UTF-8 and non-finite doubles cost no other span of the batch", "[http][utf8]") {
  OtlpReceiver receiver;
  Collector c(fast_config(), http_to(receiver.url()));
  for (std::uint64_t i = 1; i <= 10; ++i) {
    Span s = make_span(i);
    if (i == 3) s.name("bad \xC3(");
    if (i == 5) s.attribute("ratio", std::numeric_limits<double>::quiet_NaN());
    if (i == 7) s.attribute("limit", std::vector<double>{1.0, -std::numeric_limits<double>::infinity()});
    if (i == 9) s.attribute("user\xFF", std::string("\xE2\x82"));
    REQUIRE(c.submit(std::move(s)) == SubmitStatus::accepted);
  }
  REQUIRE(c.shutdown().ok());
  const CollectorMetrics m = c.metrics();
  check_books(m);
  CHECK(m.exported == 10);
  CHECK(m.sanitized == 2);
  CHECK(receiver.invalid_bodies() == 0);
  CHECK(receiver.spans_accepted() == 10);
  std::vector<std::string> names;
  for (const auto& r : receiver.requests()) names.insert(names.end(), r.span_names.begin(), r.span_names.end());
  CHECK(std::find(names.begin(), names.end(), "bad \xEF\xBF\xBD(") != names.end());
  CHECK(names.size() == 10);
}

TEST_CASE("a receiver that never answers: shutdown returns by its deadline and counts what was not sent",
          "[http][shutdown]") {
  CapturedErrors errors;
  OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  CollectorConfig cfg = fast_config();
  cfg.export_timeout = 30s;  // much longer than the shutdown deadline
  HttpConfig http;
  http.timeout = 30s;
  Collector c(cfg, http_to(receiver.url(), 3, http));
  for (std::uint64_t i = 1; i <= 1000; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  REQUIRE(receiver.wait_for_requests(1, 5s));  // an export is in flight
  const auto t0 = Clock::now();
  const FlushResult r = c.shutdown(1s);
  const double took = seconds_since(t0);
  CHECK(took < 2.0);  // deadline + 1 s
  CHECK(took >= 0.9);
  CHECK(r.status == FlushStatus::timed_out);
  CHECK(r.dropped == 1000);
  const CollectorMetrics m = c.metrics();
  check_books(m);
  CHECK(m.dropped_shutdown == 1000);
  CHECK(m.exported == 0);
  CHECK(errors.has(ErrorKind::shutdown, {"1000 spans were not sent"}));
  CHECK_FALSE(errors.has(ErrorKind::shutdown, {"ignored the stop request"}));  // the request was aborted at once
}

TEST_CASE("the destructor of a collector stuck on a silent receiver returns by the export timeout", "[http][shutdown]") {
  CapturedErrors errors;
  OtlpReceiver receiver([](const ReceivedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  CollectorConfig cfg = fast_config();
  cfg.export_timeout = 800ms;
  HttpConfig http;
  http.timeout = 30s;
  Clock::time_point t0;
  {
    Collector c(cfg, http_to(receiver.url(), 3, http));
    for (std::uint64_t i = 1; i <= 300; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
    REQUIRE(receiver.wait_for_requests(1, 5s));
    t0 = Clock::now();
  }
  CHECK(seconds_since(t0) < 1.8);
}
