// span_collector tests: OTLP JSON field by field, the HTTP exporter against a receiver on
// 127.0.0.1, retry/circuit-breaker/rate-limiter state machines, shutdown accounting, slow
// exporters (drops and blocking submit), and every bad input.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../../../tests/catch.hpp"
#include "span_collector/collector.hpp"

using namespace span_collector;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

Span make_span(std::uint64_t id, std::uint64_t trace = 1) {
  Span s;
  s.trace_id = {0x0123456789abcdefULL, trace};
  s.span_id = id;
  s.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  s.end_time_unix_nano = s.start_time_unix_nano + 1000;
  s.name("op-" + std::to_string(id));
  return s;
}

CollectorConfig fast_config() {
  CollectorConfig c;
  c.schedule_delay = 20ms;
  c.max_export_batch_size = 64;
  c.max_queue_size = 1024;
  c.export_timeout = 5s;
  return c;
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("span_collector_test_" + std::to_string(::getpid()) + "_" + name);
}

struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& v) : name(std::move(n)) { ::setenv(name.c_str(), v.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

/// Counts spans, can fail or sleep on demand.
class ScriptedExporter final : public Exporter {
 public:
  std::atomic<int> calls{0};
  std::atomic<std::uint64_t> spans{0};
  std::atomic<bool> fail{false};
  std::atomic<bool> retryable{false};
  std::chrono::milliseconds delay{0};
  ExportResult export_spans(std::span<const Span> s, Clock::time_point) override {
    ++calls;
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (fail) return ExportResult::failure("scripted failure", retryable);
    spans += s.size();
    return ExportResult::success();
  }
};

/// A minimal HTTP/1.1 receiver on 127.0.0.1 (ephemeral port) that answers requests with
/// scripted status codes and records what it received.
class TestReceiver {
 public:
  struct Request {
    std::string method, path, body;
    std::vector<std::string> headers;  // "name: value", as sent
  };
  explicit TestReceiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestReceiver() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  [[nodiscard]] std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(m_);
    return requests_;
  }

 private:
  void serve() {
    for (std::size_t n = 0; !stop_ && n < 64; ++n) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{5, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string data;
      char buf[4096];
      std::size_t header_end = std::string::npos, content_length = 0;
      for (;;) {
        const ssize_t k = ::recv(c, buf, sizeof buf, 0);
        if (k <= 0) break;
        data.append(buf, static_cast<std::size_t>(k));
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          std::string lower = data.substr(0, header_end);
          for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          const auto cl = lower.find("content-length:");
          if (cl != std::string::npos) content_length = std::stoul(lower.substr(cl + 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
      }
      Request r;
      if (header_end != std::string::npos) {
        std::string head = data.substr(0, header_end);
        std::size_t pos = head.find("\r\n");
        const std::string first = head.substr(0, pos);
        r.method = first.substr(0, first.find(' '));
        r.path = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
        while (pos != std::string::npos && pos + 2 < head.size()) {
          const auto next = head.find("\r\n", pos + 2);
          r.headers.push_back(head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2));
          pos = next;
        }
        r.body = data.substr(header_end + 4);
      }
      int status;
      {
        std::lock_guard<std::mutex> lock(m_);
        status = requests_.size() < statuses_.size() ? statuses_[requests_.size()] : 200;
        requests_.push_back(r);
      }
      const std::string reply = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\n" +
                                (status == 503 ? "Retry-After: 0\r\n" : "") + "Connection: close\r\n\r\n";
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  std::vector<int> statuses_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::vector<Request> requests_;
  std::thread thread_;
};

bool has_header(const TestReceiver::Request& r, const std::string& line) {
  for (const auto& h : r.headers) {
    std::string a = h, b = line;
    for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (a == b) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("spans exported to JSONL parse back field by field (OTLP JSON encoding)", "[otlp][file]") {
  const auto path = temp_path("fields.jsonl");
  std::filesystem::remove(path);
  {
    Collector c(fast_config(), std::make_shared<FileExporter>(path.string(), Resource{.service_name = "svc"}));
    Span s;
    s.trace_id = {0x00000000000000ABULL, 0x00000000000000CDULL};
    s.span_id = 0xEF;
    s.parent_span_id = 0x12;
    s.kind = SpanKind::server;
    s.start_time_unix_nano = 1'700'000'000'000'000'001ULL;
    s.end_time_unix_nano = 1'700'000'000'000'000'999ULL;
    s.name("GET /x")
        .attribute("s", std::string("v"))
        .attribute("b", true)
        .attribute("i", std::int64_t{-9'007'199'254'740'993})
        .attribute("d", 2.5)
        .attribute("arr", std::vector<std::int64_t>{1, 2})
        .event("ev", 1'700'000'000'000'000'500ULL, {{"k", std::string("w")}})
        .set_status(StatusCode::error, "boom");
    REQUIRE(c.submit(std::move(s)) == SubmitStatus::accepted);
    REQUIRE(c.submit(make_span(7)) == SubmitStatus::accepted);  // a root span
    c.shutdown();
    REQUIRE(c.metrics().exported == 2);
  }
  std::ifstream in(path);
  std::vector<json> spans;
  for (std::string line; std::getline(in, line);) {
    const json td = json::parse(line);  // one TracesData per line
    const json& rs = td.at("resourceSpans").at(0);
    REQUIRE(rs.at("resource").at("attributes").at(0) ==
            json{{"key", "service.name"}, {"value", {{"stringValue", "svc"}}}});
    const json& ss = rs.at("scopeSpans").at(0);
    REQUIRE(ss.at("scope").at("name") == "ringmpsc.span_collector");
    REQUIRE(ss.at("scope").at("version").is_string());
    for (const auto& sp : ss.at("spans")) spans.push_back(sp);
  }
  REQUIRE(spans.size() == 2);
  const json* full = nullptr;
  const json* root = nullptr;
  for (const auto& sp : spans) (sp.at("name") == "GET /x" ? full : root) = &sp;
  REQUIRE(full != nullptr);
  REQUIRE(root != nullptr);
  const json& f = *full;
  CHECK(f.at("traceId") == "00000000000000ab00000000000000cd");  // 32 lowercase hex
  CHECK(f.at("spanId") == "00000000000000ef");                   // 16 lowercase hex
  CHECK(f.at("parentSpanId") == "0000000000000012");
  CHECK(f.at("kind") == 2);                                       // enums as integers
  CHECK(f.at("startTimeUnixNano") == "1700000000000000001");      // 64-bit as strings
  CHECK(f.at("endTimeUnixNano") == "1700000000000000999");
  CHECK(f.at("status") == json{{"code", 2}, {"message", "boom"}});
  const json& attrs = f.at("attributes");
  CHECK(attrs.at(0) == json{{"key", "s"}, {"value", {{"stringValue", "v"}}}});
  CHECK(attrs.at(1) == json{{"key", "b"}, {"value", {{"boolValue", true}}}});
  CHECK(attrs.at(2) == json{{"key", "i"}, {"value", {{"intValue", "-9007199254740993"}}}});
  CHECK(attrs.at(3) == json{{"key", "d"}, {"value", {{"doubleValue", 2.5}}}});
  CHECK(attrs.at(4).at("value").at("arrayValue").at("values").at(1) == json{{"intValue", "2"}});
  CHECK(f.at("events").at(0).at("timeUnixNano") == "1700000000000000500");
  CHECK(f.at("events").at(0).at("attributes").at(0).at("key") == "k");
  CHECK_FALSE(root->contains("parentSpanId"));  // root spans carry none
  CHECK(root->at("status").at("code") == 0);
  std::filesystem::remove(path);
}

TEST_CASE("the OTLP/HTTP exporter posts JSON with the configured headers", "[http]") {
  TestReceiver receiver({200});
  ScopedEnv endpoint("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.url());
  ScopedEnv headers("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret%20value, tenant = blue");
  const HttpConfig cfg = HttpConfig::from_env();
  REQUIRE(cfg.endpoint == receiver.url());
  HttpExporter http(cfg, Resource{.service_name = "http-test"});
  std::vector<Span> spans;
  spans.push_back(make_span(42));
  const ExportResult r = http.export_spans(spans, Clock::now() + 10s);
  REQUIRE(r.ok);
  const auto reqs = receiver.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/v1/traces");
  CHECK(has_header(reqs[0], "Content-Type: application/json"));
  CHECK(has_header(reqs[0], "x-api-key: secret value"));
  CHECK(has_header(reqs[0], "tenant: blue"));
  const json body = json::parse(reqs[0].body);
  CHECK(body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).at("spanId") == "000000000000002a");
}

TEST_CASE("OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended; the default is localhost:4318", "[http]") {
  {
    ScopedEnv base("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example:4318/");
    CHECK(HttpConfig::from_env().endpoint == "https://collector.example:4318/v1/traces");
  }
  CHECK(HttpConfig::from_env().endpoint == "http://localhost:4318/v1/traces");
}

TEST_CASE("503 is retried (honouring Retry-After), 400 is not", "[http][retry]") {
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  {
    TestReceiver receiver({503, 503, 200});
    auto retry = std::make_shared<RetryExporter>(
        std::make_shared<HttpExporter>(HttpConfig{.endpoint = receiver.url()}, Resource{}),
        RetryExporter::Policy{.max_attempts = 5, .initial_backoff = 1ms, .max_backoff = 5ms});
    const ExportResult r = retry->export_spans(spans, Clock::now() + 10s);
    CHECK(r.ok);
    CHECK(receiver.requests().size() == 3);
    CHECK(retry->attempts() == 3);
  }
  {
    TestReceiver receiver({400});
    auto retry = std::make_shared<RetryExporter>(
        std::make_shared<HttpExporter>(HttpConfig{.endpoint = receiver.url()}, Resource{}),
        RetryExporter::Policy{.max_attempts = 5, .initial_backoff = 1ms, .max_backoff = 5ms});
    const ExportResult r = retry->export_spans(spans, Clock::now() + 10s);
    CHECK_FALSE(r.ok);
    CHECK(r.http_status == 400);
    CHECK_FALSE(r.retryable);
    CHECK(receiver.requests().size() == 1);
  }
  {  // attempts are bounded
    TestReceiver receiver({503, 503, 503, 503, 503, 503});
    RetryExporter retry(std::make_shared<HttpExporter>(HttpConfig{.endpoint = receiver.url()}, Resource{}),
                        RetryExporter::Policy{.max_attempts = 3, .initial_backoff = 1ms, .max_backoff = 2ms});
    CHECK_FALSE(retry.export_spans(spans, Clock::now() + 10s).ok);
    CHECK(receiver.requests().size() == 3);
  }
}

TEST_CASE("network errors are retryable", "[http][retry]") {
  int port = 0;
  {
    TestReceiver closed({});  // learn a free port, then close it
    port = std::stoi(closed.url().substr(17, 5));
  }
  HttpExporter http(HttpConfig{.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces", .timeout = 2000ms},
                    Resource{});
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  const ExportResult r = http.export_spans(spans, Clock::now() + 5s);
  CHECK_FALSE(r.ok);
  CHECK(r.retryable);
  CHECK(r.error.find("127.0.0.1") != std::string::npos);
}

TEST_CASE("circuit breaker: closed -> open -> half-open -> closed", "[breaker]") {
  auto inner = std::make_shared<ScriptedExporter>();
  Clock::time_point now{};
  CircuitBreaker breaker(inner, CircuitBreaker::Policy{.failure_threshold = 3, .open_timeout = 10s, .success_threshold = 2},
                         [&] { return now; });
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  const auto deadline = Clock::time_point::max();
  inner->fail = true;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(breaker.state() == CircuitBreaker::State::closed);
    CHECK_FALSE(breaker.export_spans(spans, deadline).ok);
  }
  REQUIRE(breaker.state() == CircuitBreaker::State::open);
  CHECK(breaker.export_spans(spans, deadline).error == "circuit breaker is open");
  CHECK(inner->calls == 3);  // fail fast: the inner exporter was not called
  now += 10s;
  REQUIRE(breaker.state() == CircuitBreaker::State::half_open);
  CHECK_FALSE(breaker.export_spans(spans, deadline).ok);  // a failure in half-open reopens
  REQUIRE(breaker.state() == CircuitBreaker::State::open);
  now += 10s;
  inner->fail = false;
  CHECK(breaker.export_spans(spans, deadline).ok);
  REQUIRE(breaker.state() == CircuitBreaker::State::half_open);
  CHECK(breaker.export_spans(spans, deadline).ok);
  REQUIRE(breaker.state() == CircuitBreaker::State::closed);
}

TEST_CASE("rate limiter: a token bucket in spans per second", "[ratelimit]") {
  auto inner = std::make_shared<ScriptedExporter>();
  Clock::time_point now{};
  std::vector<Clock::duration> slept;
  RateLimiter limiter(inner, 100.0, 10.0, [&] { return now; }, [&](Clock::duration d) { slept.push_back(d); now += d; });
  std::vector<Span> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(make_span(static_cast<std::uint64_t>(i + 1)));
  CHECK(limiter.export_spans(ten, Clock::time_point::max()).ok);  // the burst
  CHECK(slept.empty());
  CHECK(limiter.export_spans(ten, Clock::time_point::max()).ok);  // waits 10 / 100 s
  REQUIRE(slept.size() == 1);
  CHECK(std::abs(std::chrono::duration<double>(slept[0]).count() - 0.1) < 1e-6);
  CHECK_FALSE(limiter.export_spans(ten, now + 1ms).ok);  // no tokens before the deadline
  CHECK(inner->spans == 20);
}

TEST_CASE("shutdown with spans in flight loses nothing", "[collector][shutdown]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  CollectorConfig cfg = fast_config();
  cfg.schedule_delay = 10s;  // nothing leaves on a timer: shutdown must flush it all
  cfg.max_queue_size = 1 << 14;
  Collector c(cfg, exporter);
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> accepted{0}, refused{0};
  for (std::uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < 20'000; ++i) {
        const auto r = c.submit(make_span(t * 1'000'000 + i + 1, t + 1));
        if (r == SubmitStatus::accepted) ++accepted;
        if (r == SubmitStatus::shut_down) ++refused;
      }
    });
  }
  std::this_thread::sleep_for(5ms);
  c.shutdown();  // races with the submitting threads
  for (auto& t : threads) t.join();
  const auto m = c.metrics();
  CHECK(m.submitted == m.exported + m.dropped);
  CHECK(m.exported == exporter->spans);
  CHECK(accepted + refused + m.dropped == 80'000);
  CHECK(m.queue_depth == 0);
  CHECK(c.submit(make_span(1)) == SubmitStatus::shut_down);  // an error, not a crash
}

TEST_CASE("force_flush exports what was submitted before it", "[collector]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  CollectorConfig cfg = fast_config();
  cfg.schedule_delay = 60s;
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= 10; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  REQUIRE(c.force_flush(10s));
  CHECK(exporter->spans == 10);
  CHECK(c.metrics().exported == 10);
}

TEST_CASE("a slow exporter makes a small queue drop (counted); submit_for waits for space", "[collector][backpressure]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 20ms;
  CollectorConfig cfg = fast_config();
  cfg.max_queue_size = 16;
  cfg.max_export_batch_size = 8;
  cfg.max_concurrent_exports = 1;
  Collector c(cfg, exporter);
  std::uint64_t dropped = 0;
  for (std::uint64_t i = 1; i <= 2000; ++i) dropped += c.submit(make_span(i)) == SubmitStatus::dropped;
  CHECK(dropped > 0);
  CHECK(c.metrics().dropped >= dropped);
  std::uint64_t blocked_ok = 0;
  for (std::uint64_t i = 1; i <= 100; ++i)
    blocked_ok += c.submit_for(make_span(10'000 + i), 10s) == SubmitStatus::accepted;
  CHECK(blocked_ok == 100);  // backpressure instead of drops
  c.shutdown();
  const auto m = c.metrics();
  CHECK(m.submitted == 2100);
  CHECK(m.submitted == m.exported + m.dropped);
}

TEST_CASE("failed exports count as dropped spans and export failures", "[collector]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->fail = true;
  Collector c(fast_config(), exporter);
  for (std::uint64_t i = 1; i <= 100; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  c.shutdown();
  const auto m = c.metrics();
  CHECK(m.export_failures >= 1);
  CHECK(m.exported == 0);
  CHECK(m.dropped == 100);
}

TEST_CASE("bad input gets a clear error", "[errors]") {
  // Invalid spans.
  auto exporter = std::make_shared<ScriptedExporter>();
  Collector c(fast_config(), exporter);
  Span zero_trace = make_span(1);
  zero_trace.trace_id = {};
  CHECK(c.submit(std::move(zero_trace)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error() == "invalid span: trace id is all zero");
  Span zero_id = make_span(0);
  CHECK(c.submit(std::move(zero_id)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error().find("span id is zero") != std::string::npos);
  Span backwards = make_span(3);
  backwards.end_time_unix_nano = backwards.start_time_unix_nano - 1;
  CHECK(c.submit(std::move(backwards)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error().find("precedes start time") != std::string::npos);
  CHECK(c.metrics().submitted == 0);  // invalid spans are not counted as submitted

  // Endpoint URLs.
  for (const char* bad : {"localhost:4318/v1/traces", "ftp://host/v1/traces", "http:///v1/traces",
                          "http://host:99999/v1/traces", "http://ho st/v1/traces", "http://host:/x"}) {
    INFO(bad);
    try {
      HttpExporter e(HttpConfig{.endpoint = bad}, Resource{});
      FAIL("accepted an invalid URL");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("invalid OTLP endpoint URL") != std::string::npos);
    }
  }
  {
    ScopedEnv env("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url");
    CHECK_THROWS_AS(HttpConfig::from_env(), std::invalid_argument);
  }
  {
    ScopedEnv env("OTEL_EXPORTER_OTLP_HEADERS", "novalue");
    try {
      (void)HttpConfig::from_env();
      FAIL("accepted a header without '='");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("OTEL_EXPORTER_OTLP_HEADERS") != std::string::npos);
    }
  }
  // An unwritable file path.
  try {
    FileExporter f("/nonexistent-dir/for/sure/spans.jsonl", Resource{});
    FAIL("opened an unwritable path");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("/nonexistent-dir/for/sure/spans.jsonl") != std::string::npos);
  }
  // Configuration from the environment.
  {
    ScopedEnv env("OTEL_BSP_MAX_QUEUE_SIZE", "-5");
    try {
      (void)CollectorConfig::from_env();
      FAIL("accepted a negative queue size");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("OTEL_BSP_MAX_QUEUE_SIZE") != std::string::npos);
    }
  }
  {
    ScopedEnv q("OTEL_BSP_MAX_QUEUE_SIZE", "100");
    ScopedEnv b("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200");
    CHECK_THROWS_AS(CollectorConfig::from_env(), std::invalid_argument);
  }
  CHECK_THROWS_AS(Collector(fast_config(), nullptr), std::invalid_argument);
}

TEST_CASE("OTEL_BSP_* variables and the SDK defaults", "[config]") {
  const CollectorConfig d = CollectorConfig::from_env();
  CHECK(d.max_queue_size == 2048);
  CHECK(d.max_export_batch_size == 512);
  CHECK(d.schedule_delay == 5000ms);
  CHECK(d.export_timeout == 30000ms);
  ScopedEnv q("OTEL_BSP_MAX_QUEUE_SIZE", "4096");
  ScopedEnv b("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "128");
  ScopedEnv s("OTEL_BSP_SCHEDULE_DELAY", "250");
  ScopedEnv t("OTEL_BSP_EXPORT_TIMEOUT", "1000");
  const CollectorConfig c = CollectorConfig::from_env();
  CHECK(c.max_queue_size == 4096);
  CHECK(c.max_export_batch_size == 128);
  CHECK(c.schedule_delay == 250ms);
  CHECK(c.export_timeout == 1000ms);
}

TEST_CASE("too many submitting threads get an error, not a crash", "[collector][errors]") {
  CollectorConfig cfg = fast_config();
  cfg.max_threads = 2;
  Collector c(cfg, std::make_shared<ScriptedExporter>());
  std::atomic<bool> release{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> holders;
  for (int t = 0; t < 2; ++t) {
    holders.emplace_back([&, t] {
      (void)c.submit(make_span(static_cast<std::uint64_t>(t + 1)));
      ++ready;
      while (!release) std::this_thread::sleep_for(1ms);
    });
  }
  while (ready < 2) std::this_thread::sleep_for(1ms);
  SubmitStatus third = SubmitStatus::accepted;
  std::thread([&] { third = c.submit(make_span(99)); }).join();
  CHECK(third == SubmitStatus::too_many_threads);
  release = true;
  for (auto& h : holders) h.join();
}
