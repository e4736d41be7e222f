// Ring and StackRing: the SPSC API, one behaviour per section.
#include <atomic>
#include <chrono>
#include <numeric>
#include <thread>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "rings.hpp"

using ringmpsc::Errc;

namespace {
template <class R>
std::vector<std::uint64_t> drain(R& r) {
  std::vector<std::uint64_t> out;
  r.try_consume([&](const std::uint64_t& v) { out.push_back(v); });
  return out;
}
}  // namespace

TEMPLATE_TEST_CASE("try_push and try_consume keep FIFO order", "[ring]", RING_TYPES_U64) {
  TestType r;
  REQUIRE(r.capacity() == 16);
  REQUIRE(r.was_empty());
  for (std::uint64_t i = 0; i < 16; ++i) REQUIRE(r.try_push(i));
  REQUIRE(r.was_full());
  REQUIRE(r.was_size() == 16);
  REQUIRE_FALSE(r.try_push(99));  // full: refused, nothing overwritten
  const auto got = drain(r);
  std::vector<std::uint64_t> want(16);
  std::iota(want.begin(), want.end(), 0);
  REQUIRE(got == want);
  REQUIRE(r.was_empty());
}

TEMPLATE_TEST_CASE("try_emplace constructs in place", "[ring]", RING_TYPES_U64) {
  TestType r;
  REQUIRE(r.try_emplace(7u));
  REQUIRE(drain(r) == std::vector<std::uint64_t>{7});
}

TEMPLATE_TEST_CASE("try_reserve, write in place, commit", "[ring][reservation]", RING_TYPES_U64) {
  TestType r;
  {
    auto res = r.try_reserve(4);
    REQUIRE(res);
    REQUIRE(res.size() == 4);
    for (std::size_t i = 0; i < res.size(); ++i) res[i] = 100 + i;
    REQUIRE(r.was_empty());  // nothing visible before commit
    REQUIRE(res.commit());
    REQUIRE_FALSE(res);  // a committed reservation is spent
    REQUIRE(res.size() == 0);
  }
  REQUIRE(drain(r) == std::vector<std::uint64_t>{100, 101, 102, 103});
}

TEMPLATE_TEST_CASE("commit(k) publishes the first k; k > size throws and publishes nothing",
                   "[ring][reservation]", RING_TYPES_U64) {
  TestType r;
  auto res = r.try_reserve(4);
  for (std::size_t i = 0; i < 4; ++i) res[i] = i;
  try {
    static_cast<void>(res.commit(5));
    FAIL("commit(5) on a 4-slot reservation did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::commit_too_large);
  }
  REQUIRE(r.was_empty());
  REQUIRE(res);  // still open after the failed commit
  REQUIRE(res.commit(2));
  REQUIRE(drain(r) == std::vector<std::uint64_t>{0, 1});
}

TEMPLATE_TEST_CASE("a reservation dropped uncommitted publishes nothing", "[ring][reservation]",
                   RING_TYPES_U64) {
  TestType r;
  { auto res = r.try_reserve(3); res[0] = 1; }
  REQUIRE(r.was_empty());
  auto again = r.try_reserve(16);  // the slots came back
  REQUIRE(again.size() == 16);
  again.cancel();
  REQUIRE(r.was_empty());
}

TEMPLATE_TEST_CASE("reservation is shorter at the wrap-around; the caller loops",
                   "[ring][reservation]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 12; ++i) REQUIRE(r.try_push(i));
  REQUIRE(drain(r).size() == 12);  // head = tail = 12: 4 slots left before the end
  auto first = r.try_reserve(8);
  REQUIRE(first.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) first[i] = 12 + i;
  std::uint64_t* const slot12 = first.data();
  REQUIRE(first.commit());
  auto second = r.try_reserve(4);
  REQUIRE(second.size() == 4);
  REQUIRE(second.data() == slot12 - 12);  // continues at slot 0
  REQUIRE(drain(r) == std::vector<std::uint64_t>{12, 13, 14, 15});
  for (std::size_t i = 0; i < 4; ++i) second[i] = 16 + i;
  REQUIRE(second.commit());
  REQUIRE(drain(r) == std::vector<std::uint64_t>{16, 17, 18, 19});
}

TEMPLATE_TEST_CASE("try_reserve: full gives empty, too large throws, pending throws",
                   "[ring][reservation][errors]", RING_TYPES_U64) {
  TestType r;
  REQUIRE_FALSE(r.try_reserve(0));
  try {
    (void)r.try_reserve(17);
    FAIL("try_reserve(17) on 16 slots did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::reservation_too_large);
  }
  auto open = r.try_reserve(1);
  try {
    (void)r.try_reserve(1);
    FAIL("a second open reservation did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::reservation_pending);
  }
  REQUIRE(open.commit());
  for (int i = 0; i < 15; ++i) REQUIRE(r.try_push(1));
  REQUIRE_FALSE(r.try_reserve(1));  // full
}

TEMPLATE_TEST_CASE("try_send copies what fits and returns the count", "[ring][bulk]", RING_TYPES_U64) {
  TestType r;
  std::vector<std::uint64_t> items(20);
  std::iota(items.begin(), items.end(), 1);
  REQUIRE(r.try_send(items) == 16);
  REQUIRE(r.try_send(items) == 0);
  const auto got = drain(r);
  REQUIRE(got == std::vector<std::uint64_t>(items.begin(), items.begin() + 16));
  // Across the wrap: 10 in, 10 out, then 12 (6 at the end, 6 at the start).
  REQUIRE(r.try_send(std::span(items).first(10)) == 10);
  REQUIRE(drain(r).size() == 10);
  REQUIRE(r.try_send(std::span(items).first(12)) == 12);
  REQUIRE(drain(r) == std::vector<std::uint64_t>(items.begin(), items.begin() + 12));
}

TEMPLATE_TEST_CASE("readable and advance", "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  REQUIRE(r.readable().empty());
  for (std::uint64_t i = 0; i < 5; ++i) REQUIRE(r.try_push(i));
  auto view = r.readable();
  REQUIRE(view.size() == 5);
  REQUIRE(view[0] == 0);
  REQUIRE(view[4] == 4);
  r.advance(2);
  REQUIRE(r.was_size() == 3);
  try {
    r.advance(4);
    FAIL("advance past readable did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::advance_too_large);
  }
  REQUIRE(r.was_size() == 3);  // nothing consumed by the failed advance
  view = r.readable();
  REQUIRE(view.size() == 3);
  REQUIRE(view[0] == 2);
  r.advance(3);
  REQUIRE(r.was_empty());
}

TEMPLATE_TEST_CASE("readable stops at the end of the ring", "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 14; ++i) REQUIRE(r.try_push(i));
  r.advance(r.readable().size());  // head = 14
  for (std::uint64_t i = 0; i < 6; ++i) REQUIRE(r.try_push(i));  // slots 14, 15, 0..3
  REQUIRE(r.readable().size() == 2);
  r.advance(2);
  REQUIRE(r.readable().size() == 4);
}

TEMPLATE_TEST_CASE("try_consume takes at most max", "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 10; ++i) REQUIRE(r.try_push(i));
  std::vector<std::uint64_t> got;
  REQUIRE(r.try_consume([&](const std::uint64_t& v) { got.push_back(v); }, 3) == 3);
  REQUIRE(got == std::vector<std::uint64_t>{0, 1, 2});
  REQUIRE(r.try_consume([&](const std::uint64_t&) { FAIL("called with max 0"); }, 0) == 0);
  REQUIRE(r.try_consume([&](const std::uint64_t& v) { got.push_back(v); }, 100) == 7);
  REQUIRE(got.size() == 10);
}

TEMPLATE_TEST_CASE("handlers get T& and may move from it; try_recv moves into a span",
                   "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 6; ++i) REQUIRE(r.try_push(i));
  std::uint64_t sum = 0;
  REQUIRE(r.try_consume([&](std::uint64_t& v) { sum += std::exchange(v, 0); }, 2) == 2);
  REQUIRE(sum == 1);
  std::uint64_t out[3] = {};
  REQUIRE(r.try_recv(out) == 3);
  REQUIRE(out[0] == 2);
  REQUIRE(out[2] == 4);
  REQUIRE(r.try_consume([&](std::uint64_t v) { sum += v; }) == 1);
  REQUIRE(sum == 6);
  REQUIRE(r.try_recv(out) == 0);
}

TEMPLATE_TEST_CASE("try_recv moves across the wrap", "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  for (std::uint64_t i = 0; i < 12; ++i) REQUIRE(r.try_push(i));
  std::uint64_t out[16] = {};
  REQUIRE(r.try_recv(out) == 12);  // head = 12
  for (std::uint64_t i = 0; i < 8; ++i) REQUIRE(r.try_push(100 + i));  // slots 12..15, 0..3
  REQUIRE(r.try_recv(out) == 8);
  for (std::uint64_t i = 0; i < 8; ++i) REQUIRE(out[i] == 100 + i);
}

TEMPLATE_TEST_CASE("close stops producers; published items stay readable", "[ring][close]",
                   RING_TYPES_U64) {
  TestType r;
  REQUIRE(r.try_push(1));
  REQUIRE_FALSE(r.is_closed());
  r.close();
  REQUIRE(r.is_closed());
  REQUIRE_FALSE(r.try_push(2));
  REQUIRE_FALSE(r.try_reserve(1));
  REQUIRE_FALSE(r.try_emplace(5u));
  const std::uint64_t more[] = {3, 4};
  REQUIRE(r.try_send(more) == 0);
  REQUIRE(drain(r) == std::vector<std::uint64_t>{1});
}

TEST_CASE("metrics count traffic when enabled and stay zero when not", "[ring][metrics]") {
  ringmpsc::Ring<std::uint64_t> on(ringmpsc::Config{.ring_bits = 4, .metrics = ringmpsc::MetricsMode::on});
  ringmpsc::StackRing<std::uint64_t, 16> on_stack(ringmpsc::MetricsMode::on);
  ringmpsc::Ring<std::uint64_t> off(ringmpsc::Config{.ring_bits = 4});
  auto exercise = [](ringmpsc::BasicRing<std::uint64_t>& r) {
    REQUIRE(r.try_push(1));
    const std::uint64_t items[] = {2, 3, 4};
    REQUIRE(r.try_send(items) == 3);
    auto res = r.try_reserve(2);
    res[0] = 5;
    res[1] = 6;
    REQUIRE(res.commit());
    REQUIRE(r.try_consume([](const std::uint64_t&) {}) == 6);
  };
  exercise(on);
  exercise(on_stack);
  exercise(off);
  for (const ringmpsc::Metrics& m : {on.metrics(), on_stack.metrics()}) {
    CHECK(m.messages_sent == 6);
    CHECK(m.batches_sent == 3);
    CHECK(m.messages_received == 6);
    CHECK(m.batches_received == 1);
  }
  CHECK(off.metrics() == ringmpsc::Metrics{});
}

TEST_CASE("a consumer routine drains either ring type through BasicRing", "[ring]") {
  ringmpsc::Ring<int> heap(ringmpsc::Config{.ring_bits = 3});
  ringmpsc::StackRing<int, 8> inline_ring;
  auto drain_any = [](ringmpsc::BasicRing<int>& r) {
    int sum = 0;
    r.try_consume([&](const int& v) { sum += v; });
    return sum;
  };
  REQUIRE(heap.try_push(20));
  REQUIRE(inline_ring.try_push(22));
  REQUIRE(drain_any(heap) + drain_any(inline_ring) == 42);
}

TEMPLATE_TEST_CASE("try_pop takes one item at a time in order", "[ring][consumer]", RING_TYPES_U64) {
  TestType r;
  std::uint64_t v = 99;
  REQUIRE_FALSE(r.try_pop(v));
  REQUIRE(v == 99);  // untouched when empty
  for (std::uint64_t i = 0; i < 16; ++i) REQUIRE(r.try_push(i));
  for (std::uint64_t i = 0; i < 16; ++i) {
    REQUIRE(r.try_pop(v));
    REQUIRE(v == i);
    REQUIRE(r.try_push(100 + i));  // 16 slots: quantum 1, the freed slot is reusable at once
  }
  REQUIRE(r.was_size() == 16);
}

TEST_CASE("the consumer hands slots back in quanta, and at once when it has caught up",
          "[ring][consumer]") {
  using ringmpsc::detail::RingCore;
  STATIC_REQUIRE(RingCore<int>::release_quantum(2) == 1);
  STATIC_REQUIRE(RingCore<int>::release_quantum(16) == 1);
  STATIC_REQUIRE(RingCore<int>::release_quantum(64) == 4);
  STATIC_REQUIRE(RingCore<int>::release_quantum(8192) == 512);
  STATIC_REQUIRE(RingCore<int>::release_quantum(std::size_t{1} << 20) == 512);
  ringmpsc::Ring<std::uint64_t> r(ringmpsc::Config{.ring_bits = 6});  // 64 slots, quantum 4
  for (std::uint64_t i = 0; i < 64; ++i) REQUIRE(r.try_push(i));
  std::uint64_t v = 0;
  for (int k = 0; k < 3; ++k) REQUIRE(r.try_pop(v));
  REQUIRE_FALSE(r.try_push(64));  // 3 taken, not yet handed back
  REQUIRE(test::TestAccess::head(r) == 0);
  REQUIRE(test::TestAccess::position(r) == 3);
  REQUIRE(r.was_size() == 64);  // counts what is taken but not handed back
  REQUIRE(r.try_pop(v));  // the 4th: one quantum
  REQUIRE(test::TestAccess::head(r) == 4);
  for (std::uint64_t i = 64; i < 68; ++i) REQUIRE(r.try_push(i));
  REQUIRE_FALSE(r.try_push(68));
  // Caught up: everything it has seen taken, so it hands back at once.
  std::uint64_t got = 4;
  while (r.try_pop(v)) REQUIRE(v == got++);
  REQUIRE(got == 68);
  REQUIRE(test::TestAccess::head(r) == 68);
  REQUIRE(r.was_empty());
  REQUIRE(r.try_push(68));
}

TEST_CASE("items taken but not handed back are not destroyed twice", "[ring][lifetime]") {
  test::Tracked::reset();
  {
    ringmpsc::Ring<test::Tracked> r(ringmpsc::Config{.ring_bits = 6});  // quantum 4
    for (std::uint64_t i = 0; i < 10; ++i) REQUIRE(r.try_emplace(i));
    test::Tracked out;
    REQUIRE(r.try_pop(out));
    REQUIRE(r.try_pop(out));
    REQUIRE(test::TestAccess::head(r) == 0);  // 2 taken, none handed back
  }  // the ring destroys the 8 still in it, from the consumer's position
  CHECK(test::Tracked::alive() == 0);
  CHECK(test::Tracked::double_destroy == 0);
}

TEST_CASE("a producer waiting on a full ring wakes when a quantum is handed back",
          "[ring][wait]") {
  ringmpsc::Ring<std::uint64_t, ringmpsc::wait::Blocking> r(ringmpsc::Config{.ring_bits = 6});
  for (std::uint64_t i = 0; i < 64; ++i) REQUIRE(r.try_push(i));
  std::atomic<int> status{-1};
  std::thread producer([&] { status = static_cast<int>(r.push(64)); });
  std::uint64_t v = 0;
  for (int k = 0; k < 3; ++k) REQUIRE(r.try_pop(v));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(status == -1);  // nothing handed back yet: still waiting
  REQUIRE(r.try_pop(v));
  producer.join();
  REQUIRE(status == static_cast<int>(ringmpsc::Status::ok));
}
