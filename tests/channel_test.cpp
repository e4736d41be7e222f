// Channel and StackChannel: registration, consumption across rings, close, metrics.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "support.hpp"

using ringmpsc::Config;
using ringmpsc::Errc;
using ringmpsc::Status;

namespace {
using HeapChannel = ringmpsc::Channel<std::uint64_t>;
using InlineChannel = ringmpsc::StackChannel<std::uint64_t, 16, 4>;

template <class C>
std::unique_ptr<C> make_channel() {
  if constexpr (std::is_same_v<C, HeapChannel>) {
    return std::make_unique<C>(Config{.ring_bits = 4, .max_producers = 4});
  } else {
    return std::make_unique<C>();
  }
}
}  // namespace

TEMPLATE_TEST_CASE("producers get distinct ids and rings; the consumer sees all",
                   "[channel]", HeapChannel, InlineChannel) {
  auto ch = make_channel<TestType>();
  REQUIRE(ch->max_producers() == 4);
  REQUIRE(ch->capacity() == 16);
  auto a = ch->register_producer().value();
  auto b = ch->register_producer().value();
  REQUIRE(a.id() != b.id());
  REQUIRE(ch->producer_count() == 2);
  REQUIRE(a.capacity() == 16);
  REQUIRE(a.try_push(1));
  REQUIRE(b.try_push(2));
  REQUIRE(a.try_push(3));
  std::vector<std::uint64_t> got;
  REQUIRE(ch->try_consume([&](const std::uint64_t& v) { got.push_back(v); }) == 3);
  std::sort(got.begin(), got.end());
  REQUIRE(got == std::vector<std::uint64_t>{1, 2, 3});
}

TEMPLATE_TEST_CASE("too many producers and a closed channel are errors", "[channel][errors]",
                   HeapChannel, InlineChannel) {
  auto ch = make_channel<TestType>();
  std::vector<typename TestType::producer_type> ps;
  for (int i = 0; i < 4; ++i) ps.push_back(ch->register_producer().value());
  auto fifth = ch->register_producer();
  REQUIRE_FALSE(fifth);
  REQUIRE(fifth.error() == Errc::too_many_producers);
  try {
    (void)ch->register_producer().value();
    FAIL("value() of an error did not throw");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == Errc::too_many_producers);
  }
  ps.pop_back();  // a free ring: registration works again
  auto again = ch->register_producer();
  REQUIRE(again);
  ch->close();
  auto late = ch->register_producer();
  REQUIRE_FALSE(late);
  REQUIRE(late.error() == Errc::channel_closed);
}

TEMPLATE_TEST_CASE("close: sends fail, published items are still delivered, wait says closed",
                   "[channel][close]", HeapChannel, InlineChannel) {
  auto ch = make_channel<TestType>();
  auto p = ch->register_producer().value();
  REQUIRE(p.try_push(1));
  REQUIRE(p.try_push(2));
  ch->close();
  REQUIRE(ch->is_closed());
  REQUIRE(p.is_closed());
  REQUIRE_FALSE(p.try_push(3));
  REQUIRE(p.push(3) == Status::closed);
  REQUIRE_FALSE(p.try_reserve(1));
  REQUIRE(p.reserve(1).status == Status::closed);
  REQUIRE(ch->wait_for(std::chrono::seconds(5)) == Status::ok);  // items remain
  std::uint64_t out[4] = {};
  REQUIRE(ch->try_recv(out) == 2);
  REQUIRE(out[0] == 1);
  REQUIRE(out[1] == 2);
  REQUIRE(ch->wait_for(std::chrono::seconds(5)) == Status::closed);
  const auto r = ch->try_recv_for(out, std::chrono::seconds(5));
  REQUIRE(r.status == Status::closed);
  REQUIRE(r.count == 0);
}

TEMPLATE_TEST_CASE("consume variants across rings", "[channel][consumer]", HeapChannel,
                   InlineChannel) {
  auto ch = make_channel<TestType>();
  auto a = ch->register_producer().value();
  auto b = ch->register_producer().value();
  for (std::uint64_t i = 0; i < 5; ++i) {
    REQUIRE(a.try_push(i));
    REQUIRE(b.try_push(100 + i));
  }
  std::uint64_t sum = 0;
  REQUIRE(ch->try_consume([&](const std::uint64_t& v) { sum += v; }, 3) == 3);
  REQUIRE(ch->try_consume([&](std::uint64_t& v) { sum += std::exchange(v, 0); }, 3) == 3);
  std::uint64_t out[2];
  REQUIRE(ch->try_recv(out) == 2);
  sum += out[0] + out[1];
  std::uint64_t one = 0;
  REQUIRE(ch->try_pop(one));
  sum += one;
  REQUIRE(ch->try_consume([&](std::uint64_t v) { sum += v; }) == 1);
  REQUIRE(sum == (0 + 1 + 2 + 3 + 4) + (100 + 101 + 102 + 103 + 104));
  REQUIRE(ch->try_consume([](const std::uint64_t&) {}) == 0);
}

TEMPLATE_TEST_CASE("per-producer FIFO across interleaved producers", "[channel][order]",
                   HeapChannel, InlineChannel) {
  auto ch = make_channel<TestType>();
  std::vector<typename TestType::producer_type> ps;
  for (int i = 0; i < 3; ++i) ps.push_back(ch->register_producer().value());
  std::map<std::uint64_t, std::uint64_t> last;
  std::uint64_t received = 0;
  for (std::uint64_t seq = 1; seq <= 200; ++seq) {
    for (auto& p : ps) {
      while (!p.try_push((std::uint64_t{p.id()} << 32) | seq)) {
        received += ch->try_consume([&](const std::uint64_t& v) {
          REQUIRE((v & 0xffffffff) == last[v >> 32] + 1);
          last[v >> 32] = v & 0xffffffff;
        });
      }
    }
  }
  received += ch->try_consume([&](const std::uint64_t& v) {
    REQUIRE((v & 0xffffffff) == last[v >> 32] + 1);
    last[v >> 32] = v & 0xffffffff;
  });
  REQUIRE(received == 600);
}

TEST_CASE("channel metrics sum the rings and cost nothing when off", "[channel][metrics]") {
  ringmpsc::Channel<std::uint64_t> on(Config{.ring_bits = 4, .max_producers = 2, .metrics = ringmpsc::MetricsMode::on});
  ringmpsc::StackChannel<std::uint64_t, 16, 2> on_inline(ringmpsc::MetricsMode::on);
  ringmpsc::Channel<std::uint64_t> off(Config{.ring_bits = 4, .max_producers = 2});
  auto exercise = [](auto& ch) {
    auto a = ch.register_producer().value();
    auto b = ch.register_producer().value();
    REQUIRE(a.try_push(1));
    REQUIRE(b.try_push(2));
    const std::uint64_t items[] = {3, 4, 5};
    REQUIRE(b.try_send(items) == 3);
    REQUIRE(ch.try_consume([](const std::uint64_t&) {}) == 5);
    return ch.metrics();
  };
  for (const ringmpsc::Metrics& m : {exercise(on), exercise(on_inline)}) {
    CHECK(m.messages_sent == 5);
    CHECK(m.batches_sent == 3);
    CHECK(m.messages_received == 5);
    CHECK(m.batches_received == 2);
  }
  CHECK(exercise(off) == ringmpsc::Metrics{});
}

TEST_CASE("producers of a channel use the zero-copy path", "[channel][reservation]") {
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 4, .max_producers = 1});
  auto p = ch.register_producer().value();
  auto res = p.try_reserve(8);
  REQUIRE(res.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) res[i] = i * i;
  REQUIRE(res.commit());
  std::uint64_t sum = 0;
  REQUIRE(ch.try_consume([&](const std::uint64_t& v) { sum += v; }) == 8);
  REQUIRE(sum == 140);
}
