// scaling_benchmark: ringmpsc against every peer in one run, per ../docs/benchmarks.md.
//   SPSC single item, SPSC batches of B, zero-copy batches, 64-byte messages, and true
//   N-producer -> 1-consumer scaling. Prints markdown tables, writes JSON (and markdown).
// Usage: scaling_benchmark [--quick] [--rounds N] [--duration-ms D] [--capacity C]
//        [--producers 1,2,4,8] [--modes spsc,batch,zerocopy,msg64,mpsc,mpsc-batch] [--json F] [--md F]
#include <cstdlib>
#include <cstring>
#include <set>

#include "harness.hpp"
#include "peers.hpp"

namespace {

using namespace bench;
using std::uint64_t;

struct Options {
  bool quick = false;
  int rounds = 11;
  double duration_ms = 200;
  std::size_t capacity = 8192;
  std::vector<unsigned> producers;
  std::set<std::string> modes{"spsc", "batch", "zerocopy", "msg64", "mpsc", "mpsc-batch"};
  std::string json = "scaling_benchmark.json", md;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const auto comma = s.find(',', pos);
    out.push_back(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value after %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--quick") {
      o.quick = true;
      o.rounds = 1;
      o.duration_ms = 20;
    } else if (a == "--rounds") {
      o.rounds = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--duration-ms") {
      o.duration_ms = std::max(1.0, std::atof(next().c_str()));
    } else if (a == "--capacity") {
      o.capacity = std::bit_ceil(static_cast<std::size_t>(std::max(2, std::atoi(next().c_str()))));
    } else if (a == "--producers") {
      o.producers.clear();
      for (const auto& p : split(next())) o.producers.push_back(static_cast<unsigned>(std::max(1, std::atoi(p.c_str()))));
    } else if (a == "--modes") {
      o.modes.clear();
      for (const auto& m : split(next())) o.modes.insert(m);
    } else if (a == "--json") {
      o.json = next();
    } else if (a == "--md") {
      o.md = next();
    } else {
      std::fprintf(stderr, "unknown option %s (see the header of scaling_benchmark.cpp)\n", a.c_str());
      std::exit(2);
    }
  }
  if (o.producers.empty()) {
    if (o.quick) {
      o.producers = {1, 2};
    } else {
      // 1 .. 2x cores, powers of two.
      for (unsigned p = 1; p <= 2 * cpu_count() && p <= 16; p *= 2) o.producers.push_back(p);
      if (o.producers.size() < 4) o.producers = {1, 2, 4, 8};
    }
  }
  return o;
}

// ------------------------------------------------------------------ producer loops ---

template <class T, class Q>
uint64_t produce_single(Q& q, unsigned i, std::atomic<bool>& stop) {
  auto p = q.producer(i);
  Waiter w;
  uint64_t seq = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (p.push(make_msg<T>(i, seq))) {
      ++seq;
      w.ok();
    } else {
      w.fail();
    }
  }
  return seq;
}

template <class T, class Q>
uint64_t produce_batch(Q& q, unsigned i, std::atomic<bool>& stop, std::size_t batch) {
  auto p = q.producer(i);
  std::vector<T> buf(batch);
  Waiter w;
  uint64_t seq = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (std::size_t k = 0; k < batch; ++k) fill_msg(buf[k], i, seq + k);
    std::size_t done = 0;
    while (done < batch) {
      const std::size_t n = p.push_bulk(buf.data() + done, batch - done);
      if (n != 0) {
        done += n;
        w.ok();
      } else {
        if (stop.load(std::memory_order_relaxed)) break;
        w.fail();
      }
    }
    seq += done;
  }
  return seq;
}

// Zero-copy: write each message in place in the reserved slots.
template <class T>
uint64_t produce_zero_copy(ringmpsc::Ring<T>& ring, unsigned i, std::atomic<bool>& stop,
                           std::size_t batch) {
  Waiter w;
  uint64_t seq = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    auto r = ring.try_reserve(batch);
    if (!r) {
      w.fail();
      continue;
    }
    for (T& slot : r.span()) fill_msg(slot, i, seq++);
    if (!r.commit()) break;
    w.ok();
  }
  return seq;
}

// ------------------------------------------------------------------------ entries ---

template <class Q, class T>
Entry single_entry(const Options& o, unsigned producers) {
  return {Q::name, Q::ours, [=] {
            Q q(producers, o.capacity);
            return run_threads<T>(
                producers, std::chrono::nanoseconds(static_cast<long>(o.duration_ms * 1e6)),
                [&](unsigned i, std::atomic<bool>& stop) { return produce_single<T>(q, i, stop); },
                [&](Verifier<T>& v) {
                  T x{};
                  std::size_t n = 0;
                  while (n < 64 && q.pop(x)) {
                    v(x);
                    ++n;
                  }
                  return n;
                });
          }, {}};
}

template <class Q, class T>
Entry batch_entry(const Options& o, unsigned producers, std::size_t batch,
                  std::size_t consume_max, std::string label = {}) {
  return {label.empty() ? Q::name : label, Q::ours, [=] {
            Q q(producers, o.capacity);
            return run_threads<T>(
                producers, std::chrono::nanoseconds(static_cast<long>(o.duration_ms * 1e6)),
                [&](unsigned i, std::atomic<bool>& stop) {
                  // Batches of one are single-item pushes (push), not one-item bulk calls.
                  return batch == 1 ? produce_single<T>(q, i, stop) : produce_batch<T>(q, i, stop, batch);
                },
                [&](Verifier<T>& v) { return q.consume(v, consume_max); });
          }, {}};
}

template <class T>
Entry zero_copy_entry(const Options& o, std::size_t batch) {
  return {"ringmpsc::Ring zero-copy (reserve/commit, readable/advance)", true, [=] {
            ringmpsc::Ring<T> ring(ringmpsc::Config{
                .ring_bits = static_cast<std::uint32_t>(std::countr_zero(o.capacity))});
            return run_threads<T>(
                1, std::chrono::nanoseconds(static_cast<long>(o.duration_ms * 1e6)),
                [&](unsigned i, std::atomic<bool>& stop) { return produce_zero_copy<T>(ring, i, stop, batch); },
                [&](Verifier<T>& v) {
                  const auto view = ring.readable();
                  for (const T& x : view) v(x);
                  ring.advance(view.size());
                  return view.size();
                });
          }, {}};
}

/// ringmpsc copying batch that copies out on the consumer side too (send + recv).
template <class T>
struct OursRingCopying : OursRing<T> {
  static constexpr const char* name = "ringmpsc::Ring send/recv (copying)";
  std::vector<T> buf;
  using OursRing<T>::OursRing;
  std::size_t pop_bulk(T* out, std::size_t n) { return this->ring.try_recv(std::span<T>(out, n)); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop_bulk(*this, f, max, buf); }
};

// ------------------------------------------------------------------------- groups ---

template <class T>
void add_spsc_peers_single(std::vector<Entry>& e, const Options& o) {
  e.push_back(single_entry<OursRing<T>, T>(o, 1));
  e.push_back(single_entry<Inhouse<T>, T>(o, 1));
#if RINGMPSC_HAVE_READERWRITERQUEUE
  e.push_back(single_entry<RWQ<T>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
  e.push_back(single_entry<BoostSpsc<T>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_ATOMIC_QUEUE
  e.push_back(single_entry<AtomicQ<T, true>, T>(o, 1));
  e.push_back(single_entry<AtomicQ<T, false>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_CONCURRENTQUEUE
  e.push_back(single_entry<CQ<T>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
  e.push_back(single_entry<BoostQueue<T>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_TBB
  e.push_back(single_entry<TbbQueue<T>, T>(o, 1));
#endif
#if RINGMPSC_HAVE_XENIUM
  e.push_back(single_entry<Xenium<T>, T>(o, 1));
#endif
  e.push_back(single_entry<MutexDeque<T>, T>(o, 1));
}

std::vector<Group> build_groups(const Options& o) {
  std::vector<Group> groups;
  const std::vector<std::size_t> batches =
      o.quick ? std::vector<std::size_t>{1, 256} : std::vector<std::size_t>{1, 8, 64, 256, 4096};
  if (o.modes.count("spsc")) {
    Group g{"SPSC single item, u64 (try_push / pop)", "single", "u64", 1, 1, false, {}};
    add_spsc_peers_single<uint64_t>(g.entries, o);
    groups.push_back(std::move(g));
  }
  if (o.modes.count("batch")) {
    for (std::size_t b : batches) {
      if (b > o.capacity) continue;
      Group g{"SPSC batch " + std::to_string(b) + ", u64 (bulk send / bulk consume)", "batch", "u64", 1, b, false, {}};
      g.entries.push_back(batch_entry<OursRing<uint64_t>, uint64_t>(o, 1, b, b, "ringmpsc::Ring try_send / try_consume"));
      g.entries.push_back(batch_entry<Inhouse<uint64_t>, uint64_t>(o, 1, b, b, "in-house SPSC ring (bulk)"));
#if RINGMPSC_HAVE_BOOST_LOCKFREE
      g.entries.push_back(batch_entry<BoostSpsc<uint64_t>, uint64_t>(o, 1, b, b, "boost::lockfree::spsc_queue (bulk)"));
#endif
#if RINGMPSC_HAVE_CONCURRENTQUEUE
      g.entries.push_back(batch_entry<CQ<uint64_t>, uint64_t>(o, 1, b, b, "moodycamel::ConcurrentQueue (tokens, bulk)"));
#endif
#if RINGMPSC_HAVE_READERWRITERQUEUE
      g.entries.push_back(batch_entry<RWQ<uint64_t>, uint64_t>(o, 1, b, b));
#endif
      g.entries.push_back(batch_entry<MutexDeque<uint64_t>, uint64_t>(o, 1, b, b, "std::mutex + std::deque (bulk)"));
      groups.push_back(std::move(g));
    }
  }
  if (o.modes.count("zerocopy")) {
    for (std::size_t b : batches) {
      if (b > o.capacity) continue;
      Group g{"SPSC zero-copy batch " + std::to_string(b) + ", u64", "zerocopy", "u64", 1, b, false, {}};
      g.entries.push_back(zero_copy_entry<uint64_t>(o, b));
      g.entries.push_back(batch_entry<Inhouse<uint64_t>, uint64_t>(o, 1, b, b, "in-house SPSC ring (copying batch)"));
      groups.push_back(std::move(g));
    }
  }
  if (o.modes.count("msg64")) {
    for (std::size_t b : o.quick ? std::vector<std::size_t>{64} : std::vector<std::size_t>{64, 256}) {
      Group g{"SPSC batch " + std::to_string(b) + ", 64-byte messages: zero-copy vs copying", "msg64", "msg64", 1, b, false, {}};
      g.entries.push_back(zero_copy_entry<Msg64>(o, b));
      g.entries.push_back(batch_entry<OursRingCopying<Msg64>, Msg64>(o, 1, b, b));
      g.entries.push_back(batch_entry<Inhouse<Msg64>, Msg64>(o, 1, b, b, "in-house SPSC ring (copying batch)"));
      groups.push_back(std::move(g));
    }
  }
  if (o.modes.count("mpsc")) {
    for (unsigned p : o.producers) {
      Group g{"MPSC " + std::to_string(p) + "P -> 1C, u64, single-item push, batch consume",
              "mpsc", "u64", p, 1, p + 1 > cpu_count(), {}};
      g.entries.push_back(batch_entry<OursChannel<uint64_t, ringmpsc::wait::Yielding>, uint64_t>(o, p, 1, 256));
      g.entries.push_back(batch_entry<OursChannel<uint64_t, ringmpsc::wait::Phased>, uint64_t>(o, p, 1, 256));
      g.entries.push_back(batch_entry<OursChannelRecv<uint64_t, ringmpsc::wait::Phased>, uint64_t>(o, p, 1, 256));
      g.entries.push_back(batch_entry<Inhouse<uint64_t>, uint64_t>(o, p, 1, 256, "in-house SPSC ring per producer"));
#if RINGMPSC_HAVE_CONCURRENTQUEUE
      g.entries.push_back(batch_entry<CQ<uint64_t>, uint64_t>(o, p, 1, 256, "moodycamel::ConcurrentQueue (tokens)"));
#endif
#if RINGMPSC_HAVE_ATOMIC_QUEUE
      g.entries.push_back(batch_entry<AtomicQ<uint64_t, false>, uint64_t>(o, p, 1, 256));
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
      g.entries.push_back(batch_entry<BoostQueue<uint64_t>, uint64_t>(o, p, 1, 256));
#endif
#if RINGMPSC_HAVE_TBB
      g.entries.push_back(batch_entry<TbbQueue<uint64_t>, uint64_t>(o, p, 1, 256));
#endif
#if RINGMPSC_HAVE_XENIUM
      g.entries.push_back(batch_entry<Xenium<uint64_t>, uint64_t>(o, p, 1, 256));
#endif
      g.entries.push_back(batch_entry<MutexDeque<uint64_t>, uint64_t>(o, p, 1, 256));
      groups.push_back(std::move(g));
    }
  }
  if (o.modes.count("mpsc-batch")) {
    for (unsigned p : o.producers) {
      if (p == 1) continue;
      Group g{"MPSC " + std::to_string(p) + "P -> 1C, u64, batches of 64 per send",
              "mpsc-batch", "u64", p, 64, p + 1 > cpu_count(), {}};
      g.entries.push_back(batch_entry<OursChannel<uint64_t, ringmpsc::wait::Phased>, uint64_t>(o, p, 64, 256));
      g.entries.push_back(batch_entry<OursChannel<uint64_t, ringmpsc::wait::Yielding>, uint64_t>(o, p, 64, 256));
      g.entries.push_back(batch_entry<Inhouse<uint64_t>, uint64_t>(o, p, 64, 256, "in-house SPSC ring per producer"));
#if RINGMPSC_HAVE_CONCURRENTQUEUE
      g.entries.push_back(batch_entry<CQ<uint64_t>, uint64_t>(o, p, 64, 256, "moodycamel::ConcurrentQueue (tokens, bulk)"));
#endif
      g.entries.push_back(batch_entry<MutexDeque<uint64_t>, uint64_t>(o, p, 64, 256, "std::mutex + std::deque (bulk)"));
      groups.push_back(std::move(g));
    }
  }
  return groups;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const Environment env = environment();
  std::vector<Group> groups = build_groups(o);
  bool ok = true;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::fprintf(stderr, "[%zu/%zu] %s\n", i + 1, groups.size(), groups[i].name.c_str());
    ok = run_group(groups[i], o.rounds, !o.quick) && ok;
  }
  write_reports(std::string("ringmpsc scaling_benchmark") + (o.quick ? " (quick smoke run: not for comparison)" : ""),
                env, groups, o.rounds, o.duration_ms, o.json, o.md);
  if (!ok) std::fprintf(stderr, "scaling_benchmark: some runs failed verification\n");
  return ok ? 0 : 1;
}
