// call_cost: what one producer call and one consumer call cost, single-item, on one
// thread with the caches warm. No second core is involved, so the figures do not depend
// on the regime a two-thread run settles in (docs/benchmarks.md, "Regimes"); what they
// show is which side of a queue is the slower one. A consumer much faster than its
// producer catches up with it and runs right behind it (the empty-ring regime).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "peers.hpp"
#include "stats.hpp"

namespace {

using namespace bench;
using T = std::uint64_t;
using Clock = std::chrono::steady_clock;

struct Cost {
  double push_ns, pop_ns;
};

// `rounds` times: `items` pushes into the empty queue Q (a peers.hpp adapter), then `items`
// pops; the median ns per call of each. Every pop is checked, so a lost or reordered item
// fails the run.
template <class Q>
std::optional<Cost> measure(std::size_t items, int rounds) {
  Q q(QueueSpec{.producers = 1, .slots = 8192});
  auto producer = q.producer(0);
  std::vector<double> pushes, pops;
  T next = 0, expected = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < items; ++i)
      if (!producer.push(next++)) return std::nullopt;
    const auto t1 = Clock::now();
    for (std::size_t i = 0; i < items; ++i) {
      T v = ~T{0};
      if (!q.pop(v) || v != expected++) return std::nullopt;
    }
    const auto t2 = Clock::now();
    pushes.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(items));
    pops.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count() / static_cast<double>(items));
  }
  return Cost{bench::median(pushes), bench::median(pops)};
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<int> rounds_opt;
  bool quick = false;
  bench::Cli("call_cost",
             "One thread, caches warm: the median cost of a single-item push and of a\n"
             "single-item pop for ringmpsc's Ring and channel and for the SPSC peers, 8000\n"
             "items per round; and their ratio, which tells the slower side.")
      .integer("--rounds", "rounds per queue (default 301; --quick: 3)", rounds_opt, 1, 1000000)
      .flag("--quick", "smoke run: checks every item, not the speed", [&] { quick = true; })
      .parse(argc, argv);
  const int rounds = rounds_opt.value_or(quick ? 3 : 301);
  const std::size_t items = 8000;  // below every capacity here (8192 slots)

  std::printf("| queue (8192 slots, u64) | push ns | pop ns | push / pop |\n"
              "|---|---:|---:|---:|\n");
  bool ok = true;
  auto row = [&](const char* name, std::optional<Cost> c) {
    if (!c) {
      std::fprintf(stderr, "call_cost: %s lost, reordered or refused an item\n", name);
      ok = false;
      return;
    }
    std::printf("| %s | %.2f | %.2f | %.2fx |\n", name, c->push_ns, c->pop_ns,
                c->push_ns / c->pop_ns);
  };
  using ringmpsc::wait::Phased, ringmpsc::wait::Yielding;
  row("ringmpsc::Ring (Yielding)", measure<OursRing<T, Yielding>>(items, rounds));
  row("ringmpsc::Ring (Phased)", measure<OursRing<T, Phased>>(items, rounds));
  row("ringmpsc::Channel (Yielding), 1 producer", measure<OursChannel<T, Yielding>>(items, rounds));
  row("in-house ring", measure<InhouseSpsc<T>>(items, rounds));
  row("in-house ring-per-producer consumer, 1 producer", measure<Inhouse<T>>(items, rounds));
#if RINGMPSC_HAVE_READERWRITERQUEUE
  row("moodycamel::ReaderWriterQueue", measure<RWQ<T>>(items, rounds));
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
  row("boost::lockfree::spsc_queue", measure<BoostSpsc<T>>(items, rounds));
#endif
  return ok ? 0 : 1;
}
