// span_generator: load generator. T threads submit spans at a target rate for a duration;
// prints submit latency p50/p99/p999, end-to-end spans/s and every counter of the
// collector. With --compare it runs the same load through a std::mutex + std::vector
// batch queue (the usual hand-rolled BatchSpanProcessor) in the same run and prints the
// ratios.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "span_collector/collector.hpp"

using namespace span_collector;
using Nanos = std::chrono::nanoseconds;

namespace {

constexpr const char* usage =
    "Usage: span_generator [--threads N] [--rate R] [--seconds S] [--exporter KIND] [--file PATH] [--compare]\n"
    "  --threads N      submitting threads, 1..1000 (default 8)\n"
    "  --rate R         spans per second per thread, 0 = as fast as possible (default 0)\n"
    "  --seconds S      how long to submit, 0.1..3600 (default 2)\n"
    "  --exporter KIND  null, file, stdout or http (default null); http reads the\n"
    "                   OTEL_EXPORTER_OTLP_* variables (default http://localhost:4318/v1/traces)\n"
    "  --file PATH      the file exporter's output, appended to (default span_generator.jsonl)\n"
    "  --compare        run the same load through a std::mutex + vector queue too\n"
    "The collector reads the OTEL_BSP_* variables, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES\n"
    "and OTEL_SDK_DISABLED. Exits 1 when spans were submitted but none could be exported.\n";

struct Options {
  unsigned threads = 8;
  double rate = 0;  // per thread; 0 = as fast as possible
  double seconds = 2;
  std::string exporter = "null", file = "span_generator.jsonl";
  bool compare = false;
};

Span make_span(std::uint64_t thread, std::uint64_t i) {
  Span s;
  s.trace_id = {thread + 1, i / 8 + 1};
  s.span_id = (thread << 40) | (i + 1);
  s.parent_span_id = i % 8 ? ((thread << 40) | (i / 8 * 8 + 1)) : 0;
  s.start_time_unix_nano = 1'700'000'000'000'000'000ull + i * 1000;
  s.end_time_unix_nano = s.start_time_unix_nano + 500;
  s.name("op").attribute("i", static_cast<std::int64_t>(i));
  return s;
}

/// The baseline: every thread appends to one vector under a mutex; a consumer swaps it out.
class MutexQueue {
 public:
  MutexQueue(std::shared_ptr<Exporter> exporter, std::size_t max_queue, std::size_t batch)
      : exporter_(std::move(exporter)), max_(max_queue), batch_(batch), consumer_([this] { run(); }) {}
  ~MutexQueue() { shutdown(); }
  bool submit(Span&& s) {
    std::lock_guard<std::mutex> lock(m_);
    if (q_.size() >= max_) return false;
    q_.push_back(std::move(s));
    if (q_.size() >= batch_) cv_.notify_one();
    return true;
  }
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (stop_) return;
      stop_ = true;
    }
    cv_.notify_one();
    consumer_.join();
  }
  std::uint64_t exported() const { return exported_; }

 private:
  void run() {
    std::vector<Span> out;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait_for(lock, std::chrono::milliseconds(5), [&] { return stop_ || q_.size() >= batch_; });
        out.swap(q_);
        if (out.empty() && stop_) return;
      }
      for (std::size_t i = 0; i < out.size(); i += batch_) {
        const std::size_t n = std::min(batch_, out.size() - i);
        if (exporter_->export_spans(std::span<const Span>(out.data() + i, n), Clock::now() + std::chrono::seconds(30)).ok())
          exported_ += n;
      }
      out.clear();
    }
  }
  std::shared_ptr<Exporter> exporter_;
  std::size_t max_, batch_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Span> q_;
  bool stop_ = false;
  std::atomic<std::uint64_t> exported_{0};
  std::thread consumer_;
};

struct Result {
  double spans_per_s = 0;
  std::uint64_t submitted = 0, exported = 0, dropped = 0;
  double p50 = 0, p99 = 0, p999 = 0;
};

template <class Submit, class Finish>
Result drive(const Options& o, const char* label, Submit&& submit, Finish&& finish) {
  std::vector<std::vector<std::uint32_t>> lat(o.threads);
  std::atomic<std::uint64_t> done{0}, dropped{0};
  std::atomic<bool> stop{false};
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      auto& l = lat[t];
      l.reserve(1 << 20);
      std::uint64_t i = 0;
      const auto start = Clock::now();
      while (!stop.load(std::memory_order_relaxed)) {
        if (o.rate > 0) {
          const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(i) / o.rate));
          if (Clock::now() < due) {
            std::this_thread::sleep_until(due);
            continue;
          }
        }
        Span s = make_span(t, i++);
        const auto a = Clock::now();
        const bool ok = submit(std::move(s));
        const auto b = Clock::now();
        if (l.size() < l.capacity()) l.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(Nanos(b - a).count(), UINT32_MAX)));
        if (!ok) dropped.fetch_add(1, std::memory_order_relaxed);
        done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (double elapsed = 0; elapsed < o.seconds;) {
    const double step = std::min(0.5, o.seconds - elapsed);
    std::this_thread::sleep_for(std::chrono::duration<double>(step));
    elapsed += step;
    std::fprintf(stderr, "\r[%s] %.1f s, %llu spans submitted   ", label, elapsed,
                 static_cast<unsigned long long>(done.load()));
  }
  stop = true;
  for (auto& t : threads) t.join();
  const std::uint64_t exported = finish();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr, "\n");
  std::vector<std::uint32_t> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.submitted = done;
  r.dropped = dropped;
  r.exported = exported;
  r.spans_per_s = static_cast<double>(exported) / secs;
  if (!all.empty()) {
    r.p50 = all[all.size() / 2];
    r.p99 = all[all.size() * 99 / 100];
    r.p999 = all[all.size() * 999 / 1000];
  }
  std::printf("%-32s submitted %10llu  exported %10llu  dropped %9llu  %8.2f M spans/s end to end  submit p50 %6.0f ns  p99 %7.0f ns  p999 %8.0f ns\n",
              label, static_cast<unsigned long long>(r.submitted), static_cast<unsigned long long>(r.exported),
              static_cast<unsigned long long>(r.dropped), r.spans_per_s / 1e6, r.p50, r.p99, r.p999);
  return r;
}

std::shared_ptr<Exporter> make_exporter(const Options& o) {
  const Resource res = Resource::from_env("span_generator");
  if (o.exporter == "null") return std::make_shared<NullExporter>();
  if (o.exporter == "file") return std::make_shared<FileExporter>(o.file, res);
  if (o.exporter == "stdout") return std::make_shared<StdoutExporter>(res);
  if (o.exporter == "http")
    return std::make_shared<RetryExporter>(std::make_shared<HttpExporter>(HttpConfig::from_env(), res), RetryExporter::Policy{});
  throw std::invalid_argument("unknown exporter '" + o.exporter + "' (null, file, stdout, http)");
}

double parse_number(const std::string& option, const std::string& text, double lo, double hi, const char* what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= lo && v <= hi))
    throw std::invalid_argument(option + ": '" + text + "' is not " + what);
  return v;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--threads") {
      const double n = parse_number(a, value(), 1, 1000, "a whole number of threads in [1, 1000]");
      if (n != static_cast<double>(static_cast<unsigned>(n)))
        throw std::invalid_argument(a + ": '" + argv[i] + "' is not a whole number of threads in [1, 1000]");
      o.threads = static_cast<unsigned>(n);
    } else if (a == "--rate") {
      o.rate = parse_number(a, value(), 0, 1e9, "a rate in spans per second per thread in [0, 1e9]");
    } else if (a == "--seconds") {
      o.seconds = parse_number(a, value(), 0.1, 3600, "a duration in seconds in [0.1, 3600]");
    } else if (a == "--exporter") {
      o.exporter = value();
      if (o.exporter != "null" && o.exporter != "file" && o.exporter != "stdout" && o.exporter != "http")
        throw std::invalid_argument("--exporter: '" + o.exporter + "' is not null, file, stdout or http");
    } else if (a == "--file") {
      o.file = value();
    } else if (a == "--compare") {
      o.compare = true;
    } else {
      throw std::invalid_argument("unknown option '" + a + "'");
    }
  }
  return o;
}

std::string ratio(double baseline, double ours) {  // how much faster ours is (lower is better)
  char buf[48];
  const double r = std::max(1.0, baseline) / std::max(1.0, ours);
  if (r > 0.995 && r < 1.005) return "the same";
  std::snprintf(buf, sizeof buf, r >= 1 ? "%.2fx faster" : "%.2fx slower", r >= 1 ? r : 1 / r);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(usage, stdout);
      return 0;
    }
  }
  Options o;
  try {
    o = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "span_generator: %s\n%s", e.what(), usage);
    return 2;
  }
  try {
    CollectorConfig config = CollectorConfig::from_env();
    if (config.disabled) {
      std::printf("span_generator: OTEL_SDK_DISABLED=true: the collector is disabled; nothing to do\n");
      return 0;
    }
    config.max_threads = std::max(config.max_threads, o.threads);
    char rate[64] = "max rate";
    if (o.rate > 0) std::snprintf(rate, sizeof rate, "%.0f spans/s per thread", o.rate);
    std::printf("span_generator: %u threads, %s, %.1f s, exporter %s, queue %zu per thread, batch %zu\n", o.threads,
                rate, o.seconds, o.exporter.c_str(), config.max_queue_size, config.max_export_batch_size);
    Result ours;
    CollectorMetrics m;
    {
      Collector collector(config, make_exporter(o));
      ours = drive(o, "ringmpsc collector", [&](Span&& s) { return collector.submit(std::move(s)) == SubmitStatus::accepted; },
                   [&] {
                     const auto t0 = Clock::now();
                     const FlushResult done = collector.shutdown();
                     m = collector.metrics();
                     std::printf("shutdown: %s in %.0f ms (%llu spans not sent, %llu failed or rejected)\n",
                                 to_string(done.status), std::chrono::duration<double, std::milli>(Clock::now() - t0).count(),
                                 static_cast<unsigned long long>(done.dropped), static_cast<unsigned long long>(done.failed));
                     return m.exported;
                   });
    }
    std::printf("%s\n", describe(m).c_str());
    if (m.submitted != m.exported + m.dropped() + m.failed() + m.rejected || m.pending != 0)
      std::fprintf(stderr, "ACCOUNTING MISMATCH: submitted %llu != exported + dropped + failed + rejected\n",
                   static_cast<unsigned long long>(m.submitted));
    if (o.compare) {
      // The same total queue capacity as the collector's per-thread rings.
      MutexQueue baseline(make_exporter(o), config.max_queue_size * o.threads, config.max_export_batch_size);
      const Result base = drive(o, "std::mutex + vector batch queue", [&](Span&& s) { return baseline.submit(std::move(s)); },
                                [&] {
                                  baseline.shutdown();
                                  return baseline.exported();
                                });
      std::printf("ringmpsc collector vs mutex queue: end-to-end %.2fx the throughput, submit p50 %s, p99 %s, p999 %s\n",
                  ours.spans_per_s / std::max(1.0, base.spans_per_s), ratio(base.p50, ours.p50).c_str(),
                  ratio(base.p99, ours.p99).c_str(), ratio(base.p999, ours.p999).c_str());
    }
    if (m.submitted != 0 && m.exported == 0) {
      std::fprintf(stderr, "span_generator: nothing could be exported\n");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "span_generator: %s\n", e.what());
    return 1;
  }
  return 0;
}
