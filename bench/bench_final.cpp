// bench_final: the originals' headline configuration, reproduced and labelled for what it
// is. N independent ring/consumer pairs (no MPSC at all), u32 items, 32K-item batches,
// zero-copy reserve/commit. "no-read": the consumer only moves head, as the Zig and Rust
// figures do; "read": the consumer sums every item. The memset row is the same bytes
// written with nothing else: what the no-read figure really measures.
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "cpu.hpp"
#include "machine.hpp"
#include "protocol.hpp"
#include "report.hpp"

namespace {
using namespace bench;

constexpr std::size_t kBatch = 32768;

Sample run_pairs(unsigned pairs, bool read, std::chrono::nanoseconds duration) {
  std::vector<std::unique_ptr<ringmpsc::Ring<std::uint32_t>>> rings;
  for (unsigned i = 0; i < pairs; ++i)
    rings.push_back(
        std::make_unique<ringmpsc::Ring<std::uint32_t>>(ringmpsc::Config{.ring_bits = 17}));
  std::atomic<bool> stop{false};
  auto done = std::make_unique<std::atomic<bool>[]>(pairs);
  std::vector<std::uint64_t> produced(pairs), consumed(pairs), sums(pairs), expect(pairs);
  std::vector<std::thread> threads;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (unsigned i = 0; i < pairs; ++i) {
    threads.emplace_back([&, i] {
      pin_to(static_cast<int>((2 * i) % cpu_count()));
      auto& r = *rings[i];
      std::uint64_t n = 0, e = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        auto res = r.try_reserve(kBatch);
        if (!res) continue;
        std::uint32_t* p = res.data();
        if (read) {
          for (std::size_t k = 0; k < res.size(); ++k) p[k] = static_cast<std::uint32_t>(n + k);
          for (std::size_t k = 0; k < res.size(); ++k) e += static_cast<std::uint32_t>(n + k);
        } else {
          // The originals' producer: memset the batch, nothing else.
          std::memset(p, static_cast<int>(n & 0xff), res.size() * sizeof(std::uint32_t));
        }
        n += res.size();
        if (!res.commit()) break;
      }
      produced[i] = n;
      expect[i] = e;
      done[i].store(true, std::memory_order_release);
    });
    threads.emplace_back([&, i] {
      pin_to(static_cast<int>((2 * i + 1) % cpu_count()));
      auto& r = *rings[i];
      std::uint64_t n = 0, sum = 0;
      for (;;) {
        const auto view = r.readable();
        if (view.empty()) {
          if (done[i].load(std::memory_order_acquire) && r.was_empty()) break;
          continue;
        }
        if (read)
          for (std::uint32_t v : view) sum += v;
        n += view.size();
        r.advance(view.size());
      }
      consumed[i] = n;
      sums[i] = sum;
    });
  }
  std::this_thread::sleep_for(duration);
  stop.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  Sample s;
  s.verified = s.ordered = true;
  for (unsigned i = 0; i < pairs; ++i) {
    s.items += consumed[i];
    s.verified = s.verified && consumed[i] == produced[i] && (!read || sums[i] == expect[i]);
  }
  s.value = static_cast<double>(s.items) / secs;
  s.msgs_per_cpu_s = cpu > 0 ? static_cast<double>(s.items) / cpu : 0;
  if (!s.verified) s.problem = "count or checksum mismatch";
  return s;
}

/// The same bytes written by `threads` threads with memset, nothing else.
Sample memset_rate(unsigned threads, std::chrono::nanoseconds duration) {
  std::vector<std::uint64_t> counts(threads);
  std::vector<std::thread> pool;
  const double cpu0 = cpu_seconds();
  for (unsigned i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      pin_to(static_cast<int>((2 * i) % cpu_count()));
      std::vector<std::uint32_t> buf(std::size_t{1} << 17);
      std::uint64_t n = 0;
      for (const auto t0 = Clock::now(); Clock::now() - t0 < duration;) {
        for (std::size_t off = 0; off < buf.size(); off += kBatch) {
          std::memset(buf.data() + off, static_cast<int>(n & 0xff), kBatch * sizeof(std::uint32_t));
          n += kBatch;
        }
        asm volatile("" : : "r"(buf.data()) : "memory");
      }
      counts[i] = n;
    });
  }
  for (auto& t : pool) t.join();
  const double cpu = cpu_seconds() - cpu0;
  Sample s;
  for (std::uint64_t c : counts) s.items += c;
  s.value = static_cast<double>(s.items) / std::chrono::duration<double>(duration).count();
  s.msgs_per_cpu_s = cpu > 0 ? static_cast<double>(s.items) / cpu : 0;
  s.verified = s.ordered = true;
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::optional<unsigned> pairs_opt;
  std::optional<int> rounds_opt;
  std::optional<double> seconds_opt;
  std::string json, md;
  Cli("bench_final",
      "The Zig and Rust originals' headline setup, labelled for what it is: N independent\n"
      "ring/consumer pairs (no MPSC), u32, 32K-item zero-copy batches, a consumer that does\n"
      "not read (the originals' figure) and one that sums every item, beside a memset of the\n"
      "same bytes. This is not message passing; scaling_benchmark measures that.")
      .flag("--quick", "smoke run: 1 round of 0.05 s, no warm-up", [&] { quick = true; })
      .integer("--pairs", "ring/consumer pairs (default: cores / 2)", pairs_opt, 1u, 1024u)
      .integer("--rounds", "rounds (default 5; --quick: 1)", rounds_opt, 1, 1000)
      .number("--seconds", "seconds per run (default 1; --quick: 0.05)", seconds_opt, 0.001, 600)
      .text("--json", "FILE", "write the JSON report there", json)
      .text("--md", "FILE", "write the markdown report there (it is printed either way)", md)
      .parse(argc, argv);
  const unsigned pairs = pairs_opt.value_or(std::max(1u, cpu_count() / 2));
  const int rounds = rounds_opt.value_or(quick ? 1 : 5);
  const std::chrono::nanoseconds run(
      static_cast<long long>(seconds_opt.value_or(quick ? 0.05 : 1.0) * 1e9));

  Group g{format("%u independent ring/consumer pairs, u32, %zu-item zero-copy batches (NOT message "
                 "passing)",
                 pairs, kBatch),
          "parity",
          "u32",
          pairs,
          kBatch,
          std::size_t{1} << 17};
  g.entries.push_back({"ringmpsc, consumer does not read (Zig/Rust headline style)", true,
                       [=] { return run_pairs(pairs, false, run); }});
  g.entries.push_back({"ringmpsc, consumer reads and sums every item", true,
                       [=] { return run_pairs(pairs, true, run); }});
  g.entries.push_back({format("plain memset of the same bytes, %u thread(s)", pairs), false,
                       [=] { return memset_rate(pairs, run); }, "", true});
  const bool ok = run_group(g, rounds, !quick);
  Report r{
      "bench_final: parity with the originals' headline setup (NOT message passing)",
      environment(std::chrono::milliseconds(quick ? 20 : 200)),
      rounds,
      std::chrono::duration<double, std::milli>(run).count(),
      {format(
          "Protocol: %d rounds x %.2f s per run, rotated order, %s; pair i: producer on CPU 2i, "
          "consumer on CPU 2i+1 (mod cores)",
          rounds, std::chrono::duration<double>(run).count(),
          quick ? "no warm-up" : "warm-up discarded")},
      {},
      {}};
  r.groups.push_back(std::move(g));
  write_report(r, json, md);
  if (!ok) std::fprintf(stderr, "bench_final: count or checksum mismatch\n");
  return ok ? 0 : 1;
}
