// Compile-time contracts (layout, noexcept) and the run-time contract-violation path.
#include <thread>

#include <ringmpsc/readiness.hpp>

#include "catch.hpp"
#include "rings.hpp"

using ringmpsc::BasicRing;

// Producer state and consumer state each fill whole 128-byte blocks, so they never share
// a cache line (or an adjacent-line prefetch pair).
static_assert(ringmpsc::detail::cache_line == 128);
static_assert(BasicRing<std::uint64_t>::block_alignment == 128);
static_assert(BasicRing<std::uint64_t>::producer_block_size % 128 == 0);
static_assert(BasicRing<std::uint64_t>::consumer_block_size % 128 == 0);
static_assert(alignof(ringmpsc::Ring<std::uint64_t>) >= 128);
static_assert(alignof(ringmpsc::Ring<std::uint64_t, ringmpsc::wait::BusySpin>) >= 128);
static_assert(alignof(ringmpsc::StackRing<char, 2>) >= 128);
static_assert(alignof(ringmpsc::detail::EventCount) == 128);

// The reservation handle stays a few words.
static_assert(sizeof(ringmpsc::Reservation<std::uint64_t>) <= 4 * sizeof(void*));

// Conditional noexcept follows T.
static_assert(noexcept(std::declval<BasicRing<std::uint64_t>&>().try_push(1ull)));
static_assert(noexcept(std::declval<BasicRing<std::uint64_t>&>().try_emplace(1ull)));
static_assert(!noexcept(std::declval<BasicRing<test::Throwing>&>().try_emplace(1ull)));
static_assert(!noexcept(std::declval<BasicRing<test::Throwing>&>().try_push(
    std::declval<const test::Throwing&>())));
static_assert(noexcept(std::declval<BasicRing<test::MoveOnly>&>().try_push(test::MoveOnly{})));
static_assert(noexcept(std::declval<ringmpsc::Reservation<int>&>().commit()));
static_assert(noexcept(std::declval<ringmpsc::Reservation<int>&>().cancel()));
static_assert(noexcept(std::declval<BasicRing<int>&>().readable()));
static_assert(!std::is_copy_constructible_v<ringmpsc::Reservation<int>>);
static_assert(std::is_nothrow_move_constructible_v<ringmpsc::Reservation<int>>);
static_assert(!std::is_copy_constructible_v<ringmpsc::Channel<int>::producer_type>);
static_assert(std::is_nothrow_move_constructible_v<ringmpsc::Channel<int>::producer_type>);
static_assert(!std::is_copy_constructible_v<ringmpsc::Ring<int>>);
static_assert(!std::is_move_constructible_v<ringmpsc::Ring<int>>);

TEST_CASE("writing while a reservation is open is a reported contract violation",
          "[contract][errors]") {
  test::ViolationRecorder recorder;
  ringmpsc::Ring<std::uint64_t> r(ringmpsc::Config{.ring_bits = 4});
  auto res = r.try_reserve(2);
  REQUIRE_FALSE(r.try_push(1));  // refused, not written over the reserved slots
  const std::uint64_t items[] = {1, 2};
  REQUIRE(r.try_send(items) == 0);
  REQUIRE(test::ViolationRecorder::count() == 2);
  REQUIRE(test::ViolationRecorder::last().find("reservation is open") != std::string::npos);
  res[0] = 7;
  res[1] = 8;
  REQUIRE(res.commit());
  REQUIRE(r.was_size() == 2);
  REQUIRE(r.try_push(9));
}

TEMPLATE_TEST_CASE("a space query while a reservation is open is no contract violation",
                   "[contract][errors]", ringmpsc::wait::Blocking, ringmpsc::wait::Phased) {
  // An open reservation holds the write limit at the tail, so writes report the misuse; a
  // readiness check only asks, and sees the space the reservation was claimed from.
  test::ViolationRecorder recorder;
  ringmpsc::Ring<std::uint64_t, TestType> r(ringmpsc::Config{.ring_bits = 2});
  REQUIRE(r.try_push(1));
  auto res = r.try_reserve(3);
  REQUIRE(res.size() == 3);
  ringmpsc::Readiness ready = ringmpsc::producer_readiness(r);
  REQUIRE(ready.check() == std::optional<ringmpsc::Status>(ringmpsc::Status::ok));
  REQUIRE(test::ViolationRecorder::count() == 0);
  res[0] = 2;
  res[1] = 3;
  res[2] = 4;
  REQUIRE(res.commit());
  REQUIRE_FALSE(ready.check().has_value());  // full now
  REQUIRE_FALSE(r.try_push(5));               // full, not a violation
  REQUIRE(test::ViolationRecorder::count() == 0);
  std::uint64_t v = 0;
  REQUIRE(r.try_pop(v));
  REQUIRE(v == 1);
  REQUIRE(ready.check() == std::optional<ringmpsc::Status>(ringmpsc::Status::ok));
}

TEST_CASE("a second thread using a producer while the first holds a reservation is caught",
          "[contract][errors]") {
  test::ViolationRecorder recorder;
  ringmpsc::Channel<std::uint64_t> ch(ringmpsc::Config{.ring_bits = 4, .max_producers = 1});
  auto p = ch.register_producer().value();
  auto res = p.try_reserve(1);
  bool pushed = true;
  std::thread other([&] { pushed = p.try_push(5); });
  other.join();
  REQUIRE_FALSE(pushed);
  REQUIRE(test::ViolationRecorder::count() == 1);
  res[0] = 1;
  REQUIRE(res.commit());
  REQUIRE(ch.try_consume([](const std::uint64_t&) {}) == 1);
}

