// Google Benchmark suite: per-operation views that complement scaling_benchmark's
// side-by-side tables. items_per_second counters; latency benchmarks report ns.
//   SpscSingle<Ring|StackRing, u32|u64|Msg64>, Batch/B, ZeroCopy/B, Mpsc<Wait>/P,
//   PingPong<Wait>, WakeupLatency<Wait> (p50/p99), IdleCpu<Wait> (% of a core while blocked).
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "cpu.hpp"
#include "protocol.hpp"

namespace {
using namespace bench;
constexpr std::uint64_t kItems = 1 << 20;

/// One benchmark iteration's threads: side(i) on `n` threads pinned by producer_cpu(i),
/// main() on the benchmark thread pinned to CPU 0 meanwhile; returns once all are done.
template <class Side, class Main>
void with_threads(unsigned n, Side&& side, Main&& main) {
  run_pinned(
      n,
      [&](unsigned i, std::atomic<bool>&) {
        side(i);
        return true;
      },
      [&](std::atomic<bool>&) { main(); });
}

template <class T>
struct HeapRing : ringmpsc::Ring<T> {
  HeapRing() : ringmpsc::Ring<T>(ringmpsc::Config{.ring_bits = 13}) {}
};
template <class T>
using InlineRing = ringmpsc::StackRing<T, 8192>;

// One producer thread pushes kItems; the benchmark thread pops them one by one.
template <class R>
void SpscSingle(benchmark::State& state) {
  using T = typename R::value_type;
  auto ring = std::make_unique<R>();
  for (auto _ : state) {
    with_threads(
        1,
        [&](unsigned) {
          for (std::uint64_t i = 0; i < kItems; ++i)
            while (!ring->try_push(make_msg<T>(0, i))) {
            }
        },
        [&] {
          T v{};
          std::uint64_t got = 0;
          while (got < kItems) got += ring->try_pop(v);
          benchmark::DoNotOptimize(v);
        });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kItems));
}
BENCHMARK(SpscSingle<HeapRing<std::uint64_t>>)->UseRealTime();
BENCHMARK(SpscSingle<InlineRing<std::uint64_t>>)->UseRealTime();
BENCHMARK(SpscSingle<HeapRing<std::uint32_t>>)->UseRealTime();
BENCHMARK(SpscSingle<HeapRing<Msg64>>)->UseRealTime();

// Bulk try_send of B items, try_consume(h, B) on the other side.
void Batch(benchmark::State& state) {
  const auto b = static_cast<std::size_t>(state.range(0));
  HeapRing<std::uint64_t> ring;
  std::vector<std::uint64_t> buf(b);
  for (auto _ : state) {
    with_threads(
        1,
        [&](unsigned) {
          for (std::uint64_t i = 0; i < kItems;) {
            const std::size_t n = std::min<std::uint64_t>(b, kItems - i);
            i += ring.try_send({buf.data(), n});
          }
        },
        [&] {
          std::uint64_t got = 0, sum = 0;
          while (got < kItems)
            got += ring.try_consume([&](const std::uint64_t& v) { sum += v; }, b);
          benchmark::DoNotOptimize(sum);
        });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kItems));
}
BENCHMARK(Batch)->Arg(1)->Arg(8)->Arg(64)->Arg(256)->Arg(4096)->UseRealTime();

// reserve(B) -> write in place -> commit; readable() -> read in place -> advance.
void ZeroCopy(benchmark::State& state) {
  const auto b = static_cast<std::size_t>(state.range(0));
  HeapRing<std::uint64_t> ring;
  for (auto _ : state) {
    with_threads(
        1,
        [&](unsigned) {
          for (std::uint64_t i = 0; i < kItems;) {
            auto r = ring.try_reserve(std::min<std::uint64_t>(b, kItems - i));
            if (!r) continue;
            for (auto& s : r.span()) s = i++;
            if (!r.commit()) return;
          }
        },
        [&] {
          std::uint64_t got = 0, sum = 0;
          while (got < kItems) {
            const auto v = ring.readable();
            for (std::uint64_t x : v) sum += x;
            ring.advance(v.size());
            got += v.size();
          }
          benchmark::DoNotOptimize(sum);
        });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kItems));
}
BENCHMARK(ZeroCopy)->Arg(1)->Arg(8)->Arg(64)->Arg(256)->Arg(4096)->UseRealTime();

// P producer threads -> one Channel consumer (try_consume, everything published).
template <class Wait>
void Mpsc(benchmark::State& state) {
  const auto producers = static_cast<unsigned>(state.range(0));
  const std::uint64_t per = kItems / producers;
  for (auto _ : state) {
    ringmpsc::Channel<std::uint64_t, Wait> ch(
        ringmpsc::Config{.ring_bits = 13, .max_producers = producers});
    with_threads(
        producers,
        [&](unsigned) {
          auto prod = ch.register_producer().value();
          for (std::uint64_t i = 0; i < per; ++i)
            while (!prod.try_push(i)) std::this_thread::yield();
        },
        [&] {
          std::uint64_t got = 0, sum = 0;
          while (got < per * producers) {
            const auto n = ch.try_consume([&](const std::uint64_t& v) { sum += v; });
            if (n == 0) std::this_thread::yield();
            got += n;
          }
          benchmark::DoNotOptimize(sum);
        });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per * producers));
}
BENCHMARK(Mpsc<ringmpsc::wait::Yielding>)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->UseRealTime();
BENCHMARK(Mpsc<ringmpsc::wait::Phased>)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->UseRealTime();

// Round trip through two channels with blocking push/recv.
template <class Wait>
void PingPong(benchmark::State& state) {
  using Ch = ringmpsc::Channel<std::uint64_t, Wait>;
  Ch ping(ringmpsc::Config{.ring_bits = 4, .max_producers = 1});
  Ch pong(ringmpsc::Config{.ring_bits = 4, .max_producers = 1});
  with_threads(
      1,
      [&](unsigned) {
        auto back = pong.register_producer().value();
        std::uint64_t v[1];
        while (ping.recv(v).status == ringmpsc::Status::ok)
          if (back.push(v[0]) != ringmpsc::Status::ok) break;
      },
      [&] {
        auto out = ping.register_producer().value();
        std::uint64_t v[1];
        std::uint64_t i = 0;
        for (auto _ : state) {
          (void)out.push(i++);
          (void)pong.recv(v);
        }
        ping.close();
      });
  state.counters["round_trip_ns"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(PingPong<ringmpsc::wait::Yielding>)->UseRealTime();
BENCHMARK(PingPong<ringmpsc::wait::Phased>)->UseRealTime();
BENCHMARK(PingPong<ringmpsc::wait::Blocking>)->UseRealTime();

// Time from a push into an idle channel to the blocked consumer's return from wait().
template <class Wait>
void WakeupLatency(benchmark::State& state) {
  ringmpsc::Channel<std::uint64_t, Wait> ch(ringmpsc::Config{.ring_bits = 4, .max_producers = 1});
  std::vector<double> lat;
  std::atomic<std::int64_t> sent_at{0};
  std::atomic<bool> stop{false};
  with_threads(
      1,
      [&](unsigned) {
        std::uint64_t v[1];
        while (!stop) {
          const auto r = ch.try_recv_for(v, std::chrono::milliseconds(100));
          if (r.status == ringmpsc::Status::ok)
            lat.push_back(
                static_cast<double>(Clock::now().time_since_epoch().count() - sent_at.load()));
        }
      },
      [&] {
        auto p = ch.register_producer().value();
        for (auto _ : state) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));  // let the consumer park
          sent_at.store(Clock::now().time_since_epoch().count());
          (void)p.push(1);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        stop = true;
      });
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    state.counters["p50_ns"] = lat[lat.size() / 2];
    state.counters["p99_ns"] = lat[lat.size() * 99 / 100];
  }
}
BENCHMARK(WakeupLatency<ringmpsc::wait::Blocking>)->Iterations(2000)->UseRealTime();
BENCHMARK(WakeupLatency<ringmpsc::wait::Phased>)->Iterations(2000)->UseRealTime();
BENCHMARK(WakeupLatency<ringmpsc::wait::Sleeping>)->Iterations(2000)->UseRealTime();

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU used by a consumer blocked for 1 s on an idle channel, in % of one core.
template <class Wait>
void IdleCpu(benchmark::State& state) {
  ringmpsc::Channel<std::uint64_t, Wait> ch(ringmpsc::Config{.ring_bits = 4, .max_producers = 1});
  double pct = 0;
  for (auto _ : state) {
    double cpu = 0, wall = 0;
    with_threads(
        1,
        [&](unsigned) {
          const double c0 = thread_cpu_seconds();
          const auto t0 = Clock::now();
          benchmark::DoNotOptimize(ch.wait_for(std::chrono::seconds(1)));
          wall = std::chrono::duration<double>(Clock::now() - t0).count();
          cpu = thread_cpu_seconds() - c0;
        },
        [] {});
    pct = 100.0 * cpu / wall;
  }
  state.counters["cpu_pct_of_core"] = pct;
}
// One iteration (the consumer blocks for 1 s), reported in milliseconds.
void one_blocked_second(benchmark::internal::Benchmark* b) {
  b->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK(IdleCpu<ringmpsc::wait::Blocking>)->Apply(one_blocked_second);
BENCHMARK(IdleCpu<ringmpsc::wait::Phased>)->Apply(one_blocked_second);
BENCHMARK(IdleCpu<ringmpsc::wait::Sleeping>)->Apply(one_blocked_second);
BENCHMARK(IdleCpu<ringmpsc::wait::Yielding>)->Apply(one_blocked_second);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest =
      Cli("ringmpsc_gbench",
          "Google Benchmark views that complement scaling_benchmark's side-by-side tables:\n"
          "per-operation throughput, ping-pong, wake-up latency (p50/p99) and the CPU a blocked\n"
          "consumer burns.")
          .pass_through("--benchmark_", "Google Benchmark's own flags, listed below",
                        [] {
                          std::printf("\nGoogle Benchmark's flags:\n");
                          benchmark::PrintDefaultHelp();
                        })
          .parse(argc, argv);
  int n = static_cast<int>(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
