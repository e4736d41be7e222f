// Element lifetime: every construction has exactly one destruction, whether an item is
// consumed, left in the ring, or abandoned in a reservation; move-only and throwing types.
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"
#include "rings.hpp"

using test::Tracked;

TEMPLATE_TEST_CASE("tracked items are destroyed exactly once", "[lifetime]", RING_TYPES_TRACKED) {
  Tracked::reset();
  {
    TestType r;
    for (std::uint64_t i = 0; i < 10; ++i) REQUIRE(r.try_emplace(i));
    REQUIRE(r.try_consume([](const Tracked&) {}, 3) == 3);
    std::uint64_t sum = 0;
    REQUIRE(r.try_consume([&](Tracked& t) { Tracked moved(std::move(t)); sum += moved.value; }, 2) == 2);
    REQUIRE(sum == 3 + 4);
    Tracked out[2];
    REQUIRE(r.try_recv(out) == 2);
    REQUIRE(out[1].value == 6);
    // 3 items (7, 8, 9) stay in the ring and must be destroyed with it.
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}

TEMPLATE_TEST_CASE("a reservation destroys what it constructed when dropped or partly committed",
                   "[lifetime][reservation]", RING_TYPES_TRACKED) {
  Tracked::reset();
  {
    TestType r;
    {
      auto res = r.try_reserve(4);
      REQUIRE(res.size() == 4);
      res.emplace_back(1u);
      res.emplace_back(2u);
      REQUIRE(Tracked::alive() == 2);
    }  // dropped: both destroyed, nothing published
    REQUIRE(Tracked::alive() == 0);
    REQUIRE(r.was_empty());
    auto res = r.try_reserve(4);
    res.emplace_back(1u);
    res.emplace_back(2u);
    res.emplace_back(3u);
    try {
      static_cast<void>(res.commit(4));  // only 3 written
      FAIL("commit beyond written() did not throw");
    } catch (const ringmpsc::Error& e) {
      REQUIRE(e.errc() == ringmpsc::Errc::commit_too_large);
    }
    REQUIRE(res.commit(2));  // the third is destroyed, two published
    REQUIRE(Tracked::alive() == 2);
    REQUIRE(r.was_size() == 2);
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}

TEST_CASE("move-only types go through the ring", "[lifetime]") {
  ringmpsc::Ring<test::MoveOnly> r(ringmpsc::Config{.ring_bits = 3});
  auto p = std::make_unique<std::uint64_t>(41);
  REQUIRE(r.try_push(std::move(p)));
  REQUIRE(p == nullptr);
  for (int i = 0; i < 7; ++i) REQUIRE(r.try_push(std::make_unique<std::uint64_t>(i)));
  auto keep = std::make_unique<std::uint64_t>(99);
  REQUIRE_FALSE(r.try_push(std::move(keep)));  // full: the value stays with the caller
  REQUIRE(keep != nullptr);
  REQUIRE(*keep == 99);
  std::vector<test::MoveOnly> got;
  r.try_consume([&](test::MoveOnly& v) { got.push_back(std::move(v)); });
  REQUIRE(got.size() == 8);
  REQUIRE(*got[0] == 41);
  // Reservation with emplace_back for a move-only type.
  auto res = r.try_reserve(2);
  res.emplace_back(std::make_unique<std::uint64_t>(5));
  REQUIRE(res.commit());
  test::MoveOnly out[1];
  REQUIRE(r.try_recv(out) == 1);
  REQUIRE(*out[0] == 5);
}

TEST_CASE("std::string items survive the wrap and are freed (ASan checks)", "[lifetime]") {
  ringmpsc::StackRing<std::string, 4> r;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 3; ++i)
      REQUIRE(r.try_push(std::string(40, static_cast<char>('a' + i)) + std::to_string(round)));
    std::vector<std::string> got;
    r.try_consume([&](const std::string& s) { got.push_back(s); });
    REQUIRE(got.size() == 3);
    REQUIRE(got[2] == std::string(40, 'c') + std::to_string(round));
  }
  REQUIRE(r.try_push(std::string(100, 'x')));  // left in the ring at destruction
}

TEST_CASE("a throwing constructor publishes nothing", "[lifetime][exceptions]") {
  test::Throwing::alive = 0;
  {
    ringmpsc::Ring<test::Throwing> r(ringmpsc::Config{.ring_bits = 2});
    REQUIRE(r.try_emplace(1u));
    REQUIRE_THROWS_AS(r.try_emplace(2u, true), std::runtime_error);
    REQUIRE(r.was_size() == 1);
    // The write that threw is no longer in flight (its marker is back at the tail): close()
    // would wait for it otherwise.
    REQUIRE(test::TestAccess::write_end(r) == test::TestAccess::tail(r));
    // try_send: the copy of the second element throws; nothing of that call is published.
    const test::Throwing items[] = {test::Throwing(3), test::Throwing(test::Throwing::kThrowOnCopy)};
    REQUIRE_THROWS_AS(r.try_send(items), std::runtime_error);
    REQUIRE(r.was_size() == 1);
    REQUIRE(test::TestAccess::write_end(r) == test::TestAccess::tail(r));
    r.close();  // returns: no write left in flight
    std::vector<std::uint64_t> got;
    r.try_consume([&](const test::Throwing& t) { got.push_back(t.value); });
    REQUIRE(got == std::vector<std::uint64_t>{1});
    REQUIRE(r.is_closed());
  }
  CHECK(test::Throwing::alive == 0);
}

TEST_CASE("close() returns after writes across 2^64, one thrown and one refused", "[lifetime][exceptions]") {
  // The in-flight marker and the tail are compared modulo 2^64: a write that does not
  // publish must take the marker back to the tail exactly, here where the tail has wrapped.
  test::Throwing::alive = 0;
  {
    ringmpsc::Ring<test::Throwing> r(ringmpsc::Config{.ring_bits = 3});
    const std::uint64_t start = std::numeric_limits<std::uint64_t>::max() - 2;
    test::TestAccess::set_sequence(r, start);
    for (std::uint64_t i = 0; i < 5; ++i) REQUIRE(r.try_emplace(i));
    REQUIRE(test::TestAccess::tail(r) == start + 5);  // wrapped past 2^64
    REQUIRE_THROWS_AS(r.try_emplace(5u, true), std::runtime_error);
    REQUIRE(test::TestAccess::write_end(r) == test::TestAccess::tail(r));
    r.close();  // returns: nothing in flight
    REQUIRE_FALSE(r.try_emplace(6u));  // refused: closed
    REQUIRE(test::TestAccess::write_end(r) == test::TestAccess::tail(r));
    r.close();  // and again
    std::vector<std::uint64_t> got;
    r.try_consume([&](const test::Throwing& t) { got.push_back(t.value); });
    REQUIRE(got == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
    REQUIRE(r.was_empty());
    REQUIRE(r.is_closed());
  }
  CHECK(test::Throwing::alive == 0);
}

TEST_CASE("try_send's throwing copy across the wrap destroys the first segment", "[lifetime][exceptions]") {
  test::Throwing::alive = 0;
  {
    ringmpsc::Ring<test::Throwing> r(ringmpsc::Config{.ring_bits = 2});
    REQUIRE(r.try_emplace(0u));
    REQUIRE(r.try_emplace(0u));
    REQUIRE(r.try_emplace(0u));
    REQUIRE(r.try_consume([](const test::Throwing&) {}) == 3);  // head = tail = 3
    const test::Throwing items[] = {test::Throwing(1), test::Throwing(test::Throwing::kThrowOnCopy)};
    REQUIRE_THROWS_AS(r.try_send(items), std::runtime_error);  // slot 3 ok, slot 0 throws
    REQUIRE(r.was_empty());
  }
  CHECK(test::Throwing::alive == 0);
}

TEMPLATE_TEST_CASE("a throwing handler leaves the ring consistent", "[lifetime][exceptions]",
                   RING_TYPES_TRACKED) {
  Tracked::reset();
  {
    TestType r;
    for (std::uint64_t i = 0; i < 14; ++i) REQUIRE(r.try_emplace(i));
    REQUIRE(r.try_consume([](const Tracked&) {}, 12) == 12);
    for (std::uint64_t i = 14; i < 20; ++i) REQUIRE(r.try_emplace(i));  // wraps: 14..19
    std::vector<std::uint64_t> seen;
    auto throw_at_17 = [&](const Tracked& t) {
      if (t.value == 17) throw std::runtime_error("handler failed");
      seen.push_back(t.value);
    };
    REQUIRE_THROWS_AS(r.try_consume(throw_at_17), std::runtime_error);
    REQUIRE(seen == std::vector<std::uint64_t>{12, 13, 14, 15, 16});
    REQUIRE(r.was_size() == 3);  // 17, 18, 19 still there
    std::vector<std::uint64_t> rest;
    r.try_consume([&](const Tracked& t) { rest.push_back(t.value); });
    REQUIRE(rest == std::vector<std::uint64_t>{17, 18, 19});
  }
  CHECK(Tracked::alive() == 0);
  CHECK(Tracked::double_destroy == 0);
}
