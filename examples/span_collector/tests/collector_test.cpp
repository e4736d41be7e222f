// The collector: accounting under races, force_flush, shutdown's deadline (with exporters
// that honour the stop request and one that ignores it), drops, failures by reason, one
// export at a time, the error handler, and every refusal.
#include <fstream>
#include <iterator>

#include "helpers.hpp"

using namespace test;

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
  const FlushResult r = c.shutdown();  // races with the submitting threads
  for (auto& t : threads) t.join();
  CHECK(r.status == FlushStatus::ok);
  const auto m = c.metrics();
  check_books(m);
  CHECK(m.exported == exporter->spans);
  CHECK(m.submitted + m.refused_after_shutdown == 80'000);
  CHECK(m.refused_after_shutdown == refused);
  CHECK(m.submitted - m.dropped_queue_full == accepted);
  CHECK(c.submit(make_span(1)) == SubmitStatus::shut_down);  // an error, not a crash
  CHECK(c.metrics().refused_after_shutdown == refused + 1);
  CHECK(c.shutdown().status == FlushStatus::already_shut_down);
  CHECK(c.force_flush(1s).status == FlushStatus::already_shut_down);
}

TEST_CASE("force_flush exports what was submitted before it", "[collector][flush]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  CollectorConfig cfg = fast_config();
  cfg.schedule_delay = 60s;
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= 10; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  const FlushResult r = c.force_flush(10s);
  CHECK(r.status == FlushStatus::ok);
  CHECK(exporter->spans == 10);
  CHECK(c.metrics().exported == 10);
  CHECK(c.metrics().pending == 0);

  exporter->fail = ExportError::server_error;
  for (std::uint64_t i = 11; i <= 15; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  const FlushResult failed = c.force_flush(10s);
  CHECK(failed.status == FlushStatus::failed);
  CHECK(failed.failed == 5);
}

TEST_CASE("force_flush that times out reports what is pending and cancels nothing", "[collector][flush]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 600ms;
  CollectorConfig cfg = fast_config();
  cfg.schedule_delay = 60s;
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= 10; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  const auto t0 = Clock::now();
  const FlushResult r = c.force_flush(100ms);
  CHECK(seconds_since(t0) < 0.5);
  CHECK(r.status == FlushStatus::timed_out);
  CHECK(r.pending == 10);
  CHECK(r.dropped == 0);
  CHECK(c.force_flush(5s).ok());  // the export carried on
  CHECK(c.metrics().exported == 10);
}

TEST_CASE("shutdown's deadline aborts a stuck export and counts every unsent span", "[collector][shutdown]") {
  CapturedErrors errors;
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 60s;  // honours the stop request
  CollectorConfig cfg = fast_config();
  cfg.export_timeout = 120s;
  cfg.max_queue_size = 512;
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= 500; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  while (exporter->calls == 0) std::this_thread::sleep_for(1ms);
  const auto t0 = Clock::now();
  const FlushResult r = c.shutdown(300ms);
  CHECK(seconds_since(t0) < 1.3);
  CHECK(r.status == FlushStatus::timed_out);
  CHECK(r.dropped == 500);
  const auto m = c.metrics();
  check_books(m);
  CHECK(m.dropped_shutdown == 500);
  CHECK(m.failed() == 0);
  CHECK(exporter->in_flight == 0);  // the export returned: nothing left running
  CHECK(errors.has(ErrorKind::shutdown, {"500 spans were not sent"}));
}

TEST_CASE("an exporter that ignores the stop request is left behind, not waited for", "[collector][shutdown]") {
  CapturedErrors errors;
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 1ms;
  exporter->honour_stop = false;  // blocks until `release`
  CollectorConfig cfg = fast_config();
  cfg.export_timeout = 60s;
  {
    Collector c(cfg, exporter);
    for (std::uint64_t i = 1; i <= 100; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
    while (exporter->calls == 0) std::this_thread::sleep_for(1ms);
    const auto t0 = Clock::now();
    const FlushResult r = c.shutdown(200ms);
    CHECK(seconds_since(t0) < 0.2 + 1.0);
    CHECK(r.status == FlushStatus::timed_out);
    CHECK(r.dropped == 100);
    check_books(c.metrics());
    CHECK(errors.has(ErrorKind::shutdown, {"ignored the stop request"}));
    exporter->release = true;  // the detached call now returns...
    while (exporter->returned == 0) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    const auto m = c.metrics();  // ...and is not counted twice
    check_books(m);
    CHECK(m.exported == 0);
    CHECK(m.dropped_shutdown == 100);
  }
}

TEST_CASE("a slow exporter makes a small queue drop (counted); submit_for waits for space", "[collector][backpressure]") {
  CapturedErrors errors;
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 20ms;
  CollectorConfig cfg = fast_config();
  cfg.max_queue_size = 16;
  cfg.max_export_batch_size = 8;
  Collector c(cfg, exporter);
  std::uint64_t dropped = 0;
  for (std::uint64_t i = 1; i <= 2000; ++i) dropped += c.submit(make_span(i)) == SubmitStatus::dropped;
  CHECK(dropped > 0);
  CHECK(c.metrics().dropped_queue_full == dropped);
  std::uint64_t waited_ok = 0;
  for (std::uint64_t i = 1; i <= 100; ++i) waited_ok += c.submit_for(make_span(10'000 + i), 10s) == SubmitStatus::accepted;
  CHECK(waited_ok == 100);  // backpressure instead of drops
  REQUIRE(c.shutdown().ok());
  const auto m = c.metrics();
  check_books(m);
  CHECK(m.submitted == 2100);
  CHECK(m.dropped_queue_full == dropped);
  CHECK(m.exported == exporter->spans);
  CHECK(errors.has(ErrorKind::queue_full, {"spans dropped at submit", "OTEL_BSP_MAX_QUEUE_SIZE"}));
}

TEST_CASE("submit_for gives up at its timeout and counts the span as dropped", "[collector][backpressure]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  exporter->delay = 3s;  // the one export worker is busy; the consumer then stops taking
  CollectorConfig cfg = fast_config();
  cfg.max_queue_size = 2;
  cfg.max_export_batch_size = 1;
  Collector c(cfg, exporter);
  // Fill until the pipeline is stuck: a worker busy, a batch waiting, the consumer held
  // back with one more, and the ring full; a round that still gets a span in goes again.
  std::uint64_t i = 0, drops = 0;
  for (bool got_in = true; got_in;) {
    REQUIRE(drops < 20);  // well before the export's 3 s are up
    got_in = false;
    for (;;) {
      if (c.submit(make_span(++i)) != SubmitStatus::accepted) break;
      got_in = true;
    }
    ++drops;
    std::this_thread::sleep_for(100ms);
  }
  const auto t0 = Clock::now();
  CHECK(c.submit_for(make_span(++i), 50ms) == SubmitStatus::timed_out);
  CHECK(seconds_since(t0) >= 0.045);
  CHECK(c.metrics().dropped_queue_full == drops + 1);
  (void)c.shutdown(100ms);
  check_books(c.metrics());
}

TEST_CASE("failed exports are counted by reason", "[collector][failures]") {
  const std::vector<std::pair<ExportError, std::uint64_t CollectorMetrics::*>> reasons = {
      {ExportError::network, &CollectorMetrics::failed_network},
      {ExportError::timeout, &CollectorMetrics::failed_timeout},
      {ExportError::client_error, &CollectorMetrics::failed_client_error},
      {ExportError::server_error, &CollectorMetrics::failed_server_error},
      {ExportError::local, &CollectorMetrics::failed_local},
      {ExportError::cancelled, &CollectorMetrics::failed_local},  // cancelled without a stop request
  };
  for (const auto& [reason, counter] : reasons) {
    INFO(to_string(reason));
    CapturedErrors errors;
    auto exporter = std::make_shared<ScriptedExporter>();
    exporter->fail = reason;
    CollectorConfig cfg = fast_config();
    cfg.schedule_delay = 10s;  // every export happens during shutdown, so its result counts them all
    cfg.max_export_batch_size = 128;
    Collector c(cfg, exporter);
    for (std::uint64_t i = 1; i <= 100; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
    const FlushResult r = c.shutdown();
    CHECK(r.status == FlushStatus::failed);
    CHECK(r.failed == 100);
    const auto m = c.metrics();
    check_books(m);
    CHECK(m.*counter == 100);
    CHECK(m.failed() == 100);
    CHECK(m.failed_export_calls == m.export_calls);
    CHECK(errors.has(ErrorKind::export_failed, {"scripted failure"}));
  }
}

TEST_CASE("an exporter that throws fails its batch, nothing else", "[collector][failures]") {
  CapturedErrors errors;
  struct Throwing final : Exporter {
    std::atomic<int> calls{0};
    ExportResult export_spans(std::span<const Span>, const ExportContext&) override {
      if (calls++ == 0) throw std::runtime_error("disk on fire");
      return ExportResult::success();
    }
  };
  auto exporter = std::make_shared<Throwing>();
  CollectorConfig cfg = fast_config();
  cfg.schedule_delay = 10s;
  Collector c(cfg, exporter);
  for (std::uint64_t i = 1; i <= 128; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
  (void)c.shutdown();
  const auto m = c.metrics();
  check_books(m);
  CHECK(m.failed_local == 64);
  CHECK(m.exported == 64);
  CHECK(errors.has(ErrorKind::export_failed, {"the exporter threw: disk on fire"}));
}

TEST_CASE("one export at a time unless the exporter declares itself safe", "[collector][concurrency]") {
  for (const bool safe : {false, true}) {
    INFO("safe " << safe);
    CapturedErrors errors;
    auto exporter = std::make_shared<ScriptedExporter>();
    exporter->safe = safe;
    exporter->delay = 50ms;
    CollectorConfig cfg = fast_config();
    cfg.max_export_batch_size = 10;
    cfg.max_concurrent_exports = 4;
    Collector c(cfg, exporter);
    CHECK(c.export_concurrency() == (safe ? 4U : 1U));
    CHECK(errors.has(ErrorKind::config, {"max_concurrent_exports=4 ignored"}) == !safe);
    for (std::uint64_t i = 1; i <= 80; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
    REQUIRE(c.shutdown().ok());
    check_books(c.metrics());
    CHECK(c.metrics().exported == 80);
    if (safe) {
      CHECK(exporter->max_in_flight > 1);
    } else {
      CHECK(exporter->max_in_flight == 1);
    }
  }
  CHECK(CollectorConfig{}.max_concurrent_exports == 1);
}

TEST_CASE("OTEL_SDK_DISABLED: submit does nothing and nothing runs", "[collector][disabled]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  CollectorConfig cfg = fast_config();
  cfg.disabled = true;
  Collector c(cfg, exporter);
  CHECK(c.submit(make_span(1)) == SubmitStatus::disabled);
  CHECK(c.force_flush(1s).ok());
  CHECK(c.shutdown().ok());
  CHECK(exporter->calls == 0);
  CHECK(c.metrics().submitted == 0);
}

TEST_CASE("bad input gets a clear error, counted", "[collector][errors]") {
  auto exporter = std::make_shared<ScriptedExporter>();
  Collector c(fast_config(), exporter);
  Span zero_trace = make_span(1);
  zero_trace.trace_id = {};
  CHECK(c.submit(std::move(zero_trace)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error() == "invalid span: trace id is all zero");
  CHECK(c.submit(make_span(0)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error().find("span id is zero") != std::string::npos);
  Span backwards = make_span(3);
  backwards.end_time_unix_nano = backwards.start_time_unix_nano - 1;
  CHECK(c.submit(std::move(backwards)) == SubmitStatus::invalid_span);
  CHECK(Collector::last_error().find("precedes start time") != std::string::npos);
  Span moved = make_span(4);
  Span taken = std::move(moved);
  CHECK(c.submit(std::move(moved)) == SubmitStatus::invalid_span);  // moved from on purpose
  CHECK(c.metrics().submitted == 0);  // invalid spans are refused, not submitted
  CHECK(c.metrics().refused_invalid == 4);

  CHECK_THROWS_AS(Collector(fast_config(), nullptr), std::invalid_argument);
  for (auto edit : std::vector<void (*)(CollectorConfig&)>{
           [](CollectorConfig& k) { k.max_queue_size = 0; },
           [](CollectorConfig& k) { k.max_export_batch_size = k.max_queue_size + 1; },
           [](CollectorConfig& k) { k.schedule_delay = 0ms; }, [](CollectorConfig& k) { k.export_timeout = -1ms; },
           [](CollectorConfig& k) { k.max_threads = 0; }, [](CollectorConfig& k) { k.max_concurrent_exports = 0; }}) {
    CollectorConfig bad = fast_config();
    edit(bad);
    try {
      Collector rejected(bad, exporter);
      FAIL("accepted an invalid configuration");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("CollectorConfig::") != std::string::npos);
    }
  }
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
  try {
    FileExporter f("/nonexistent-dir/for/sure/spans.jsonl", Resource{});
    FAIL("opened an unwritable path");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("/nonexistent-dir/for/sure/spans.jsonl") != std::string::npos);
  }
}

TEST_CASE("a full disk fails exports as local errors, and a later batch can still succeed", "[collector][file]") {
  if (!std::filesystem::exists("/dev/full")) return;  // Linux only
  CapturedErrors errors;
  auto file = std::make_shared<FileExporter>("/dev/full", Resource{});
  const CollectorMetrics m = [&] {
    Collector c(fast_config(), file);
    for (std::uint64_t i = 1; i <= 100; ++i) REQUIRE(c.submit(make_span(i)) == SubmitStatus::accepted);
    (void)c.shutdown();
    return c.metrics();
  }();
  check_books(m);
  CHECK(m.failed_local == 100);
  CHECK(errors.has(ErrorKind::export_failed, {"/dev/full", "No space left on device"}));
}

TEST_CASE("FileExporter truncates or appends as asked", "[collector][file]") {
  const auto path = temp_path("mode.jsonl");
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  const auto lines = [&] {
    std::ifstream in(path);
    return static_cast<int>(std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
  };
  for (int run = 0; run < 2; ++run) REQUIRE(FileExporter(path.string(), Resource{}, FileMode::truncate).export_spans(spans, Clock::now() + 1s).ok());
  CHECK(lines() == 1);
  REQUIRE(FileExporter(path.string(), Resource{}).export_spans(spans, Clock::now() + 1s).ok());
  CHECK(lines() == 2);
  std::filesystem::remove(path);
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
  std::string why;
  std::thread([&] {
    third = c.submit(make_span(99));
    why = Collector::last_error();
  }).join();
  CHECK(third == SubmitStatus::too_many_threads);
  CHECK_FALSE(why.empty());
  CHECK(c.metrics().refused_too_many_threads == 1);
  release = true;
  for (auto& h : holders) h.join();
}

TEST_CASE("the error handler: settable, restorable, a throwing handler is harmless", "[errors][handler]") {
  std::vector<ErrorEvent> seen;
  ErrorHandler before = set_error_handler([&](const ErrorEvent& e) { seen.push_back(e); });
  report_error(ErrorKind::config, "one");
  ErrorHandler mine = set_error_handler([](const ErrorEvent&) { throw std::runtime_error("handler broke"); });
  REQUIRE(mine);
  REQUIRE_NOTHROW(report_error(ErrorKind::config, "lost"));
  set_error_handler(std::move(mine));
  report_error(ErrorKind::export_failed, "two");
  set_error_handler(std::move(before));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].kind == ErrorKind::config);
  CHECK(seen[0].message == "one");
  CHECK(seen[1].kind == ErrorKind::export_failed);
}

TEST_CASE("the default handler's throttle: a burst, then one per interval, per kind", "[errors][handler]") {
  Clock::time_point now{};
  LogThrottle throttle(LogThrottle::Policy{.burst = 3, .interval = 10s}, [&] { return now; });
  const ErrorEvent failure{ErrorKind::export_failed, "endpoint down"};
  for (int i = 0; i < 3; ++i) CHECK(throttle.admit(failure) == "endpoint down");
  for (int i = 0; i < 50; ++i) CHECK(throttle.admit(failure).empty());  // a dead endpoint cannot flood the log
  CHECK(throttle.admit({ErrorKind::config, "bad variable"}) == "bad variable");  // another kind is not held back
  now += 5s;
  CHECK(throttle.admit(failure).empty());
  now += 5s;
  CHECK(throttle.admit(failure) == "endpoint down (51 similar messages suppressed)");
  CHECK(throttle.admit(failure).empty());
  now += 30s;
  CHECK(throttle.admit(failure) == "endpoint down (1 similar message suppressed)");
}
