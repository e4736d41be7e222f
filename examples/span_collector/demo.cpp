// demo: 8 instrumented threads produce 320 spans with parent/child structure; the
// collector exports them to a JSON-lines file (OpenTelemetry file-exporter format,
// overwritten on each run) and to stdout, then prints its counters.
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "span_collector/collector.hpp"

using namespace span_collector;

namespace {
constexpr const char* usage =
    "Usage: demo [OUTPUT.jsonl]\n"
    "8 threads submit 320 spans (8 requests each: a server span and 4 children); they are\n"
    "exported as OTLP JSON lines to OUTPUT (default spans.jsonl, overwritten on each run)\n"
    "and to stdout. Prints the collector's counters to stderr; exits 1 unless every span\n"
    "was exported.\n";

class FanOut final : public Exporter {  // the same batch to several exporters
 public:
  explicit FanOut(std::vector<std::shared_ptr<Exporter>> to) : to_(std::move(to)) {}
  ExportResult export_spans(std::span<const Span> spans, const ExportContext& context) override {
    ExportResult last = ExportResult::success();
    for (auto& e : to_)
      if (auto r = e->export_spans(spans, context); !r.ok()) last = r;
    return last;
  }

 private:
  std::vector<std::shared_ptr<Exporter>> to_;
};

void run_thread(Collector& collector, std::uint64_t t) {
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
}
}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0))) {
    std::fputs(usage, argc == 2 ? stdout : stderr);
    return argc == 2 ? 0 : 2;
  }
  const std::string path = argc > 1 ? argv[1] : "spans.jsonl";
  if (!path.empty() && path[0] == '-') {
    std::fprintf(stderr, "demo: unknown option '%s'\n%s", path.c_str(), usage);
    return 2;
  }
  const Resource resource = Resource::from_env("span-collector-demo");
  std::shared_ptr<Exporter> file;
  try {
    file = std::make_shared<FileExporter>(path, resource, FileMode::truncate);
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
  for (std::uint64_t t = 0; t < 8; ++t) threads.emplace_back([&collector, t] { run_thread(collector, t); });
  for (auto& t : threads) t.join();
  const FlushResult done = collector.shutdown();
  const CollectorMetrics m = collector.metrics();
  std::fprintf(stderr, "demo: shutdown %s; %s\ndemo: spans written to %s (overwritten on each run)\n",
               to_string(done.status), describe(m).c_str(), path.c_str());
  constexpr std::uint64_t expected = 8 * 8 * 5;
  if (m.exported == 0) {
    std::fprintf(stderr, "demo: nothing could be exported\n");
    return 1;
  }
  return m.submitted == expected && m.exported == expected ? 0 : 1;
}
