// The timing protocol shared by the bench binaries (docs/benchmarks.md): producers write
// distinct sequence numbers, the consumer reads every item and checks the count, the exact
// sum and per-producer order; runs are time-bounded; every entry of a group runs once per
// round in rotated order after a discarded warm-up, and ratios are taken per round.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <numeric>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

#include "cpu.hpp"
#include "stats.hpp"

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

/// Producer p's message number seq: (p + 1) << 56 | seq, never 0.
template <class T>
inline T make_msg(unsigned producer, std::uint64_t seq) noexcept {
  const std::uint64_t k = (std::uint64_t{producer} + 1) << 56 | seq;
  if constexpr (std::is_same_v<T, Msg64>) {
    return Msg64{k, {seq, seq, seq, seq, seq, seq, seq}};
  } else {
    return static_cast<T>(k);
  }
}

/// Checks everything the consumer receives. For u32 (the originals' parity mode) only the
/// count and the sum are checkable: the value holds the low 32 bits of the sequence.
///
/// `count` and `sum` are kept apart on purpose. Side by side, GCC stores both with one
/// 16-byte store per item, and where the consumer routine is not inlined (the verifier then
/// lives in memory) the next item's 8-byte reload of `sum` cannot be forwarded from that
/// store: about 2 ns per item, charged to whichever queue's consumer was not inlined
/// (docs/benchmarks.md, "Inlining of the per-item paths").
///
/// operator() is forced inline. Called from the consumer of every queue in this one large
/// translation unit, it is left out of line wherever GCC's unit-wide inlining budget runs
/// out, and which consumers those are depends on the order GCC visits them, not on the
/// queue: without the attribute the channel's handler styles called it once per item
/// (about 0.6 ns more per item) while every other queue's consumer inlined it.
template <class T>
struct Verifier {
  std::vector<std::uint64_t> next;
  std::uint64_t count = 0;
  bool ordered = true;
  std::uint64_t sum = 0;
  explicit Verifier(unsigned producers) : next(producers, 0) {}
  [[gnu::always_inline]] void operator()(const T& v) noexcept {
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

/// The sum a Verifier reaches when producer i's first sent[i] messages all arrived.
template <class T>
std::uint64_t expected_sum(const std::vector<std::uint64_t>& sent) {
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < sent.size(); ++i) {
    if constexpr (std::is_same_v<T, std::uint32_t>) {
      for (std::uint64_t s = 0; s < sent[i]; ++s) sum += make_msg<T>(i, s);
    } else {
      sum += sent[i] * (sent[i] - (sent[i] ? 1 : 0)) / 2;
    }
  }
  return sum;
}

// ------------------------------------------------------------------------- one run ---

/// The wait policy every queue gets: spin a little, then yield (the same for all).
struct Waiter {
  ringmpsc::Backoff backoff;
  void fail() noexcept { backoff.snooze(); }
  void ok() noexcept { backoff.reset(); }
};

/// What one producer thread did: items sent, write calls made and how many wrote nothing.
struct ProducerTally {
  std::uint64_t sent = 0, calls = 0, failed = 0;
  void record(std::size_t written) noexcept {
    sent += written;
    ++calls;
    failed += written == 0;
  }
};

/// The regime a run settled in, as the harness sees it from outside the queue.
///   consumer_calls / empty_calls: calls of the consumer routine (one API call; for a peer
///     without a bulk API, one burst of pops) and those that returned nothing.
///   push_calls / failed_pushes: the same for the producers' write calls.
///   received / releases / waits / wakeups: ringmpsc's Metrics (messages_received,
///     batches_received: one per head update; waits: times a thread parked; wakeups), only
///     when the run had metrics on.
struct Evidence {
  std::uint64_t consumer_calls = 0, empty_calls = 0, push_calls = 0, failed_pushes = 0;
  std::uint64_t received = 0, releases = 0, waits = 0, wakeups = 0;

  [[nodiscard]] double items_per_call(std::uint64_t items) const noexcept {
    const std::uint64_t ok = consumer_calls - empty_calls;
    return ok ? static_cast<double>(items) / static_cast<double>(ok) : 0;
  }
  [[nodiscard]] double failed_pop_pct() const noexcept {
    return consumer_calls
               ? 100.0 * static_cast<double>(empty_calls) / static_cast<double>(consumer_calls)
               : 0;
  }
  [[nodiscard]] double failed_push_pct() const noexcept {
    return push_calls ? 100.0 * static_cast<double>(failed_pushes) / static_cast<double>(push_calls)
                      : 0;
  }
  /// Items per head update (Metrics); 0 when metrics were off.
  [[nodiscard]] double items_per_release() const noexcept {
    return releases ? static_cast<double>(received) / static_cast<double>(releases) : 0;
  }
  template <class M>
  void add_metrics(const M& m) noexcept {
    received = m.messages_received;
    releases = m.batches_received;
    waits = m.waits;
    wakeups = m.wakeups;
  }
};

struct Sample {
  double value = 0;           // msg/s, or ns for a latency group
  double msgs_per_cpu_s = 0;  // throughput groups only
  std::uint64_t items = 0;
  bool verified = false;  // count and exact checksum
  bool ordered = false;   // per-producer FIFO held
  std::string problem;    // what failed
  Evidence evidence;
};

struct RunSpec {
  unsigned producers = 1;
  std::chrono::nanoseconds duration{};
  /// The consumer routine waits inside its own call (a timed receive): the harness does
  /// not back off after a call that returned nothing.
  bool consumer_waits = false;
};

/// One throughput run: producers for spec.duration, the consumer calling consume(verifier)
/// -> items taken on the calling thread; then it drains and verifies.
template <class T, class Produce, class Consume>
Sample run_threads(const RunSpec& spec, Produce&& produce, Consume&& consume) {
  std::atomic<unsigned> finished{0};
  Verifier<T> verify(spec.producers);
  Evidence ev;
  double cpu = 0, secs = 0;
  const auto tallies = run_pinned(
      spec.producers,
      [&](unsigned i, std::atomic<bool>& stop) {
        const ProducerTally t = produce(i, stop);
        finished.fetch_add(1, std::memory_order_release);
        return t;
      },
      [&](std::atomic<bool>& stop) {
        const double cpu0 = cpu_seconds();
        const auto t0 = Clock::now();
        const auto t_stop = t0 + spec.duration;
        Waiter w;
        for (std::uint64_t polls = 1;; ++polls) {
          const std::size_t n = consume(verify);
          ++ev.consumer_calls;
          if (n != 0) {
            w.ok();
          } else {
            ++ev.empty_calls;
            if (finished.load(std::memory_order_acquire) == spec.producers) {
              // Everything sent is published once the producers have finished; one more pass.
              while (consume(verify) != 0) {
              }
              break;
            }
            if (!spec.consumer_waits) w.fail();
          }
          // A run ends at its time once an item arrived (on a busy machine the producers may
          // not have run yet), and after a generous grace period regardless (a run that
          // moved nothing then fails).
          if ((polls & 63) == 0 && !stop.load(std::memory_order_relaxed)) {
            const auto now = Clock::now();
            if ((now >= t_stop && verify.count != 0) || now >= t_stop + std::chrono::seconds(30))
              stop.store(true, std::memory_order_relaxed);
          }
        }
        secs = std::chrono::duration<double>(Clock::now() - t0).count();
        cpu = cpu_seconds() - cpu0;
      });
  std::vector<std::uint64_t> sent;
  for (const ProducerTally& t : tallies) {
    sent.push_back(t.sent);
    ev.push_calls += t.calls;
    ev.failed_pushes += t.failed;
  }
  const std::uint64_t total = std::accumulate(sent.begin(), sent.end(), std::uint64_t{0});
  const std::uint64_t sum = expected_sum<T>(sent);
  Sample s;
  s.items = verify.count;
  s.value = static_cast<double>(verify.count) / secs;
  s.msgs_per_cpu_s = cpu > 0 ? static_cast<double>(verify.count) / cpu : 0;
  s.verified = verify.count == total && verify.sum == sum && total > 0;
  s.ordered = verify.ordered;
  s.evidence = ev;
  if (!s.verified || !s.ordered) {
    s.problem = "received " + std::to_string(verify.count) + " of " + std::to_string(total) +
                (verify.sum == sum ? "" : ", checksum mismatch") +
                (verify.ordered ? "" : ", per-producer order broken");
  }
  return s;
}

// ------------------------------------------------------------------ groups, rounds ---

enum class Metric { throughput, round_trip };

/// One queue (or one way of using it) in a group. `pair`: entries with the same non-empty
/// key form a comparison (a consumer style, say): each is compared with the `ours` entry
/// of its key. A `reference` entry turns the group's ratio into this / reference.
struct Entry {
  std::string queue;
  bool ours = false;
  std::function<Sample()> run;
  std::string pair = {};
  bool reference = false;
  std::vector<Sample> samples = {};
};

struct Group {
  std::string name;  // e.g. "SPSC single item, u64"
  std::string mode;  // single, batch, zerocopy, msg64, mpsc, mpsc-batch, consumers, bulk, pingpong
  std::string type;  // u64, msg64, u32
  unsigned producers = 1;
  std::size_t batch = 1;
  std::size_t capacity = 0;  // slots per ring (0: not applicable)
  bool oversubscribed = false;
  Metric metric = Metric::throughput;
  std::vector<Entry> entries = {};
};

/// Rounds in rotated order, after one discarded warm-up run of each entry.
inline bool run_group(Group& g, int rounds, bool warmup) {
  if (warmup)
    for (auto& e : g.entries) (void)e.run();
  bool ok = true;
  const std::size_t n = g.entries.size();
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < n; ++k) {
      Entry& e = g.entries[(k + static_cast<std::size_t>(r)) % n];
      Sample s = e.run();
      // Lost, duplicated or corrupted items fail the run for any queue; a broken
      // per-producer order is reported for peers (some do not promise it under
      // preemption) and fails the run for ringmpsc, which does.
      if (!s.verified || (!s.ordered && e.ours)) {
        std::fprintf(stderr, "VERIFY FAILED: %s / %s: %s\n", g.name.c_str(), e.queue.c_str(),
                     s.problem.c_str());
        ok = false;
      }
      e.samples.push_back(std::move(s));
    }
  }
  return ok;
}

}  // namespace bench
