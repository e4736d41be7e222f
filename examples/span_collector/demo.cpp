// demo: 8 instrumented threads produce a few hundred spans with parent/child structure;
// the collector exports them to a JSON-lines file (OpenTelemetry file-exporter format)
// and to stdout, then prints its metrics.
// Usage: demo [output.jsonl]
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "span_collector/collector.hpp"

using namespace span_collector;

namespace {
class FanOut final : public Exporter {  // the same batch to several exporters
 public:
  explicit FanOut(std::vector<std::shared_ptr<Exporter>> to) : to_(std::move(to)) {}
  ExportResult export_spans(std::span<const Span> spans, Clock::time_point deadline) override {
    ExportResult last = ExportResult::success();
    for (auto& e : to_)
      if (auto r = e->export_spans(spans, deadline); !r.ok) last = r;
    return last;
  }

 private:
  std::vector<std::shared_ptr<Exporter>> to_;
};
}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "spans.jsonl";
  const Resource resource{.service_name = "span-collector-demo"};
  std::shared_ptr<Exporter> file;
  try {
    file = std::make_shared<FileExporter>(path, resource);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "demo: %s\n", e.what());
    return 1;
  }
  CollectorConfig config;
  config.schedule_delay = std::chrono::milliseconds(200);
  config.max_export_batch_size = 64;
  Collector collector(config, std::make_shared<FanOut>(std::vector<std::shared_ptr<Exporter>>{
                                  file, std::make_shared<StdoutExporter>(resource)}));

  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < 8; ++t) {
    threads.emplace_back([&collector, t] {
      std::mt19937_64 rng(t + 1);
      for (int request = 0; request < 8; ++request) {
        const TraceId trace{rng() | 1, rng()};
        const std::uint64_t root_id = rng() | 1, start = now_unix_nano();
        // Children first (they finish first), then the root that covers them.
        for (int child = 0; child < 4; ++child) {
          Span s;
          s.trace_id = trace;
          s.span_id = rng() | 1;
          s.parent_span_id = root_id;
          s.kind = child % 2 ? SpanKind::client : SpanKind::internal;
          s.start_time_unix_nano = now_unix_nano();
          s.end_time_unix_nano = s.start_time_unix_nano + 1000 * static_cast<std::uint64_t>(child + 1);
          s.name(child % 2 ? "db.query" : "render")
              .attribute("thread", static_cast<std::int64_t>(t))
              .attribute("child", static_cast<std::int64_t>(child));
          (void)collector.submit(std::move(s));
        }
        Span root;
        root.trace_id = trace;
        root.span_id = root_id;
        root.kind = SpanKind::server;
        root.start_time_unix_nano = start;
        root.end_time_unix_nano = now_unix_nano() + 5000;
        root.name("GET /items")
            .attribute("http.method", std::string("GET"))
            .attribute("http.status_code", static_cast<std::int64_t>(request % 5 == 4 ? 500 : 200))
            .event("cache.miss", start + 100);
        if (request % 5 == 4) root.set_status(StatusCode::error, "upstream failed");
        (void)collector.submit(std::move(root));
      }
    });
  }
  for (auto& t : threads) t.join();
  collector.shutdown();
  const CollectorMetrics m = collector.metrics();
  std::fprintf(stderr,
               "demo: submitted %llu, exported %llu, dropped %llu, batches %llu, export failures %llu -> %s\n",
               static_cast<unsigned long long>(m.submitted), static_cast<unsigned long long>(m.exported),
               static_cast<unsigned long long>(m.dropped), static_cast<unsigned long long>(m.batches),
               static_cast<unsigned long long>(m.export_failures), path.c_str());
  return m.submitted == 8 * 8 * 5 && m.exported == m.submitted ? 0 : 1;
}
