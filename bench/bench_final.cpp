// bench_final: the originals' headline configuration, reproduced and labelled for what it
// is. N independent ring/consumer pairs (no MPSC at all), u32 items, 32K-item batches,
// zero-copy reserve/commit. "no-read": the consumer only moves head, as the Zig and Rust
// figures do; "read": the consumer sums every item. The memset row is the same bytes
// written by one thread with nothing else: what the no-read figure really measures.
// Usage: bench_final [--quick] [--pairs N] [--json F]
#include <cstring>

#include "harness.hpp"

namespace {
using namespace bench;

constexpr std::size_t kBatch = 32768;

struct PairResult {
  double msgs_per_s;
  bool ok;
};

PairResult run_pairs(unsigned pairs, bool read, double seconds) {
  std::vector<std::unique_ptr<ringmpsc::Ring<std::uint32_t>>> rings;
  for (unsigned i = 0; i < pairs; ++i)
    rings.push_back(std::make_unique<ringmpsc::Ring<std::uint32_t>>(ringmpsc::Config{.ring_bits = 17}));
  std::atomic<bool> stop{false};
  auto done = std::make_unique<std::atomic<bool>[]>(pairs);
  std::vector<std::uint64_t> produced(pairs), consumed(pairs), sums(pairs), expect(pairs);
  std::vector<std::thread> threads;
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
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::uint64_t total = 0;
  bool ok = true;
  for (unsigned i = 0; i < pairs; ++i) {
    total += consumed[i];
    ok = ok && consumed[i] == produced[i] && (!read || sums[i] == expect[i]);
  }
  return {static_cast<double>(total) / secs, ok};
}

double memset_rate(double seconds) {
  std::vector<std::uint32_t> buf(std::size_t{1} << 17);
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
    for (std::size_t off = 0; off < buf.size(); off += kBatch) {
      std::memset(buf.data() + off, static_cast<int>(n & 0xff), kBatch * sizeof(std::uint32_t));
      n += kBatch;
    }
    asm volatile("" : : "r"(buf.data()) : "memory");
  }
  return static_cast<double>(n) / std::chrono::duration<double>(Clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  unsigned pairs = std::max(1u, cpu_count() / 2);
  std::string json = "bench_final.json";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--pairs" && i + 1 < argc) pairs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    else if (a == "--json" && i + 1 < argc) json = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_final [--quick] [--pairs N] [--json F]\n");
      return 2;
    }
  }
  const double secs = quick ? 0.05 : 1.0;
  const int rounds = quick ? 1 : 5;
  std::vector<double> noread, withread, mem;
  bool ok = true;
  for (int r = 0; r < rounds; ++r) {
    const auto a = run_pairs(pairs, false, secs);
    const auto b = run_pairs(pairs, true, secs);
    ok = ok && a.ok && b.ok;
    noread.push_back(a.msgs_per_s);
    withread.push_back(b.msgs_per_s);
    mem.push_back(memset_rate(secs) * pairs);
  }
  std::printf("# bench_final: parity with the originals' headline setup (NOT message passing)\n\n");
  std::printf("%u independent ring/consumer pairs, u32, %zu-item zero-copy batches, %d rounds of %.2f s\n\n",
              pairs, kBatch, rounds, secs);
  std::printf("| configuration | median M msg/s | vs memset |\n|---|---:|---:|\n");
  const double m = median(mem);
  std::printf("| ringmpsc, consumer does not read (Zig/Rust headline style) | %.0f | %.2fx |\n", median(noread) / 1e6, median(noread) / m);
  std::printf("| ringmpsc, consumer reads and sums every item | %.0f | %.2fx |\n", median(withread) / 1e6, median(withread) / m);
  std::printf("| plain memset of the same bytes, %u thread(s) | %.0f | 1.00x |\n", pairs, m / 1e6);
  std::ofstream(json) << "{\"pairs\": " << pairs << ", \"batch\": " << kBatch << ", \"no_read_msgs_per_s\": "
                      << median(noread) << ", \"read_msgs_per_s\": " << median(withread)
                      << ", \"memset_msgs_per_s\": " << m << ", \"verified\": " << (ok ? "true" : "false") << "}\n";
  if (!ok) std::fprintf(stderr, "bench_final: count or checksum mismatch\n");
  return ok ? 0 : 1;
}
