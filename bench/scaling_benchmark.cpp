// scaling_benchmark: ringmpsc against every peer in one run, per ../docs/benchmarks.md.
// Prints a markdown report; writes it and a JSON report where asked. `--help` lists the
// modes and options.
#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "cli.hpp"
#include "consumer_styles.hpp"
#include "machine.hpp"
#include "peers.hpp"
#include "pingpong.hpp"
#include "protocol.hpp"
#include "report.hpp"

namespace {

using namespace bench;
using std::uint64_t;

const std::vector<std::string> all_modes{"spsc",       "batch",     "zerocopy", "msg64",   "mpsc",
                                         "mpsc-batch", "consumers", "bulk",     "pingpong"};

struct Options {
  bool quick = false;
  bool metrics = false;
  int rounds = 11;
  double duration_ms = 200;
  std::vector<std::size_t> capacities{8192};
  std::vector<unsigned> producers;  // empty: per mode, from the core count
  std::vector<std::string> modes = all_modes;
  std::string wait = "phased";
  std::string json, md;

  [[nodiscard]] bool has(const std::string& mode) const {
    return std::find(modes.begin(), modes.end(), mode) != modes.end();
  }
  [[nodiscard]] RunSpec run(unsigned p, bool consumer_waits = false) const {
    return {p, std::chrono::nanoseconds(static_cast<long long>(duration_ms * 1e6)), consumer_waits};
  }
};

Options parse(int argc, char** argv) {
  Options o;
  std::optional<int> rounds;
  std::optional<double> duration;
  Cli cli("scaling_benchmark",
          "ringmpsc against its peers and the in-house ceiling, every queue in the same run, in\n"
          "rotated rounds; ratios are medians of per-round ratios. Modes:\n"
          "  spsc        SPSC single item (try_push / pop), every peer\n"
          "  batch       SPSC batches of 1, 8, 64, 256, 4096 (bulk write, bulk consume)\n"
          "  zerocopy    SPSC reserve/commit and readable/advance vs the in-house copying ring\n"
          "  msg64       64-byte messages, zero-copy vs copying\n"
          "  mpsc        P producers -> 1 consumer, single-item pushes\n"
          "  mpsc-batch  P producers -> 1 consumer, batches of 64 per write\n"
          "  consumers   every consumer style (try_pop, try_recv [1, 16, 256], try_consume (all,\n"
          "              max 64), try_recv_for) of Ring and Channel beside the in-house ring and\n"
          "              ring-per-producer consumer of the same style, with regime evidence\n"
          "  bulk        try_send / try_recv of 256 and 4096 vs the in-house memcpy ring\n"
          "  pingpong    round-trip latency of one item between CPU 0 and CPU 1");
  cli.flag("--quick", "smoke run: 1 round of 20 ms, no warm-up, fewer sizes (not for comparison)",
           [&] { o.quick = true; })
      .integer("--rounds", "rounds per group (default 11; --quick: 1)", rounds, 1, 1000)
      .number("--duration-ms", "milliseconds per run (default 200; --quick: 20)", duration, 1,
              60000)
      .option(
          "--capacity", "C,C,...",
          "slots per ring, a power of two; several: every group once per capacity (default 8192)",
          [&](const std::string& v) {
            o.capacities.clear();
            for (const auto& c : split_list(v)) {
              const auto n = static_cast<std::size_t>(parse_integer(c, 2, std::int64_t{1} << 30));
              if (!std::has_single_bit(n)) throw UsageError(c + " is not a power of two");
              o.capacities.push_back(n);
            }
          })
      .integers("--producers", "producer counts of the mpsc, mpsc-batch and consumers modes",
                o.producers, 1u, 1024u)
      .choices("--modes", "modes to run, default all", o.modes, all_modes)
      .choice("--wait",
              "ringmpsc wait policy of the consumers, bulk and pingpong modes, default phased",
              o.wait, {"phased", "yielding"})
      .flag("--metrics", "turn ringmpsc's Metrics on (adds items per head update to the evidence)",
            [&] { o.metrics = true; })
      .text("--json", "FILE", "write the JSON report there", o.json)
      .text("--md", "FILE", "write the markdown report there (it is printed either way)", o.md);
  (void)cli.parse(argc, argv);
  o.rounds = rounds.value_or(o.quick ? 1 : 11);
  o.duration_ms = duration.value_or(o.quick ? 20 : 200);
  return o;
}

// ------------------------------------------------------------------ producer loops ---

/// Writes producer i's sequence into q until stop: single pushes when batch is 1, else
/// bulk writes of `batch` items (retrying the rest of a partial write).
template <class T, class Q>
ProducerTally produce(Q& q, unsigned i, std::atomic<bool>& stop, std::size_t batch) {
  auto p = q.producer(i);
  Waiter w;
  ProducerTally t;
  if (batch == 1) {
    while (!stop.load(std::memory_order_relaxed)) {
      const bool ok = p.push(make_msg<T>(i, t.sent));
      t.record(ok ? 1 : 0);
      ok ? w.ok() : w.fail();
    }
    return t;
  }
  std::vector<T> buf(batch);
  while (!stop.load(std::memory_order_relaxed)) {
    for (std::size_t k = 0; k < batch; ++k) buf[k] = make_msg<T>(i, t.sent + k);
    for (std::size_t done = 0; done < batch && !stop.load(std::memory_order_relaxed);) {
      const std::size_t n = p.push_bulk(buf.data() + done, batch - done);
      t.record(n);
      done += n;
      n ? w.ok() : w.fail();
    }
  }
  return t;
}

// Zero-copy: write each message in place in the reserved slots.
template <class T>
ProducerTally produce_zero_copy(ringmpsc::Ring<T>& ring, unsigned i, std::atomic<bool>& stop,
                                std::size_t batch) {
  Waiter w;
  ProducerTally t;
  while (!stop.load(std::memory_order_relaxed)) {
    auto r = ring.try_reserve(batch);
    if (!r) {
      t.record(0);
      w.fail();
      continue;
    }
    const std::size_t n = r.size();
    std::uint64_t seq = t.sent;
    for (T& slot : r.span()) slot = make_msg<T>(i, seq++);
    if (!r.commit()) break;
    t.record(n);
    w.ok();
  }
  return t;
}

// ------------------------------------------------------------------------ entries ---

/// A run of queue adapter Q: spec.producers threads writing `batch` items per call, and
/// the consumer make_consumer(q) -> callable(Verifier&) -> items taken.
template <class Q, class T, class MakeConsumer>
Entry entry(std::string name, const RunSpec& run, const QueueSpec& spec, std::size_t batch,
            MakeConsumer make_consumer) {
  return {std::move(name), Q::ours, [=] {
            Q q(spec);
            auto consume = make_consumer(q);
            Sample s = run_threads<T>(
                run,
                [&](unsigned i, std::atomic<bool>& stop) { return produce<T>(q, i, stop, batch); },
                consume);
            if constexpr (requires { q.metrics(); }) s.evidence.add_metrics(q.metrics());
            return s;
          }};
}

/// The consumer pops until the queue is empty or 64 items are taken.
template <class T>
auto pop_burst() {
  return [](auto& q) {
    return [&q](Verifier<T>& v) RINGMPSC_LAMBDA_INLINE {
      T x{};
      std::size_t n = 0;
      while (n < 64 && q.pop(x)) {
        v(x);
        ++n;
      }
      return n;
    };
  };
}

/// The consumer takes up to max items with the queue's best consumer API.
template <class T>
auto best_consume(std::size_t max) {
  return [max](auto& q) {
    return [&q, max](Verifier<T>& v) RINGMPSC_LAMBDA_INLINE { return q.consume(v, max); };
  };
}

/// One call of q.consumer() in style K per harness call (a functor rather than a lambda:
/// a mutable lambda takes the inline attribute at different places in GCC and Clang).
template <Take K, class Q, class T>
struct StyleConsumer {
  Q& q;
  std::size_t n;
  std::vector<T> buf;
  RINGMPSC_ALWAYS_INLINE std::size_t operator()(Verifier<T>& v) {
    return take_once<K>(q.consumer(), v, std::span<T>(buf), n);
  }
};

/// The consumer calls q.consumer() in `style`, one API call per harness call.
template <class Q, class T>
Entry style_entry(std::string name, const Options& o, const QueueSpec& spec, std::size_t batch,
                  const ConsumerStyle& style) {
  Entry e = with_take(style.take, [&](auto k) {
    const RunSpec run = o.run(spec.producers, k == Take::recv_for);
    return entry<Q, T>(std::move(name), run, spec, batch, [n = style.n](Q& q) {
      using C = StyleConsumer<decltype(k)::value, Q, T>;
      return C{q, n, std::vector<T>(std::max<std::size_t>(n, 1))};
    });
  });
  e.pair = style.name;
  return e;
}

/// Every consumer style of Ours beside the same style of Theirs, in pairs; single-item pushes.
template <class Ours, class Theirs>
void add_style_pairs(Group& g, const Options& o, const QueueSpec& spec, const std::string& ours,
                     const std::string& theirs) {
  for (const auto& s : consumer_styles()) {
    g.entries.push_back(style_entry<Ours, uint64_t>(ours, o, spec, 1, s));
    g.entries.push_back(style_entry<Theirs, uint64_t>(theirs, o, spec, 1, s));
  }
}

template <class T>
Entry zero_copy_entry(const Options& o, const QueueSpec& spec, std::size_t batch) {
  return {"ringmpsc::Ring zero-copy (reserve/commit, readable/advance)", true, [=, run = o.run(1)] {
            ringmpsc::Ring<T> ring(spec.config());
            return run_threads<T>(
                run,
                [&](unsigned i, std::atomic<bool>& stop) {
                  return produce_zero_copy<T>(ring, i, stop, batch);
                },
                [&](Verifier<T>& v) RINGMPSC_LAMBDA_INLINE {
                  const auto view = ring.readable();
                  for (const T& x : view) v(x);
                  ring.advance(view.size());
                  return view.size();
                });
          }};
}

/// Every registered peer with role r, written in batches of `batch` (single pushes for 1).
template <unsigned Role, class T, class Consume>
void add_peers(Group& g, const RunSpec& run, const QueueSpec& spec, std::size_t batch,
               Consume consume) {
  for_each_peer<T>([&]<class Q>(std::type_identity<Q>) {
    if constexpr ((Q::roles & Role) != 0)
      g.entries.push_back(entry<Q, T>(label<Q>(batch > 1), run, spec, batch, consume));
  });
}

/// The ringmpsc adapters Qs, in this order (the first is the group's ratio reference),
/// consumed with their best API, up to `max` items per call.
template <class T, class... Qs>
void add_ours(Group& g, const RunSpec& run, const QueueSpec& spec, std::size_t batch,
              std::size_t max) {
  (g.entries.push_back(entry<Qs, T>(Qs::name, run, spec, batch, best_consume<T>(max))), ...);
}

// ------------------------------------------------------------------------- groups ---

/// The groups of one capacity; `suffix` names it when several are swept.
template <class Wait>
void add_groups(std::vector<Group>& groups, const Options& o, std::size_t cap,
                const std::string& suffix, const std::vector<unsigned>& mpsc_producers,
                const std::vector<unsigned>& style_producers) {
  const std::vector<std::size_t> batches =
      o.quick ? std::vector<std::size_t>{1, 256} : std::vector<std::size_t>{1, 8, 64, 256, 4096};
  const QueueSpec one{1, cap, o.metrics};
  auto group = [&](std::string name, std::string mode, std::string type, unsigned p,
                   std::size_t b) {
    return Group{std::move(name) + suffix, std::move(mode), std::move(type), p, b, cap,
                 p + 1 > cpu_count()};
  };
  if (o.has("spsc")) {
    Group g = group("SPSC single item, u64 (try_push / pop)", "single", "u64", 1, 1);
    g.entries.push_back(entry<OursRing<uint64_t>, uint64_t>("ringmpsc::Ring", o.run(1), one, 1,
                                                            pop_burst<uint64_t>()));
    add_peers<role::spsc, uint64_t>(g, o.run(1), one, 1, pop_burst<uint64_t>());
    groups.push_back(std::move(g));
  }
  for (std::size_t b : batches) {
    if (!o.has("batch") || b > cap) break;
    Group g = group("SPSC batch " + std::to_string(b) + ", u64 (bulk send / bulk consume)", "batch",
                    "u64", 1, b);
    g.entries.push_back(entry<OursRing<uint64_t>, uint64_t>(
        "ringmpsc::Ring try_send / try_consume", o.run(1), one, b, best_consume<uint64_t>(b)));
    add_peers<role::spsc_batch, uint64_t>(g, o.run(1), one, b, best_consume<uint64_t>(b));
    groups.push_back(std::move(g));
  }
  for (std::size_t b : batches) {
    if (!o.has("zerocopy") || b > cap) break;
    Group g = group("SPSC zero-copy batch " + std::to_string(b) + ", u64", "zerocopy", "u64", 1, b);
    g.entries.push_back(zero_copy_entry<uint64_t>(o, one, b));
    g.entries.push_back(entry<InhouseSpsc<uint64_t>, uint64_t>(
        "in-house SPSC ring (copying batch)", o.run(1), one, b, best_consume<uint64_t>(b)));
    groups.push_back(std::move(g));
  }
  for (std::size_t b : o.quick ? std::vector<std::size_t>{64} : std::vector<std::size_t>{64, 256}) {
    if (!o.has("msg64") || b > cap) break;
    Group g = group("SPSC batch " + std::to_string(b) + ", 64-byte messages: zero-copy vs copying",
                    "msg64", "msg64", 1, b);
    g.entries.push_back(zero_copy_entry<Msg64>(o, one, b));
    g.entries.push_back(entry<OursRingCopying<Msg64>, Msg64>(OursRingCopying<Msg64>::name, o.run(1),
                                                             one, b, best_consume<Msg64>(b)));
    g.entries.push_back(entry<InhouseSpsc<Msg64>, Msg64>("in-house SPSC ring (copying batch)",
                                                         o.run(1), one, b, best_consume<Msg64>(b)));
    groups.push_back(std::move(g));
  }
  using Yielding = OursChannel<uint64_t, ringmpsc::wait::Yielding>;
  using Phased = OursChannel<uint64_t, ringmpsc::wait::Phased>;
  using PhasedRecv = OursChannelRecv<uint64_t, ringmpsc::wait::Phased>;
  for (unsigned p : mpsc_producers) {
    if (!o.has("mpsc")) break;
    const QueueSpec spec{p, cap, o.metrics};
    Group g = group("MPSC " + std::to_string(p) + "P -> 1C, u64, single-item push, batch consume",
                    "mpsc", "u64", p, 1);
    add_ours<uint64_t, Yielding, Phased, PhasedRecv>(g, o.run(p), spec, 1, 256);
    add_peers<role::mpsc, uint64_t>(g, o.run(p), spec, 1, best_consume<uint64_t>(256));
    groups.push_back(std::move(g));
  }
  for (unsigned p : mpsc_producers) {
    if (!o.has("mpsc-batch")) break;
    if (p == 1) continue;
    const QueueSpec spec{p, cap, o.metrics};
    Group g = group("MPSC " + std::to_string(p) + "P -> 1C, u64, batches of 64 per send",
                    "mpsc-batch", "u64", p, 64);
    add_ours<uint64_t, Phased, Yielding>(g, o.run(p), spec, 64, 256);
    add_peers<role::mpsc_batch, uint64_t>(g, o.run(p), spec, 64, best_consume<uint64_t>(256));
    groups.push_back(std::move(g));
  }
  if (o.has("consumers")) {
    const std::string w = wait_name<Wait>();
    Group g = group(
        "Consumer styles, ringmpsc::Ring<u64, " + w + "> vs the in-house ring, single-item pushes",
        "consumers", "u64", 1, 1);
    add_style_pairs<OursRing<uint64_t, Wait>, InhouseSpsc<uint64_t>>(g, o, one, "ringmpsc::Ring",
                                                                     "in-house ring");
    groups.push_back(std::move(g));
    for (unsigned p : style_producers) {
      Group c = group("Consumer styles, ringmpsc::Channel<u64, " + w + "> " + std::to_string(p) +
                          "P -> 1C vs the in-house ring-per-producer consumer, single-item pushes",
                      "consumers", "u64", p, 1);
      add_style_pairs<OursChannel<uint64_t, Wait>, Inhouse<uint64_t>>(
          c, o, {p, cap, o.metrics}, "ringmpsc::Channel", "in-house fan-in");
      groups.push_back(std::move(c));
    }
  }
  for (std::size_t b : {std::size_t{256}, std::size_t{4096}}) {
    if (!o.has("bulk") || b > cap) break;
    Group g = group("SPSC bulk " + std::to_string(b) + ", u64: try_send / try_recv of " +
                        std::to_string(b) + " (copy in, copy out)",
                    "bulk", "u64", 1, b);
    const ConsumerStyle recv{"try_recv [" + std::to_string(b) + "]", Take::recv, b};
    g.entries.push_back(style_entry<OursRing<uint64_t, Wait>, uint64_t>(
        "ringmpsc::Ring try_send / try_recv", o, one, b, recv));
    g.entries.push_back(
        style_entry<InhouseSpsc<uint64_t>, uint64_t>("in-house memcpy ring", o, one, b, recv));
    for (auto& e : g.entries) e.pair.clear();  // one comparison for the whole group
    groups.push_back(std::move(g));
  }
}

template <class Wait>
void add_pingpong(std::vector<Group>& groups, const Options& o) {
  if (!o.has("pingpong") || cpu_count() < 2) return;
  const QueueSpec spec{1, 1024, o.metrics};
  const auto d = o.run(1).duration;
  Group g{
      "Ping-pong round trip, u64: one item between CPU 0 and CPU 1 through two queues, pause on "
      "failed polls",
      "pingpong",
      "u64",
      1,
      1,
      spec.slots,
      false,
      Metric::round_trip};
  using Ring = OursRing<uint64_t, Wait>;
  using Chan = OursChannel<uint64_t, Wait>;
  g.entries.push_back({std::string("ringmpsc::Ring (") + wait_name<Wait>() + ")", true,
                       [=] { return round_trips<Ring>(spec, d); }});
  g.entries.push_back({Chan::name, true, [=] { return round_trips<Chan>(spec, d); }});
  g.entries.push_back(
      {"in-house SPSC ring", false, [=] { return round_trips<InhouseSpsc<uint64_t>>(spec, d); }});
  groups.push_back(std::move(g));
}

template <class Wait>
std::vector<Group> build_groups(const Options& o) {
  std::vector<unsigned> mpsc = o.producers, styles = o.producers;
  if (o.producers.empty()) {
    mpsc = {1, 2};
    styles = {1, 2};
    if (!o.quick) {
      // 1 .. 2x cores, powers of two, at least up to 8; consumer styles 1, 2, 4 (8 with 8 cores).
      mpsc.clear();
      for (unsigned p = 1; p <= 2 * cpu_count() && p <= 16; p *= 2) mpsc.push_back(p);
      if (mpsc.size() < 4) mpsc = {1, 2, 4, 8};
      styles = {1, 2, 4};
      if (cpu_count() >= 8) styles.push_back(8);
    }
  }
  std::vector<Group> groups;
  for (std::size_t cap : o.capacities) {
    const std::string suffix = o.capacities.size() > 1 ? ", capacity " + std::to_string(cap) : "";
    add_groups<Wait>(groups, o, cap, suffix, mpsc, styles);
  }
  add_pingpong<Wait>(groups, o);
  return groups;
}

std::vector<std::string> protocol_notes(const Options& o) {
  std::string caps;
  for (std::size_t c : o.capacities) caps += (caps.empty() ? "" : ", ") + std::to_string(c);
  const char* metrics = o.metrics
                            ? "; items per head update = Metrics messages_received / "
                              "batches_received"
                            : " (--metrics adds ringmpsc's items per head update)";
  return {
      format("Protocol: %d rounds x %.0f ms per run, rotated order, %s; consumer on CPU 0, "
             "producer i on CPU (1+i) mod %u",
             o.rounds, o.duration_ms, o.quick ? "no warm-up" : "warm-up discarded", cpu_count()),
      "Ratio = median over rounds of (ringmpsc / this) measured in the same round; "
      "consumer-style tables compare each style with the in-house consumer of the same style; "
      "round trips compare times (below 1: ringmpsc faster)",
      "Capacity: " + caps +
          " slots per ring (a shared peer queue holds P x that); failed calls wait with "
          "ringmpsc::Backoff::snooze (spin, then yield) for every queue; consumer styles, bulk "
          "and ping-pong use ringmpsc's " + o.wait + " wait policy, whose blocking calls may park",
      "Regime evidence, seen from outside the queue (median of the runs, their range when they "
      "differ; every run in the JSON): items/call = items per consumer call that returned any "
      "(for try_consume (all) on a ring: the batch seen per read of the producer's index; for a "
      "channel: per sweep of the rings); failed pops % = consumer calls that returned nothing; "
      "failed pushes % = write calls that wrote nothing (ring full)" +
          std::string(metrics) + ". In consumer-style tables each cell is ringmpsc / in-house",
  };
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<Group> groups = o.wait == "yielding" ? build_groups<ringmpsc::wait::Yielding>(o)
                                                   : build_groups<ringmpsc::wait::Phased>(o);
  Report r{std::string("ringmpsc scaling_benchmark") +
               (o.quick ? " (quick smoke run: not for comparison)" : ""),
           environment(std::chrono::milliseconds(o.quick ? 20 : 200)),
           o.rounds,
           o.duration_ms,
           protocol_notes(o),
           {{"wait", o.wait}, {"metrics", o.metrics ? "on" : "off"}},
           {}};
  bool ok = true;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::fprintf(stderr, "[%zu/%zu] %s\n", i + 1, groups.size(), groups[i].name.c_str());
    ok = run_group(groups[i], o.rounds, !o.quick) && ok;
  }
  r.groups = std::move(groups);
  write_report(r, o.json, o.md);
  if (!ok) std::fprintf(stderr, "scaling_benchmark: some runs failed verification\n");
  return ok ? 0 : 1;
}
