// The edges of every contract in docs/api.md: misuse, races with close() and with a
// producer's drop, allocation failure, handlers that throw or return. Built twice: with
// the debug checks (ringmpsc_tests) and as an optimised NDEBUG build
// (ringmpsc_release_tests), so each failure path is shown to hold without them.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "rings.hpp"

using namespace std::chrono_literals;
using ringmpsc::Config;
using ringmpsc::Errc;
using ringmpsc::Status;
using test::Tracked;

namespace {

/// Runs `body` in a child process with stderr captured; returns whether the child was
/// killed by SIGABRT and what it wrote to stderr.
struct ChildResult {
  bool aborted = false;
  std::string err;
};
ChildResult in_child(const std::function<void()>& body) {
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not the test framework's handler: just die
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    body();
    std::_Exit(0);
  }
  ::close(pipefd[1]);
  ChildResult r;
  char buf[256];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  r.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return r;
}

}  // namespace

// ------------------------------------------------ a reservation outlives its Producer ---

TEST_CASE("a reservation outliving its producer keeps the ring out of reuse until it ends",
          "[edge][reservation][lifecycle]") {
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 4, .max_producers = 1});
  auto p = ch.register_producer().value();
  REQUIRE(p.try_push(1));
  auto r = p.try_reserve(2);
  REQUIRE(r.size() == 2);
  r[0] = 2;
  r[1] = 3;
  { auto gone = std::move(p); }  // dropped with the reservation open
  REQUIRE(ch.producer_count() == 1);  // its place is held until the reservation ends
  REQUIRE_FALSE(ch.is_disconnected());
  auto q = ch.register_producer();
  REQUIRE_FALSE(q);
  REQUIRE(q.error() == Errc::too_many_producers);
  REQUIRE(r.commit());  // delivered as the dropped producer's
  REQUIRE(ch.producer_count() == 0);
  REQUIRE(ch.is_disconnected());
  // The ring holds 1, 2, 3 of the dropped producer: not reusable until drained.
  auto early = ch.register_producer();
  REQUIRE_FALSE(early);
  REQUIRE(early.error() == Errc::rings_not_drained);
  std::vector<std::uint64_t> got;
  REQUIRE(ch.try_consume([&](std::uint64_t v) { got.push_back(v); }) == 3);
  REQUIRE(got == std::vector<std::uint64_t>{1, 2, 3});
  auto next = ch.register_producer().value();
  REQUIRE(next.try_push(4));
  got.clear();
  REQUIRE(ch.try_consume([&](std::uint64_t v) { got.push_back(v); }) == 1);
  REQUIRE(got == std::vector<std::uint64_t>{4});  // never mixed into another's stream
}

TEST_CASE("a cancelled orphan reservation frees the ring at once", "[edge][reservation][lifecycle]") {
  Tracked::reset();
  {
    ringmpsc::Channel<Tracked> ch(Config{.ring_bits = 3, .max_producers = 1});
    auto p = ch.register_producer().value();
    auto r = p.try_reserve(3);
    r.emplace_back(7u);
    { auto gone = std::move(p); }
    REQUIRE_FALSE(ch.register_producer());
    r.cancel();
    REQUIRE(Tracked::alive() == 0);
    auto q = ch.register_producer().value();  // empty ring, reusable
    REQUIRE(q.try_emplace(8u));
    REQUIRE(ch.try_consume([](Tracked& t) { REQUIRE(t.value == 8); }) == 1);
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}

TEST_CASE("a consumer waiting for disconnection is woken when the orphan reservation ends",
          "[edge][reservation][wait]") {
  ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking> ch(
      Config{.ring_bits = 3, .max_producers = 1, .metrics = ringmpsc::MetricsMode::on});
  auto p = ch.register_producer().value();
  auto r = p.try_reserve(1);
  r[0] = 42;
  { auto gone = std::move(p); }
  std::atomic<int> status{-1};
  std::vector<std::uint64_t> got;
  std::thread consumer([&] {
    for (;;) {
      const auto b = ch.consume([&](std::uint64_t v) { got.push_back(v); });
      if (b.status != Status::ok) {
        status = static_cast<int>(b.status);
        return;
      }
    }
  });
  const auto give_up = ringmpsc::Clock::now() + 30s;
  while (ch.metrics().waits == 0 && ringmpsc::Clock::now() < give_up) std::this_thread::sleep_for(1ms);
  REQUIRE(status == -1);  // not disconnected while the reservation is open
  REQUIRE(r.commit());
  consumer.join();
  REQUIRE(status == static_cast<int>(Status::disconnected));
  REQUIRE(got == std::vector<std::uint64_t>{42});
}

// ------------------------------------------------------ emplace_back past the reservation ---

TEMPLATE_TEST_CASE("emplace_back past size() fails without effect in every build",
                   "[edge][reservation]", RING_TYPES_TRACKED) {
  Tracked::reset();
  {
    TestType r;
    for (std::uint64_t i = 0; i < 14; ++i) REQUIRE(r.try_emplace(i));
    REQUIRE(r.try_consume([](Tracked&) {}, 2) == 2);  // 12 unconsumed; 2 free at slots 14, 15
    auto res = r.try_reserve(4);
    REQUIRE(res.size() == 2);  // the rest is behind the wrap
    REQUIRE(res.try_emplace_back(100u));
    res.emplace_back(101u);
    REQUIRE_FALSE(res.try_emplace_back(102u));
    try {
      res.emplace_back(103u);
      FAIL("emplace_back past size() did not throw");
    } catch (const ringmpsc::Error& e) {
      REQUIRE(e.errc() == Errc::reservation_full);
    }
    REQUIRE(res.written() == 2);
    REQUIRE(Tracked::alive() == 14);  // nothing constructed past the reservation
    REQUIRE(res.commit());
    std::vector<std::uint64_t> got;
    r.try_consume([&](Tracked& t) { got.push_back(t.value); });
    REQUIRE(got.size() == 14);
    REQUIRE(got.front() == 2);  // the unconsumed items were not overwritten
    REQUIRE(got[11] == 13);
    REQUIRE(got[12] == 100);
    REQUIRE(got[13] == 101);
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}

TEST_CASE("an empty reservation refuses to construct or publish", "[edge][reservation]") {
  ringmpsc::Reservation<std::string> none;
  REQUIRE_FALSE(none.try_emplace_back("x"));
  REQUIRE_THROWS_AS(none.push_back("x"), ringmpsc::Error);
  REQUIRE_FALSE(none.commit());
}

TEST_CASE("move-assigning over an open reservation cancels it", "[edge][reservation]") {
  Tracked::reset();
  {
    ringmpsc::Ring<Tracked> r(Config{.ring_bits = 3});
    auto res = r.try_reserve(2);
    res.emplace_back(1u);
    res = ringmpsc::Reservation<Tracked>{};
    REQUIRE(Tracked::alive() == 0);  // what it constructed is destroyed
    REQUIRE(r.was_empty());          // nothing published
    auto again = r.try_reserve(8);   // and the slots came back: no reservation is pending
    REQUIRE(again.size() == 8);
  }
  CHECK(Tracked::alive() == 0);
}

// ----------------------------------------------------------------- handlers that return ---

namespace {
std::atomic<int> g_violations{0};
void counting_handler(const char*) noexcept { ++g_violations; }
struct ReturningHandler {
  ringmpsc::ViolationHandler previous = ringmpsc::set_violation_handler(&counting_handler);
  ReturningHandler() { g_violations = 0; }
  ~ReturningHandler() { ringmpsc::set_violation_handler(previous); }
};
}  // namespace

TEST_CASE("a write while the reservation is open fails without effect if the handler returns",
          "[edge][contract]") {
  ReturningHandler handler;
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 3, .max_producers = 1});
  auto p = ch.register_producer().value();
  auto res = p.try_reserve(2);
  REQUIRE_FALSE(p.try_push(1));
  REQUIRE_FALSE(p.try_emplace(2u));
  const std::uint64_t items[] = {3, 4};
  REQUIRE(p.try_send(items) == 0);
  REQUIRE(g_violations == 3);
  // Blocking and timed writes could never succeed: they say so instead of waiting.
  REQUIRE_THROWS_AS(p.push(5), ringmpsc::Error);
  REQUIRE_THROWS_AS(p.try_push_for(5, 1ms), ringmpsc::Error);
  REQUIRE_THROWS_AS(p.send(items), ringmpsc::Error);
  REQUIRE(ch.try_consume([](std::uint64_t) {}) == 0);  // nothing was written
  res[0] = 10;
  res[1] = 11;
  REQUIRE(res.commit());
  std::vector<std::uint64_t> got;
  REQUIRE(ch.try_consume([&](std::uint64_t v) { got.push_back(v); }) == 2);
  REQUIRE(got == std::vector<std::uint64_t>{10, 11});
}

TEST_CASE("a write while the reservation is open aborts with the default handler",
          "[edge][contract]") {
  const auto r = in_child([] {
    ringmpsc::Ring<std::uint64_t> ring(Config{.ring_bits = 3});
    auto res = ring.try_reserve(1);
    static_cast<void>(ring.try_push(1));
  });
  REQUIRE(r.aborted);
  REQUIRE(r.err.find("write to a ring while its reservation is open") != std::string::npos);
}

#if RINGMPSC_DEBUG
TEST_CASE("a consumer call inside a handler is refused without effect (debug role guard)",
          "[edge][contract]") {
  ReturningHandler handler;
  Tracked::reset();
  {
    ringmpsc::Ring<Tracked> r(Config{.ring_bits = 3});
    for (std::uint64_t i = 0; i < 3; ++i) REQUIRE(r.try_emplace(i));
    std::vector<std::uint64_t> seen;
    const auto n = r.try_consume([&](Tracked& t) {
      seen.push_back(t.value);
      Tracked stolen;
      REQUIRE_FALSE(r.try_pop(stolen));  // the guard refuses: no second delivery
      Tracked out[2];
      REQUIRE(r.try_recv(out) == 0);
      REQUIRE(r.readable().empty());
    });
    REQUIRE(n == 3);
    REQUIRE(seen == std::vector<std::uint64_t>{0, 1, 2});
    REQUIRE(g_violations == 9);
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}

TEST_CASE("a consumer call inside a handler aborts with the default handler (debug)",
          "[edge][contract]") {
  const auto r = in_child([] {
    ringmpsc::Ring<std::uint64_t> ring(Config{.ring_bits = 3});
    static_cast<void>(ring.try_push(1));
    ring.try_consume([&](std::uint64_t&) {
      std::uint64_t v = 0;
      static_cast<void>(ring.try_pop(v));
    });
  });
  REQUIRE(r.aborted);
  REQUIRE(r.err.find("two threads used one consumer at once") != std::string::npos);
}
#endif

TEST_CASE("a channel destroyed under a live producer aborts even if the handler returns",
          "[edge][contract]") {
  const auto r = in_child([] {
    ringmpsc::set_violation_handler(&counting_handler);
    auto* ch = new ringmpsc::Channel<std::uint64_t>(Config{.ring_bits = 3, .max_producers = 1});
    auto* p = new ringmpsc::Channel<std::uint64_t>::producer_type(ch->register_producer().value());
    delete ch;  // the producer is still alive
    static_cast<void>(p);
  });
  REQUIRE(r.aborted);
  REQUIRE(r.err.find("channel destroyed while producers") == std::string::npos);  // handler ran instead of printing
  const auto d = in_child([] {
    auto* ch = new ringmpsc::Channel<std::uint64_t>(Config{.ring_bits = 3, .max_producers = 1});
    auto* p = new ringmpsc::Channel<std::uint64_t>::producer_type(ch->register_producer().value());
    delete ch;
    static_cast<void>(p);
  });
  REQUIRE(d.aborted);
  REQUIRE(d.err.find("channel destroyed while producers") != std::string::npos);
}

// ------------------------------------------------------------------- close() is final ---

namespace {
/// Producers write until a write fails; a closer closes at a random moment; the consumer
/// drains until it is told closed. Every write that reported success must have been
/// delivered exactly once (each producer's sequence numbers 0..n-1, each once).
/// Producers re-register every 64 items, so registration and drops race the close too
/// (FIFO holds within one registration; across them a later ring may be drained first).
/// A payload whose construction in the ring takes a while (about a microsecond), so a
/// close() racing a write often lands inside the write.
struct Slow {
  std::uint64_t v = 0;
  Slow() = default;
  explicit Slow(std::uint64_t x) noexcept : v(x) {}
  Slow(const Slow& o) noexcept : v(o.v) { linger(); }
  Slow& operator=(const Slow&) = default;
  static void linger() noexcept {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(1);
    while (std::chrono::steady_clock::now() < until) ringmpsc::detail::cpu_relax();
  }
};

struct CloseRaceResult {
  std::uint64_t succeeded = 0, delivered = 0;
  bool exactly_once = true;
};

template <class Ch>
CloseRaceResult close_race(unsigned producers, std::uint32_t seed, bool use_reserve) {
  Ch ch(Config{.ring_bits = 4, .max_producers = producers + 1});
  std::vector<std::atomic<std::uint64_t>> succeeded(producers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < producers; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      std::uint64_t seq = 0;
      for (;;) {
        auto reg = ch.register_producer();
        if (!reg) {
          if (reg.error() == Errc::channel_closed) return;
          std::this_thread::yield();
          continue;
        }
        auto& p = *reg;
        for (int k = 0; k < 64; ++k) {
          const Slow v((std::uint64_t{t} << 40) | seq);
          bool ok = false;
          if (use_reserve && k % 2 == 1) {
            auto r = p.try_reserve(1);
            if (!r) {
              if (p.is_closed()) return;
              std::this_thread::yield();
              continue;
            }
            r.emplace_back(v);
            ok = r.commit();
            if (!ok) return;  // closed: nothing published
          } else {
            ok = p.try_push(v);
            if (!ok) {
              if (p.is_closed()) return;
              std::this_thread::yield();
              continue;
            }
          }
          ++seq;
          succeeded[t].store(seq, std::memory_order_relaxed);
        }
      }
    });
  }
  std::mt19937 rng(seed);
  std::thread closer([&] {
    while (!go) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    ch.close();
  });
  CloseRaceResult res;
  std::vector<std::vector<bool>> seen(producers);
  go = true;
  for (;;) {
    const auto b = ch.try_consume_for(
        [&](const Slow& item) {
          const std::uint64_t who = item.v >> 40, seq = item.v & ((std::uint64_t{1} << 40) - 1);
          auto& s = seen.at(who);
          if (s.size() <= seq) s.resize(seq + 1, false);
          res.exactly_once = res.exactly_once && !s[seq];
          s[seq] = true;
          ++res.delivered;
        },
        10s);
    if (b.status == Status::closed) break;
    // disconnected: every producer is between two registrations; they come back.
    if (b.status == Status::timed_out) {
      res.exactly_once = false;  // close() was called: closed must come
      break;
    }
  }
  closer.join();
  for (auto& th : threads) th.join();
  for (unsigned t = 0; t < producers; ++t) {
    const std::uint64_t n = succeeded[t].load();
    res.succeeded += n;
    // Every success delivered: sequence numbers 0..n-1 all seen, none beyond.
    res.exactly_once = res.exactly_once && seen[t].size() == n &&
                       std::find(seen[t].begin(), seen[t].end(), false) == seen[t].end();
  }
  return res;
}
}  // namespace

TEMPLATE_TEST_CASE("close is final: every write that succeeded is delivered before closed",
                   "[edge][close][stress]", ringmpsc::wait::Phased, ringmpsc::wait::Yielding) {
  using Ch = ringmpsc::Channel<Slow, TestType>;
  for (std::uint32_t round = 0; round < 40; ++round) {
    const auto r = close_race<Ch>(3, round, round % 2 == 1);
    INFO("round " << round << ": succeeded " << r.succeeded << ", delivered " << r.delivered);
    REQUIRE(r.exactly_once);
    REQUIRE(r.delivered == r.succeeded);
  }
}

TEST_CASE("close is final on a ring: push racing close", "[edge][close][stress]") {
  for (std::uint32_t round = 0; round < 40; ++round) {
    ringmpsc::Ring<Slow> ring(Config{.ring_bits = 3});
    std::atomic<std::uint64_t> succeeded{0};
    std::thread producer([&] {
      for (std::uint64_t v = 0;; ++v) {
        if (ring.push(Slow(v)) != Status::ok) return;
        succeeded.fetch_add(1, std::memory_order_relaxed);
      }
    });
    std::thread closer([&, round] {
      std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 7)));
      ring.close();
    });
    std::uint64_t delivered = 0, expect = 0;
    bool in_order = true;
    Slow v;
    while (ring.pop(v) == Status::ok) {
      in_order = in_order && v.v == expect++;
      ++delivered;
    }
    producer.join();
    closer.join();
    INFO("round " << round);
    REQUIRE(in_order);
    REQUIRE(delivered == succeeded.load());
    REQUIRE(ring.pop(v) == Status::closed);  // and it stays closed
  }
}

TEST_CASE("a write refused by close() leaves nothing in flight", "[edge][close]") {
  // A refused write set the in-flight marker before it read the closed flag; it must take
  // it back, or a close() that read the marker would wait for a publication that never
  // comes.
  ringmpsc::Ring<std::uint64_t> ring(Config{.ring_bits = 3});
  REQUIRE(ring.try_push(1));
  auto res = ring.try_reserve(2);
  REQUIRE(res.size() == 2);
  res.emplace_back(std::uint64_t{2});
  ring.close();
  REQUIRE_FALSE(res.commit());  // closed: nothing published
  REQUIRE(test::TestAccess::write_end(ring) == 1);  // back at the tail, not merely behind it
  REQUIRE_FALSE(ring.try_push(3));
  const std::uint64_t batch[] = {4, 5};
  REQUIRE(ring.try_send(batch) == 0);
  REQUIRE(test::TestAccess::write_end(ring) == 1);
  REQUIRE_FALSE(test::TestAccess::write_in_flight(ring));
  REQUIRE(test::TestAccess::tail(ring) == 1);
  ring.close();  // a second close() returns too
  std::uint64_t v = 0;
  REQUIRE(ring.pop(v) == Status::ok);
  REQUIRE(v == 1);
  REQUIRE(ring.pop(v) == Status::closed);
}

// ------------------------------------------------- registration racing close and failure ---

namespace {
/// Calls `on_allocate` on the first allocation of a ring object, then allocates normally.
template <class T>
struct HookAllocator {
  using value_type = T;
  std::function<void()>* hook;
  explicit HookAllocator(std::function<void()>* h) noexcept : hook(h) {}
  template <class U>
  HookAllocator(const HookAllocator<U>& o) noexcept : hook(o.hook) {}  // NOLINT
  T* allocate(std::size_t n) {
    if (hook != nullptr && *hook) std::exchange(*hook, nullptr)();
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }
  template <class U>
  friend bool operator==(const HookAllocator& a, const HookAllocator<U>& b) noexcept {
    return a.hook == b.hook;
  }
};
}  // namespace

TEST_CASE("a registration that installs a ring while close() runs backs out",
          "[edge][close][lifecycle]") {
  std::function<void()> hook;
  using Ch = ringmpsc::Channel<std::uint64_t, ringmpsc::default_wait, HookAllocator<std::uint64_t>>;
  Ch ch(Config{.ring_bits = 3, .max_producers = 2}, HookAllocator<std::uint64_t>(&hook));
  hook = [&] { ch.close(); };  // close() scans the slots before this ring is installed
  auto r = ch.register_producer();
  REQUIRE_FALSE(r);
  REQUIRE(r.error() == Errc::channel_closed);
  REQUIRE(ch.producer_count() == 0);
  REQUIRE_FALSE(ch.is_disconnected());  // a refused registration is not a producer that came
  REQUIRE(ch.wait_for(1s) == Status::closed);
}

TEST_CASE("a failed registration wakes a consumer it kept waiting", "[edge][lifecycle][wait]") {
  std::function<void()> hook;  // empty: the first registration allocates normally
  using Ch = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking, HookAllocator<std::uint64_t>>;
  Ch ch(Config{.ring_bits = 3, .max_producers = 2, .metrics = ringmpsc::MetricsMode::on},
        HookAllocator<std::uint64_t>(&hook));
  std::optional<Ch::producer_type> first;
  first.emplace(ch.register_producer().value());
  std::atomic<int> status{-1};
  std::thread consumer([&] { status = static_cast<int>(ch.wait_for(20s)); });
  const auto give_up = ringmpsc::Clock::now() + 30s;
  while (ch.metrics().waits == 0 && ringmpsc::Clock::now() < give_up) std::this_thread::sleep_for(1ms);
  REQUIRE(ch.metrics().waits >= 1);  // parked with one live producer
  // The second registration's allocation drops the first producer (live 2 -> 1: not the
  // last, so no wake from the drop) and then fails: giving back its count empties the
  // channel, and that must wake the consumer.
  hook = [&] {
    first.reset();
    throw std::bad_alloc();
  };
  REQUIRE_THROWS_AS(ch.register_producer(), std::bad_alloc);
  consumer.join();
  REQUIRE(status == static_cast<int>(Status::disconnected));
  REQUIRE(ch.producer_count() == 0);
  REQUIRE(ch.ring_count() == 1);  // the failed registration left nothing behind
}

// ------------------------------------------------------------------ smaller contracts ---

TEMPLATE_TEST_CASE("advance(n) covers every published item, not only what readable() showed",
                   "[edge][consumer]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 5; ++i) REQUIRE(r.try_push(i));
  REQUIRE(r.readable().size() == 5);
  for (std::uint64_t i = 5; i < 8; ++i) REQUIRE(r.try_push(i));  // published, not yet seen
  r.advance(7);
  std::uint64_t v = 0;
  REQUIRE(r.try_pop(v));
  REQUIRE(v == 7);
  REQUIRE(r.try_push(8));
  try {
    r.advance(2);  // one is published
    FAIL("advance beyond the published items did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::advance_too_large);
  }
  REQUIRE(r.was_size() == 1);  // nothing consumed by the failed advance
}

TEST_CASE("Config::capacity() is 0, not undefined, for an out-of-range ring_bits", "[edge][config]") {
  STATIC_REQUIRE(Config{.ring_bits = 64}.capacity() == 0);
  STATIC_REQUIRE(Config{.ring_bits = 200}.capacity() == 0);
  STATIC_REQUIRE(Config{.ring_bits = 0}.capacity() == 0);
  STATIC_REQUIRE(Config{.ring_bits = 32}.capacity() == (std::size_t{1} << 32));
}

TEST_CASE("StackChannel::ring_count() is P from construction; Channel's grows", "[edge][channel]") {
  ringmpsc::StackChannel<std::uint64_t, 8, 3> stack;
  REQUIRE(stack.ring_count() == 3);
  ringmpsc::Channel<std::uint64_t> heap(Config{.ring_bits = 3, .max_producers = 3});
  REQUIRE(heap.ring_count() == 0);
  auto p = heap.register_producer().value();
  REQUIRE(heap.ring_count() == 1);
}

TEST_CASE("was_size() never exceeds capacity() while both sides run", "[edge][snapshot]") {
  ringmpsc::Ring<std::uint64_t, ringmpsc::wait::Yielding> r(Config{.ring_bits = 1});
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> over{0}, samples{0};
  std::thread observer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (r.was_size() > r.capacity()) over.fetch_add(1, std::memory_order_relaxed);
      samples.fetch_add(1, std::memory_order_relaxed);
    }
  });
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < 200'000; ++i)
      while (!r.try_push(i)) {
      }
  });
  std::uint64_t got = 0, v = 0;
  while (got < 200'000)
    if (r.try_pop(v)) ++got;
  producer.join();
  stop = true;
  observer.join();
  INFO("samples " << samples.load());
  REQUIRE(over == 0);
}
