// The measurement protocol shared by the bench binaries (docs/benchmarks.md):
// producers write distinct sequence numbers, the consumer reads every item and checks the
// count, the exact sum and per-producer order; runs are time-bounded, every queue runs once
// per round in rotated order after a discarded warm-up, and ratios are taken per round.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

namespace bench {

using Clock = std::chrono::steady_clock;

// ------------------------------------------------------------------------ messages ---

/// A 64-byte message: the key plus payload the consumer also reads.
struct Msg64 {
  std::uint64_t key;
  std::uint64_t payload[7];
};
static_assert(sizeof(Msg64) == 64);

inline constexpr std::uint64_t seq_mask = (std::uint64_t{1} << 56) - 1;

template <class T>
inline T make_msg(unsigned producer, std::uint64_t seq) noexcept {
  const std::uint64_t k = (std::uint64_t{producer} + 1) << 56 | seq;  // never 0
  if constexpr (std::is_same_v<T, Msg64>) {
    return Msg64{k, {seq, seq, seq, seq, seq, seq, seq}};
  } else {
    return static_cast<T>(k);
  }
}
/// Writes a message into a slot in one assignment (a 64-byte message becomes wide stores).
template <class T>
inline void fill_msg(T& slot, unsigned producer, std::uint64_t seq) noexcept {
  slot = make_msg<T>(producer, seq);
}

/// Checks everything the consumer receives. For u32 (the originals' parity mode) only the
/// count and the sum are checkable: the value holds the low 32 bits of the sequence.
template <class T>
struct Verifier {
  std::vector<std::uint64_t> next;
  std::uint64_t count = 0, sum = 0;
  bool ordered = true;
  explicit Verifier(unsigned producers) : next(producers, 0) {}
  void operator()(const T& v) noexcept {
    if constexpr (std::is_same_v<T, std::uint32_t>) {
      sum += v;
    } else {
      std::uint64_t k;
      if constexpr (std::is_same_v<T, Msg64>) {
        k = v.key;
        sum += v.payload[6] - (k & seq_mask);  // reads the payload; adds 0 when intact
      } else {
        k = v;
      }
      const std::uint64_t p = (k >> 56) - 1, s = k & seq_mask;
      if (p < next.size()) {
        ordered &= s == next[p];
        next[p] = s + 1;
      } else {
        ordered = false;
      }
      sum += s;
    }
    ++count;
  }
};

// ---------------------------------------------------------------------- threads, CPU ---

inline unsigned cpu_count() { return std::max(1u, std::thread::hardware_concurrency()); }

/// Consumer on CPU 0; producer i on CPU (1 + i) mod cores (1P1C: two different CPUs).
inline int producer_cpu(unsigned i) { return static_cast<int>((1 + i) % cpu_count()); }

inline void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

class ScopedPin {
 public:
  explicit ScopedPin(int cpu) {
    pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_);
    pin_to(cpu);
  }
  ~ScopedPin() { pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_); }

 private:
  cpu_set_t saved_{};
};

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

// ------------------------------------------------------------------------- one run ---

struct Sample {
  double msgs_per_s = 0;
  double msgs_per_cpu_s = 0;
  std::uint64_t items = 0;
  bool verified = false;  // count and exact checksum
  bool ordered = false;   // per-producer FIFO held
  std::string problem;    // what failed
};

/// The wait policy every queue gets: spin a little, then yield (the same for all).
struct Waiter {
  ringmpsc::Backoff backoff;
  void fail() noexcept { backoff.snooze(); }
  void ok() noexcept { backoff.reset(); }
};

/// Runs `producers` threads of produce(i, stop) -> items sent, and consume(verifier) ->
/// items taken on the calling thread, for `duration`; then drains and verifies.
template <class T, class Produce, class Consume>
Sample run_threads(unsigned producers, std::chrono::nanoseconds duration, Produce&& produce,
                   Consume&& consume) {
  std::atomic<bool> stop{false};
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::atomic<unsigned> finished{0};
  std::vector<std::uint64_t> sent(producers, 0);
  std::vector<std::thread> threads;
  ScopedPin pin(0);
  for (unsigned i = 0; i < producers; ++i) {
    threads.emplace_back([&, i] {
      pin_to(producer_cpu(i));
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      sent[i] = produce(i, stop);
      finished.fetch_add(1, std::memory_order_release);
    });
  }
  while (ready.load() < producers) std::this_thread::yield();
  Verifier<T> verify(producers);
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  const auto t_stop = t0 + duration;
  go.store(true, std::memory_order_release);
  Waiter w;
  std::uint64_t polls = 0;
  for (;;) {
    if (consume(verify) != 0) {
      w.ok();
    } else {
      if (finished.load(std::memory_order_acquire) == producers) {
        // Everything sent is published once the producers have finished; one more pass.
        while (consume(verify) != 0) {
        }
        break;
      }
      w.fail();
    }
    if (!stop.load(std::memory_order_relaxed) && (++polls & 63) == 0 && Clock::now() >= t_stop)
      stop.store(true, std::memory_order_relaxed);
  }
  const auto t1 = Clock::now();
  for (auto& t : threads) t.join();
  const double cpu = cpu_seconds() - cpu0;
  std::uint64_t total = 0, expect_sum = 0;
  for (unsigned i = 0; i < producers; ++i) {
    total += sent[i];
    if constexpr (std::is_same_v<T, std::uint32_t>) {
      for (std::uint64_t s = 0; s < sent[i]; ++s) expect_sum += static_cast<std::uint32_t>(make_msg<T>(i, s));
    } else {
      expect_sum += sent[i] * (sent[i] - (sent[i] ? 1 : 0)) / 2;
    }
  }
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  Sample s;
  s.items = verify.count;
  s.msgs_per_s = static_cast<double>(verify.count) / secs;
  s.msgs_per_cpu_s = cpu > 0 ? static_cast<double>(verify.count) / cpu : 0;
  s.verified = verify.count == total && verify.sum == expect_sum && total > 0;
  s.ordered = verify.ordered;
  if (!s.verified || !s.ordered) {
    s.problem = "received " + std::to_string(verify.count) + " of " + std::to_string(total) +
                (verify.sum == expect_sum ? "" : ", checksum mismatch") +
                (verify.ordered ? "" : ", per-producer order broken");
  }
  return s;
}

// --------------------------------------------------------------------- environment ---

inline std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

inline std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

inline std::string cache_sizes() {
  std::string out;
  for (int i = 0; i < 8; ++i) {
    const std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string level = read_first_line(base + "level");
    if (level.empty()) break;
    const std::string type = read_first_line(base + "type");
    out += (out.empty() ? "" : ", ") + std::string("L") + level +
           (type == "Data" ? "d" : type == "Instruction" ? "i" : "") + " " + read_first_line(base + "size");
  }
  return out.empty() ? "unknown" : out;
}

/// Median one-way latency of a cache line bouncing between CPU 0 and CPU 1 (ns).
inline double core_to_core_ns() {
  if (cpu_count() < 2) return 0;
  alignas(128) std::atomic<std::uint64_t> flag{0};
  constexpr std::uint64_t rounds = 200000;
  std::thread other([&] {
    pin_to(1);
    for (std::uint64_t i = 1; i <= rounds; ++i) {
      while (flag.load(std::memory_order_acquire) != 2 * i - 1) {
      }
      flag.store(2 * i, std::memory_order_release);
    }
  });
  ScopedPin pin(0);
  const auto t0 = Clock::now();
  for (std::uint64_t i = 1; i <= rounds; ++i) {
    flag.store(2 * i - 1, std::memory_order_release);
    while (flag.load(std::memory_order_acquire) != 2 * i) {
    }
  }
  const auto t1 = Clock::now();
  other.join();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / (2.0 * rounds);
}

struct Environment {
  std::string cpu, caches, compiler, flags, kernel;
  unsigned cores = 0;
  double c2c_ns = 0;
};

inline Environment environment() {
  Environment e;
  e.cpu = cpu_model();
  e.cores = cpu_count();
  e.caches = cache_sizes();
#if defined(__clang__)
  e.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  e.compiler = "g++ " __VERSION__;
#endif
#ifdef RINGMPSC_BENCH_FLAGS
  e.flags = RINGMPSC_BENCH_FLAGS;
#endif
  utsname u{};
  uname(&u);
  e.kernel = std::string(u.sysname) + " " + u.release;
  e.c2c_ns = core_to_core_ns();
  return e;
}

// ------------------------------------------------------------------- rounds, report ---

struct Entry {
  std::string queue;
  bool ours = false;
  std::function<Sample()> run;
  std::vector<Sample> samples;
};

struct Group {
  std::string name;   // e.g. "spsc single u64"
  std::string mode;   // single, batch, zerocopy, mpsc, parity
  std::string type;   // u64, msg64, u32
  unsigned producers = 1;
  std::size_t batch = 1;
  bool oversubscribed = false;
  std::vector<Entry> entries;
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Rounds in rotated order, after one discarded warm-up run of each entry.
inline bool run_group(Group& g, int rounds, bool warmup) {
  if (warmup)
    for (auto& e : g.entries) (void)e.run();
  bool ok = true;
  const std::size_t n = g.entries.size();
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < n; ++k) {
      Entry& e = g.entries[(k + static_cast<std::size_t>(r)) % n];
      const Sample s = e.run();
      // Lost, duplicated or corrupted items fail the run for any queue; a broken
      // per-producer order is reported for peers (some do not promise it under
      // preemption) and fails the run for ringmpsc, which does.
      if (!s.verified || (!s.ordered && e.ours)) {
        std::fprintf(stderr, "VERIFY FAILED: %s / %s: %s\n", g.name.c_str(), e.queue.c_str(),
                     s.problem.c_str());
        ok = false;
      }
      e.samples.push_back(s);
    }
  }
  return ok;
}

struct Row {
  std::string queue;
  bool ours;
  int unordered_runs;  // runs in which per-producer FIFO did not hold
  double median_mps, min_mps, max_mps, cpu_mps, ratio;  // ratio: ours / this, per-round median
};

inline std::vector<Row> summarize(const Group& g) {
  const Entry* ours = nullptr;
  for (const auto& e : g.entries)
    if (e.ours) {
      ours = &e;
      break;
    }
  std::vector<Row> rows;
  for (const auto& e : g.entries) {
    std::vector<double> mps, cpu, ratio;
    int unordered = 0;
    for (std::size_t i = 0; i < e.samples.size(); ++i) {
      unordered += !e.samples[i].ordered;
      mps.push_back(e.samples[i].msgs_per_s);
      cpu.push_back(e.samples[i].msgs_per_cpu_s);
      if (ours && i < ours->samples.size() && e.samples[i].msgs_per_s > 0)
        ratio.push_back(ours->samples[i].msgs_per_s / e.samples[i].msgs_per_s);
    }
    rows.push_back({e.queue, e.ours, unordered, median(mps), *std::min_element(mps.begin(), mps.end()),
                    *std::max_element(mps.begin(), mps.end()), median(cpu), median(ratio)});
  }
  return rows;
}

inline std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

inline void write_reports(const std::string& title, const Environment& env,
                          const std::vector<Group>& groups, int rounds, double duration_ms,
                          const std::string& json_path, const std::string& md_path) {
  std::ostringstream md, js;
  md << "# " << title << "\n\n"
     << "- CPU: " << env.cpu << " (" << env.cores << " logical CPUs)\n"
     << "- Caches: " << env.caches << "\n"
     << "- Compiler: " << env.compiler << ", flags: " << env.flags << "\n"
     << "- Kernel: " << env.kernel << "\n"
     << "- Core-to-core one-way latency (CPU 0 <-> 1): " << env.c2c_ns << " ns\n"
     << "- Protocol: " << rounds << " rounds x " << duration_ms
     << " ms per run, rotated order, warm-up discarded; consumer on CPU 0, producer i on CPU (1+i) mod "
     << env.cores << "\n"
     << "- Ratio = median over rounds of (ringmpsc msg/s / peer msg/s) measured in the same round\n\n";
  js << "{\n  \"title\": \"" << json_escape(title) << "\",\n  \"environment\": {\"cpu\": \""
     << json_escape(env.cpu) << "\", \"cores\": " << env.cores << ", \"caches\": \""
     << json_escape(env.caches) << "\", \"compiler\": \"" << json_escape(env.compiler)
     << "\", \"flags\": \"" << json_escape(env.flags) << "\", \"kernel\": \"" << json_escape(env.kernel)
     << "\", \"core_to_core_ns\": " << env.c2c_ns << "},\n  \"rounds\": " << rounds
     << ",\n  \"duration_ms\": " << duration_ms << ",\n  \"groups\": [\n";
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const Group& g = groups[gi];
    const auto rows = summarize(g);
    md << "## " << g.name << (g.oversubscribed ? " (oversubscribed: more threads than CPUs)" : "")
       << "\n\n| queue | median M msg/s | min - max | M msg per CPU-s | ringmpsc / this | per-producer FIFO |\n"
       << "|---|---:|---:|---:|---:|---|\n";
    js << "    {\"name\": \"" << json_escape(g.name) << "\", \"mode\": \"" << g.mode
       << "\", \"type\": \"" << g.type << "\", \"producers\": " << g.producers
       << ", \"batch\": " << g.batch << ", \"oversubscribed\": " << (g.oversubscribed ? "true" : "false")
       << ", \"rows\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      char line[512];
      const std::string fifo = r.unordered_runs == 0
                                   ? "held"
                                   : "broken in " + std::to_string(r.unordered_runs) + " of " +
                                         std::to_string(g.entries[i].samples.size()) + " runs";
      std::snprintf(line, sizeof line, "| %s%s%s | %.1f | %.1f - %.1f | %.1f | %.2fx | %s |\n",
                    r.ours ? "**" : "", r.queue.c_str(), r.ours ? "**" : "", r.median_mps / 1e6,
                    r.min_mps / 1e6, r.max_mps / 1e6, r.cpu_mps / 1e6, r.ratio, fifo.c_str());
      md << line;
      std::vector<double> all;
      for (const auto& s : g.entries[i].samples) all.push_back(s.msgs_per_s);
      js << "      {\"queue\": \"" << json_escape(r.queue) << "\", \"ours\": " << (r.ours ? "true" : "false")
         << ", \"median_msgs_per_s\": " << r.median_mps << ", \"min_msgs_per_s\": " << r.min_mps
         << ", \"max_msgs_per_s\": " << r.max_mps << ", \"median_msgs_per_cpu_s\": " << r.cpu_mps
         << ", \"ratio_ours_over_this\": " << r.ratio << ", \"unordered_runs\": " << r.unordered_runs
         << ", \"rounds_msgs_per_s\": [";
      for (std::size_t k = 0; k < all.size(); ++k) js << (k ? ", " : "") << all[k];
      js << "]}" << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    md << "\n";
    js << "    ]}" << (gi + 1 < groups.size() ? "," : "") << "\n";
  }
  js << "  ]\n}\n";
  std::fputs(md.str().c_str(), stdout);
  if (!json_path.empty()) std::ofstream(json_path) << js.str();
  if (!md_path.empty()) std::ofstream(md_path) << md.str();
}

}  // namespace bench
