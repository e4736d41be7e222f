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

#include <ringmpsc/ringmpsc.hpp>

#include "cli.hpp"
#include "inhouse_ring.hpp"
#include "stats.hpp"

#if RINGMPSC_HAVE_READERWRITERQUEUE
#include <readerwriterqueue/readerwriterqueue.h>
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
#include <boost/lockfree/spsc_queue.hpp>
#endif

namespace {

using T = std::uint64_t;
using Clock = std::chrono::steady_clock;

struct Cost {
  double push_ns, pop_ns;
};

// `rounds` times: `items` pushes into the empty queue, then `items` pops; the median ns per
// call of each. Every pop is checked, so a lost or reordered item fails the run.
template <class Push, class Pop>
std::optional<Cost> measure(std::size_t items, int rounds, Push push, Pop pop) {
  std::vector<double> pushes, pops;
  T next = 0, expected = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < items; ++i)
      if (!push(next++)) return std::nullopt;
    const auto t1 = Clock::now();
    for (std::size_t i = 0; i < items; ++i) {
      T v = ~T{0};
      if (!pop(v) || v != expected++) return std::nullopt;
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
  const ringmpsc::Config config{.ring_bits = 13, .max_producers = 1};

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
  {
    ringmpsc::Ring<T, ringmpsc::wait::Yielding> r(config);
    row("ringmpsc::Ring (Yielding)", measure(items, rounds, [&](T v) { return r.try_push(v); },
                                             [&](T& v) { return r.try_pop(v); }));
  }
  {
    ringmpsc::Ring<T, ringmpsc::wait::Phased> r(config);
    row("ringmpsc::Ring (Phased)", measure(items, rounds, [&](T v) { return r.try_push(v); },
                                           [&](T& v) { return r.try_pop(v); }));
  }
  {
    ringmpsc::Channel<T, ringmpsc::wait::Yielding> ch(config);
    auto p = ch.register_producer().value();
    row("ringmpsc::Channel (Yielding), 1 producer",
        measure(items, rounds, [&](T v) { return p.try_push(v); },
                [&](T& v) { return ch.try_pop(v); }));
  }
  {
    bench::InhouseRing<T> r(8192);
    row("in-house ring", measure(items, rounds, [&](T v) { return r.try_push(v); },
                                 [&](T& v) { return r.try_pop(v); }));
  }
  {
    bench::InhouseFanIn<T> fan(1, 8192);
    row("in-house ring-per-producer consumer, 1 producer",
        measure(items, rounds, [&](T v) { return fan.ring(0).try_push(v); },
                [&](T& v) { return fan.try_pop(v); }));
  }
#if RINGMPSC_HAVE_READERWRITERQUEUE
  {
    moodycamel::ReaderWriterQueue<T> q(8192);
    row("moodycamel::ReaderWriterQueue", measure(items, rounds, [&](T v) { return q.try_enqueue(v); },
                                                 [&](T& v) { return q.try_dequeue(v); }));
  }
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
  {
    boost::lockfree::spsc_queue<T> q(8192);
    row("boost::lockfree::spsc_queue", measure(items, rounds, [&](T v) { return q.push(v); },
                                               [&](T& v) { return q.pop(v); }));
  }
#endif
  return ok ? 0 : 1;
}
