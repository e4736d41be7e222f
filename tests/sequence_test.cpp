// Unbounded u64 sequences: correct behaviour when head and tail cross 2^64.
#include <limits>
#include <vector>

#include "catch.hpp"
#include "rings.hpp"

TEMPLATE_TEST_CASE("sequences wrap past 2^64 without losing or reordering items", "[sequence]",
                   RING_TYPES_U64) {
  TestType r;
  const std::uint64_t start = std::numeric_limits<std::uint64_t>::max() - 20;
  test::TestAccess::set_sequence(r, start);
  std::uint64_t next = 0;
  std::uint64_t expect = 0;
  for (int round = 0; round < 8; ++round) {
    // Mixed operations so every path (push, send, reserve) crosses the boundary.
    REQUIRE(r.try_push(next++));
    const std::uint64_t two[] = {next, next + 1};
    REQUIRE(r.try_send(two) == 2);
    next += 2;
    auto res = r.try_reserve(3);
    for (std::size_t i = 0; i < res.size(); ++i) res[i] = next++;
    REQUIRE(res.commit());
    r.try_consume([&](const std::uint64_t& v) { REQUIRE(v == expect++); });
    REQUIRE(r.was_empty());
  }
  REQUIRE(expect == next);
  REQUIRE(test::TestAccess::tail(r) < start);  // it did wrap
  REQUIRE(test::TestAccess::tail(r) == start + next);
}

TEMPLATE_TEST_CASE("full and empty are exact across the 2^64 boundary", "[sequence]",
                   RING_TYPES_U64) {
  TestType r;
  test::TestAccess::set_sequence(r, std::numeric_limits<std::uint64_t>::max() - 7);
  for (std::uint64_t i = 0; i < 16; ++i) REQUIRE(r.try_push(i));
  REQUIRE(r.was_full());
  REQUIRE(r.was_size() == 16);
  REQUIRE_FALSE(r.try_push(16));
  REQUIRE(r.try_consume([](const std::uint64_t&) {}, 9) == 9);
  REQUIRE(r.was_size() == 7);
  REQUIRE(r.readable().front() == 9);
}
