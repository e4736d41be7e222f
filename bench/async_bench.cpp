// Readiness fds and event loops (docs/async.md), four measurements:
//
//   publish     single-item MPSC throughput of a channel whose readiness fds exist but
//               nobody is armed, against the same channel type with no fd ever requested
//               (and a spin-only channel, which has no notifier at all, for reference);
//               2 and 4 producers, the ratio taken per round, rounds alternating; and the
//               cost of one publication on one thread (no contention, little noise)
//   latency     publish -> consumer running: a coroutine resumed by an Asio loop, beside a
//               thread parked in pop() (wait::Blocking); p50 / p99 / max
//   idle        CPU used by a loop (and by parked threads) waiting on an idle channel
//   throughput  messages/s through an Asio consumer coroutine at saturation, against a
//               plain consumer thread in consume() (wait::Blocking and wait::Phased)
//
// Every item is checked (count and per-producer order). Run `async_bench --help`.
#include <ringmpsc/channel.hpp>
#include <ringmpsc/readiness.hpp>

#if __has_include(<asio/version.hpp>)
#include <asio/detail/config.hpp>
#endif
#if defined(ASIO_HAS_CO_AWAIT)  // Asio 1.22 has no coroutines with clang and libstdc++
#define RINGMPSC_BENCH_ASIO 1
#include <ringmpsc/asio.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#else
#define RINGMPSC_BENCH_ASIO 0
#endif

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using ringmpsc::Config;
using ringmpsc::Status;

struct Options {
  std::string mode = "all";
  int rounds = 7;
  double seconds = 0.3;  // per measured run
  int samples = 2000;    // latency samples per consumer
  int producers = 2;     // throughput mode
  std::string json;
  bool quick = false;
};

void usage() {
  std::puts(
      "Usage: async_bench [--mode publish|latency|idle|throughput|all] [--quick]\n"
      "                   [--rounds N] [--seconds S] [--samples N] [--producers N]\n"
      "                   [--json FILE]\n"
      "\n"
      "  publish     ns per item of try_push + try_consume on one thread, and items/s of\n"
      "              single-item MPSC (2 and 4 producers), on a wait::Blocking channel\n"
      "              whose readiness fds exist, nobody armed, vs the same channel with no\n"
      "              fd requested (ratio per round, median of --rounds), and a\n"
      "              wait::Yielding channel (no notifier at all) for reference\n"
      "  latency     publish -> consumer running, p50/p99/max: an Asio coroutine woken\n"
      "              through the readiness fd, and a thread parked in pop() (futex)\n"
      "  idle        CPU time of an Asio loop (and of parked threads) waiting --seconds\n"
      "              on a channel nobody writes\n"
      "  throughput  items/s through an Asio consumer coroutine at saturation vs a\n"
      "              consumer thread in consume(), --producers producer threads, on a\n"
      "              wait::Blocking and a wait::Phased channel\n"
      "  --quick     a few milliseconds per run (a smoke test: checks, not figures)\n"
      "  --json      also write the figures to FILE\n");
}

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
/// The q-quantile (nearest rank) of v.
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "async_bench: CHECK FAILED: %s\n", what);
  std::exit(1);
}

/// Per-producer order and count of what a consumer receives (value = producer << 40 | seq).
struct Verifier {
  std::vector<std::uint64_t> next;
  std::uint64_t count = 0;
  bool ordered = true;
  explicit Verifier(int producers) : next(static_cast<std::size_t>(producers), 0) {}
  void operator()(std::uint64_t v) noexcept {
    const std::uint64_t p = v >> 40, s = v & ((std::uint64_t{1} << 40) - 1);
    if (p >= next.size() || s != next[p]) ordered = false;
    if (p < next.size()) next[p] = s + 1;
    ++count;
  }
  void check(std::uint64_t expected_total) const {
    if (!ordered) fail("items out of order");
    std::uint64_t total = 0;
    for (std::uint64_t n : next) total += n;
    if (total != count || count != expected_total) fail("item count");
  }
};

std::ostringstream json_out;
bool json_first = true;
void json_add(const std::string& key, double value) {
  json_out << (json_first ? "" : ",\n") << "  \"" << key << "\": " << value;
  json_first = false;
}

// ------------------------------------------------------------------------ publish ---

// One run: producers try_push in a loop (spinning when full), the consumer try_consumes in
// a loop: nobody ever parks, so the notifier's cost is all the fd could add.
template <class Wait>
double publish_run(int producers, double seconds, bool open_fds) {
  using Ch = ringmpsc::Channel<std::uint64_t, Wait>;
  Ch ch(Config{.ring_bits = 12, .max_producers = static_cast<std::uint32_t>(producers)});
  std::vector<typename Ch::producer_type> handles;
  for (int i = 0; i < producers; ++i) handles.push_back(ch.register_producer().value());
  std::vector<ringmpsc::Readiness> fds;  // exist, never armed
  if constexpr (Wait::parks) {
    if (open_fds) {
      fds.push_back(ringmpsc::consumer_readiness(ch));
      for (auto& p : handles) fds.push_back(ringmpsc::producer_readiness(p));
    }
  }
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::uint64_t> sent(static_cast<std::size_t>(producers), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < producers; ++i) {
    threads.emplace_back([&, i, p = std::move(handles[static_cast<std::size_t>(i)])]() mutable {
      while (!go.load(std::memory_order_acquire)) {
      }
      std::uint64_t seq = 0;
      const std::uint64_t tag = std::uint64_t(i) << 40;
      while (!stop.load(std::memory_order_relaxed)) {
        if (p.try_push(tag | seq)) ++seq;
      }
      sent[static_cast<std::size_t>(i)] = seq;
    });
  }
  Verifier verify(producers);
  auto take = [&verify](std::uint64_t& v) { verify(v); };
  go.store(true, std::memory_order_release);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::uint64_t at_end = 0;
  for (std::uint32_t spins = 0;; ++spins) {
    ch.try_consume(take);
    if ((spins & 1023) == 0 && Clock::now() >= end) {
      at_end = verify.count;
      break;
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop.store(true);
  for (auto& t : threads) t.join();
  fds.clear();
  while (ch.try_consume(take) != 0) {
  }
  std::uint64_t total = 0;
  for (std::uint64_t s : sent) total += s;
  verify.check(total);
  return static_cast<double>(at_end) / elapsed;
}

// One thread publishes 256 items with try_push, then consumes them, over and over: the
// cost of a publication without any contention, so that what the fd could add is not lost
// in the scheduling noise of a shared machine. Nanoseconds per item (push + consume).
template <class Wait>
double publish_cost_ns(double seconds, bool open_fds) {
  using Ch = ringmpsc::Channel<std::uint64_t, Wait>;
  Ch ch(Config{.ring_bits = 8, .max_producers = 1});
  auto p = ch.register_producer().value();
  std::vector<ringmpsc::Readiness> fds;  // exist, never armed
  if constexpr (Wait::parks) {
    if (open_fds) {
      fds.push_back(ringmpsc::consumer_readiness(ch));
      fds.push_back(ringmpsc::producer_readiness(p));
    }
  }
  Verifier verify(1);
  auto take = [&verify](std::uint64_t& v) { verify(v); };
  std::uint64_t seq = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (int k = 0; k < 64; ++k) {
      for (int i = 0; i < 256; ++i) {
        if (!p.try_push(seq)) fail("publish_cost: full");
        ++seq;
      }
      if (ch.try_consume(take) != 256) fail("publish_cost: consume");
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  verify.check(seq);
  return elapsed * 1e9 / static_cast<double>(seq);
}

void publish_mode(const Options& o) {
  std::puts("== publish, one thread: ns per item (try_push + try_consume), fastest of rounds");
  std::printf("%-26s %10s %14s %8s %16s\n", "", "no fd", "fd, not armed", "ratio",
              "Yielding (ref)");
  {
    publish_cost_ns<ringmpsc::wait::Blocking>(o.seconds / 4, true);  // warm-up
    std::vector<double> plain, with_fd, spin;
    for (int r = 0; r < o.rounds; ++r) {
      plain.push_back(publish_cost_ns<ringmpsc::wait::Blocking>(o.seconds / 2, false));
      with_fd.push_back(publish_cost_ns<ringmpsc::wait::Blocking>(o.seconds / 2, true));
      spin.push_back(publish_cost_ns<ringmpsc::wait::Yielding>(o.seconds / 2, false));
    }
    const double a = *std::min_element(plain.begin(), plain.end());
    const double b = *std::min_element(with_fd.begin(), with_fd.end());
    const double c = *std::min_element(spin.begin(), spin.end());
    // Throughput ratio (fd / no fd) = cost ratio inverted.
    std::printf("%-26s %10.2f %14.2f %7.3fx %16.2f\n", "1 producer, same thread", a, b, a / b, c);
    json_add("publish_1t_no_fd_ns", a);
    json_add("publish_1t_fd_not_armed_ns", b);
    json_add("publish_1t_ratio", a / b);
    json_add("publish_1t_yielding_ns", c);
  }
  std::puts("== publish, MPSC: single-item items/s (nobody armed; median of rounds)");
  std::printf("%-10s %14s %14s %8s %16s %14s\n", "producers", "no fd", "fd, not armed",
              "ratio", "ratio p25-p75", "Yielding (ref)");
  for (int producers : {2, 4}) {
    publish_run<ringmpsc::wait::Blocking>(producers, o.seconds / 4, true);  // warm-up
    std::vector<double> plain, with_fd, ratio, spin;
    for (int r = 0; r < o.rounds; ++r) {
      // Alternate which goes first, so drift in the machine's load hits both alike.
      double a, b;
      if (r % 2 == 0) {
        a = publish_run<ringmpsc::wait::Blocking>(producers, o.seconds, false);
        b = publish_run<ringmpsc::wait::Blocking>(producers, o.seconds, true);
      } else {
        b = publish_run<ringmpsc::wait::Blocking>(producers, o.seconds, true);
        a = publish_run<ringmpsc::wait::Blocking>(producers, o.seconds, false);
      }
      plain.push_back(a);
      with_fd.push_back(b);
      if (a > 0) ratio.push_back(b / a);
      spin.push_back(publish_run<ringmpsc::wait::Yielding>(producers, o.seconds, false));
    }
    std::printf("%-10d %14.3e %14.3e %7.3fx %7.3f-%.3fx %14.3e\n", producers, median(plain),
                median(with_fd), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75),
                median(spin));
    const std::string k = "publish_p" + std::to_string(producers);
    json_add(k + "_no_fd", median(plain));
    json_add(k + "_fd_not_armed", median(with_fd));
    json_add(k + "_ratio", median(ratio));
    json_add(k + "_yielding", median(spin));
  }
}

// ------------------------------------------------------------------------ latency ---

using BlockingCh = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking>;

struct Percentiles {
  double p50, p99, max;
};
Percentiles percentiles(std::vector<std::uint64_t>& ns) {
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return static_cast<double>(ns[static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1))]) / 1e3; };
  return {at(0.50), at(0.99), static_cast<double>(ns.back()) / 1e3};
}

// The producer (this thread) publishes a timestamp every `gap`, long enough for the
// consumer to be idle (armed, or parked) again; the consumer records now - timestamp.
void publish_timestamps(BlockingCh::producer_type p, int samples) {
  for (int i = 0; i < samples; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    if (p.push(now_ns()) != Status::ok) fail("push");
  }
}

std::vector<std::uint64_t> latency_blocking_thread(int samples) {
  BlockingCh ch(Config{.ring_bits = 8, .max_producers = 1});
  auto p = ch.register_producer().value();
  std::vector<std::uint64_t> lat;
  lat.reserve(static_cast<std::size_t>(samples));
  std::thread consumer([&] {
    std::uint64_t v = 0;
    while (ch.pop(v) == Status::ok) lat.push_back(now_ns() - v);
  });
  publish_timestamps(std::move(p), samples);
  consumer.join();
  return lat;
}

#if RINGMPSC_BENCH_ASIO
std::vector<std::uint64_t> latency_asio(int samples) {
  BlockingCh ch(Config{.ring_bits = 8, .max_producers = 1});
  auto p = ch.register_producer().value();
  std::vector<std::uint64_t> lat;
  lat.reserve(static_cast<std::size_t>(samples));
  asio::io_context io(1);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        ringmpsc::AsioReadiness ready(co_await asio::this_coro::executor,
                                      ringmpsc::consumer_readiness(ch));
        while (co_await ready.async_wait(asio::use_awaitable) == Status::ok) {
          const std::uint64_t t = now_ns();
          ch.try_consume([&](std::uint64_t& v) { lat.push_back(t - v); });
        }
      },
      asio::detached);
  std::thread loop([&] { io.run(); });
  publish_timestamps(std::move(p), samples);
  loop.join();
  return lat;
}
#endif

void latency_mode(const Options& o) {
  std::puts("== latency: publish -> consumer running (microseconds; consumer idle before each)");
  std::printf("%-44s %9s %9s %9s\n", "consumer", "p50", "p99", "max");
  auto report = [](const char* name, const char* key, std::vector<std::uint64_t> lat, int samples) {
    if (lat.size() != static_cast<std::size_t>(samples)) fail("latency sample count");
    const Percentiles pc = percentiles(lat);
    std::printf("%-44s %9.1f %9.1f %9.1f\n", name, pc.p50, pc.p99, pc.max);
    json_add(std::string("latency_") + key + "_p50_us", pc.p50);
    json_add(std::string("latency_") + key + "_p99_us", pc.p99);
  };
  for (int round = 0; round < 2; ++round) {  // the first round warms up; the second reports
    auto blocking = latency_blocking_thread(o.samples);
#if RINGMPSC_BENCH_ASIO
    auto coro = latency_asio(o.samples);
#endif
    if (round == 0) continue;
    report("thread parked in pop() (wait::Blocking)", "blocking_thread", std::move(blocking),
           o.samples);
#if RINGMPSC_BENCH_ASIO
    report("Asio coroutine (AsioReadiness::async_wait)", "asio_coroutine", std::move(coro),
           o.samples);
#else
    std::puts("(Asio not installed: no coroutine figures)");
#endif
  }
}

// --------------------------------------------------------------------------- idle ---

void idle_mode(const Options& o) {
  const double seconds = std::max(o.seconds, 0.05) * (o.quick ? 1 : 3);
  std::printf("== idle: CPU used while waiting %.2f s on a channel nobody writes\n", seconds);
  auto closer = [seconds](auto& ch) {
    return std::thread([&ch, seconds] {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      ch.close();
    });
  };
  auto row = [&](const char* name, const char* key, double cpu) {
    std::printf("%-44s %10.1f us CPU (%.4f%% of one core)\n", name, cpu * 1e6,
                100 * cpu / seconds);
    json_add(std::string("idle_") + key + "_cpu_us", cpu * 1e6);
  };
#if RINGMPSC_BENCH_ASIO
  {
    BlockingCh ch(Config{.ring_bits = 8, .max_producers = 1});
    auto p = ch.register_producer().value();
    asio::io_context io(1);
    Status end = Status::ok;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          ringmpsc::AsioReadiness ready(co_await asio::this_coro::executor,
                                        ringmpsc::consumer_readiness(ch));
          while ((end = co_await ready.async_wait(asio::use_awaitable)) == Status::ok)
            ch.try_consume([](std::uint64_t&) {});
        },
        asio::detached);
    std::thread c = closer(ch);
    const double cpu0 = thread_cpu_seconds();
    io.run();
    const double cpu = thread_cpu_seconds() - cpu0;
    c.join();
    if (end != Status::closed) fail("idle: asio consumer did not see closed");
    row("Asio loop, consumer coroutine armed", "asio_loop", cpu);
  }
#endif
  auto parked = [&](auto tag, const char* name, const char* key) {
    using Ch = ringmpsc::Channel<std::uint64_t, decltype(tag)>;
    Ch ch(Config{.ring_bits = 8, .max_producers = 1});
    auto p = ch.register_producer().value();
    double cpu = 0;
    std::thread consumer([&] {
      const double cpu0 = thread_cpu_seconds();
      std::uint64_t v = 0;
      if (ch.pop(v) != Status::closed) fail("idle: thread consumer did not see closed");
      cpu = thread_cpu_seconds() - cpu0;
    });
    std::thread c = closer(ch);
    consumer.join();
    c.join();
    row(name, key, cpu);
  };
  parked(ringmpsc::wait::Blocking{}, "thread in pop(), wait::Blocking", "blocking_thread");
  parked(ringmpsc::wait::Phased{}, "thread in pop(), wait::Phased", "phased_thread");
}

// --------------------------------------------------------------------- throughput ---

// Producers push (blocking) as fast as they can for `seconds`, then drop their handles;
// the consumer drains until disconnected. Returns items/s over the measured window.
template <class Wait, class Consume>
double saturate(int producers, double seconds, Consume&& consume) {
  using Ch = ringmpsc::Channel<std::uint64_t, Wait>;
  Ch ch(Config{.ring_bits = 12, .max_producers = static_cast<std::uint32_t>(producers)});
  std::atomic<bool> stop{false};
  std::vector<std::uint64_t> sent(static_cast<std::size_t>(producers), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < producers; ++i) {
    threads.emplace_back([&, i, p = ch.register_producer().value()]() mutable {
      std::uint64_t seq = 0;
      const std::uint64_t tag = std::uint64_t(i) << 40;
      while (!stop.load(std::memory_order_relaxed)) {
        if (p.push(tag | seq) != Status::ok) break;
        ++seq;
      }
      sent[static_cast<std::size_t>(i)] = seq;
    });
  }
  Verifier verify(producers);
  std::uint64_t at_end = 0;
  Clock::time_point t_end{};
  const auto start = Clock::now();
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
  });
  // tick() runs after every batch: the first one after the stop closes the window.
  consume(ch, verify, [&] {
    if (at_end == 0 && stop.load(std::memory_order_relaxed)) {
      at_end = verify.count;
      t_end = Clock::now();
    }
  });
  timer.join();
  for (auto& t : threads) t.join();
  std::uint64_t total = 0;
  for (std::uint64_t s : sent) total += s;
  verify.check(total);
  if (at_end == 0) {  // the last batch came before the stop: the window ends now
    at_end = verify.count;
    t_end = Clock::now();
  }
  return static_cast<double>(at_end) / std::chrono::duration<double>(t_end - start).count();
}

template <class Wait>
void throughput_for(const Options& o, const char* policy) {
  auto thread_consumer = [](auto& ch, Verifier& verify, auto&& tick) {
    std::thread consumer([&] {
      while (ch.consume([&](std::uint64_t& v) { verify(v); }).status == Status::ok) tick();
    });
    consumer.join();
  };
#if RINGMPSC_BENCH_ASIO
  auto asio_consumer = [](auto& ch, Verifier& verify, auto&& tick) {
    asio::io_context io(1);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          ringmpsc::AsioReadiness ready(co_await asio::this_coro::executor,
                                        ringmpsc::consumer_readiness(ch));
          // Consume what is there, then wait: the loop is free between batches.
          while (co_await ready.async_wait(asio::use_awaitable) == Status::ok) {
            ch.try_consume([&](std::uint64_t& v) { verify(v); });
            tick();
          }
        },
        asio::detached);
    io.run();
  };
#endif
  std::vector<double> plain, coro, ratio;
  for (int r = 0; r < std::max(1, o.rounds / 2); ++r) {
    plain.push_back(saturate<Wait>(o.producers, o.seconds, thread_consumer));
#if RINGMPSC_BENCH_ASIO
    coro.push_back(saturate<Wait>(o.producers, o.seconds, asio_consumer));
    ratio.push_back(coro.back() / plain.back());
#endif
  }
  std::printf("%-52s %14.3e\n", (std::string("consumer thread in consume(), ") + policy).c_str(),
              median(plain));
  json_add(std::string("throughput_thread_") + policy, median(plain));
#if RINGMPSC_BENCH_ASIO
  std::printf("%-52s %14.3e  (%.3fx)\n",
              (std::string("Asio coroutine (async_wait + try_consume), ") + policy).c_str(),
              median(coro), median(ratio));
  json_add(std::string("throughput_asio_") + policy, median(coro));
  json_add(std::string("throughput_asio_ratio_") + policy, median(ratio));
#else
  std::puts("(Asio coroutines not available: no coroutine figures)");
#endif
}

void throughput_mode(const Options& o) {
  std::printf("== throughput: %d producer threads pushing, items/s at saturation (median)\n",
              o.producers);
  throughput_for<ringmpsc::wait::Blocking>(o, "Blocking");
  throughput_for<ringmpsc::wait::Phased>(o, "Phased");
}

// A message that names the option, and exit status 2 (the bench binaries' contract).
[[noreturn]] void bad_usage(const std::string& what) {
  std::fprintf(stderr, "async_bench: %s (see --help)\n", what.c_str());
  std::exit(2);
}

long parse_long(const std::string& opt, const std::string& v, long lo, long hi) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || x < lo || x > hi)
    bad_usage(opt + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
              "], got '" + v + "'");
  return x;
}

double parse_seconds(const std::string& opt, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0 || !(x > 0 && x <= 3600))
    bad_usage(opt + ": expected seconds in (0, 3600], got '" + v + "'");
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) bad_usage(a + ": missing value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else if (a == "--mode") {
      o.mode = value();
      if (o.mode != "all" && o.mode != "publish" && o.mode != "latency" && o.mode != "idle" &&
          o.mode != "throughput")
        bad_usage("--mode: expected publish, latency, idle, throughput or all, got '" + o.mode + "'");
    } else if (a == "--quick") {
      o.quick = true;
    } else if (a == "--rounds") {
      o.rounds = static_cast<int>(parse_long(a, value(), 1, 1000));
    } else if (a == "--seconds") {
      o.seconds = parse_seconds(a, value());
    } else if (a == "--samples") {
      o.samples = static_cast<int>(parse_long(a, value(), 10, 10'000'000));
    } else if (a == "--producers") {
      o.producers = static_cast<int>(parse_long(a, value(), 1, 64));
    } else if (a == "--json") {
      o.json = value();
    } else {
      bad_usage("unknown option '" + a + "'");
    }
  }
  if (o.quick) {
    o.rounds = 2;
    o.seconds = 0.01;
    o.samples = 50;
  }
  const bool all = o.mode == "all";
  std::printf("async_bench: %u hardware threads; figures are indicative on a shared machine\n",
              std::thread::hardware_concurrency());
  if (all || o.mode == "publish") publish_mode(o);
  if (all || o.mode == "latency") latency_mode(o);
  if (all || o.mode == "idle") idle_mode(o);
  if (all || o.mode == "throughput") throughput_mode(o);
  if (!o.json.empty()) {
    std::ofstream(o.json) << "{\n" << json_out.str() << "\n}\n";
  }
  return 0;
}
