// What every report says about the machine it ran on: CPU, caches, compiler and flags,
// kernel, load, and two measured ceilings: the core-to-core latency of one cache line and
// the throughput of a bare two-thread stream (no queue).
#pragma once

#include <sys/utsname.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "cpu.hpp"
#include "stats.hpp"

namespace bench {

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
           (type == "Data"          ? "d"
            : type == "Instruction" ? "i"
                                    : "") +
           " " + read_first_line(base + "size");
  }
  return out.empty() ? "unknown" : out;
}

/// The 1, 5 and 15 minute load averages: other work on the machine shows here.
inline std::string load_average() {
  const std::string s = read_first_line("/proc/loadavg");
  std::size_t end = 0;
  for (int fields = 0; fields < 3 && end != std::string::npos; ++fields) end = s.find(' ', end + 1);
  return s.empty() ? "unknown" : s.substr(0, end);
}

/// One-way latency of a cache line bouncing between CPU 0 and CPU 1 (ns): the median and
/// the best of the means of chunks of 100 round trips, for about `duration`. On a busy
/// machine preemptions reach the median; the best chunk still shows the hardware.
struct CoreToCore {
  double median_ns = 0, best_ns = 0;
};

inline CoreToCore core_to_core(std::chrono::nanoseconds duration) {
  if (cpu_count() < 2) return {};
  constexpr std::uint64_t chunk = 100, quit = ~std::uint64_t{0};
  alignas(128) std::atomic<std::uint64_t> flag{0};
  std::vector<double> one_way;
  run_pinned(
      1,
      [&](unsigned, std::atomic<bool>&) {
        for (std::uint64_t i = 1;; ++i) {
          for (std::uint64_t v; (v = flag.load(std::memory_order_acquire)) != 2 * i - 1;)
            if (v == quit) return i;
          flag.store(2 * i, std::memory_order_release);
        }
      },
      [&](std::atomic<bool>&) {
        const auto deadline = std::chrono::steady_clock::now() + duration;
        for (std::uint64_t i = 1; one_way.empty() || std::chrono::steady_clock::now() < deadline;) {
          const auto t0 = std::chrono::steady_clock::now();
          for (const std::uint64_t end = i + chunk; i < end; ++i) {
            flag.store(2 * i - 1, std::memory_order_release);
            while (flag.load(std::memory_order_acquire) != 2 * i) {
            }
          }
          const std::chrono::duration<double, std::nano> dt = std::chrono::steady_clock::now() - t0;
          one_way.push_back(dt.count() / (2.0 * chunk));
        }
        flag.store(quit, std::memory_order_release);
      });
  return {median(one_way), min_of(one_way)};
}

/// A bare two-thread stream, the ceiling for any SPSC hand-off here: CPU 1 writes batches
/// of 4096 u64 into 4 buffers in turn and hands each over with a flag; CPU 0 waits for
/// the flag, sums every item, checks the sum and frees the buffer.
struct StreamCeiling {
  double items_per_s = 0;
  bool verified = false;
  static constexpr std::size_t batch = 4096, buffers = 4;
};

inline StreamCeiling stream_ceiling(std::chrono::nanoseconds duration) {
  constexpr std::size_t batch = StreamCeiling::batch, buffers = StreamCeiling::buffers;
  struct alignas(128) Flag {
    std::atomic<std::uint64_t> full{0};  // 0: free; else the batch number + 1
  };
  std::vector<std::uint64_t> data(batch * buffers);
  std::vector<Flag> flags(buffers);
  StreamCeiling result;
  if (cpu_count() < 2) return result;
  run_pinned(
      1,
      [&](unsigned, std::atomic<bool>& stop) {
        for (std::uint64_t b = 0;; ++b) {
          Flag& f = flags[b % buffers];
          while (f.full.load(std::memory_order_acquire) != 0) {
            if (stop.load(std::memory_order_relaxed)) return b;
            cpu_pause();
          }
          std::uint64_t* p = &data[(b % buffers) * batch];
          for (std::size_t k = 0; k < batch; ++k) p[k] = b * batch + k;
          f.full.store(b + 1, std::memory_order_release);
        }
      },
      [&](std::atomic<bool>& stop) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto deadline = t0 + duration;
        bool ok = true;
        std::uint64_t b = 0;
        for (; b < 16 || std::chrono::steady_clock::now() < deadline; ++b) {
          Flag& f = flags[b % buffers];
          while (f.full.load(std::memory_order_acquire) != b + 1) cpu_pause();
          const std::uint64_t* p = &data[(b % buffers) * batch];
          std::uint64_t sum = 0;
          for (std::size_t k = 0; k < batch; ++k) sum += p[k];
          ok &= sum == b * batch * batch + batch * (batch - 1) / 2;
          f.full.store(0, std::memory_order_release);
        }
        const std::chrono::duration<double> secs = std::chrono::steady_clock::now() - t0;
        stop.store(true, std::memory_order_relaxed);
        result = {static_cast<double>(b * batch) / secs.count(), ok};
      });
  return result;
}

struct Environment {
  std::string cpu, caches, compiler, flags, kernel, load;
  unsigned cores = 0;
  CoreToCore c2c;
  StreamCeiling stream;
};

/// Probes the machine; the two measurements take about 2 x probe_time.
inline Environment environment(std::chrono::nanoseconds probe_time) {
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
  e.load = load_average();
  e.c2c = core_to_core(probe_time);
  e.stream = stream_ceiling(probe_time);
  return e;
}

}  // namespace bench
