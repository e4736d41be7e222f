// Property-based tests (RapidCheck): random operation sequences on Ring, StackRing and
// Channel against a std::deque model; RapidCheck shrinks any failure to a minimal case.
#include <rapidcheck.h>

#include <map>

#include "catch.hpp"
#include "model/ring_model.hpp"
#include "support.hpp"

TEST_CASE("Ring behaves like a bounded deque (random operation sequences)", "[property]") {
  REQUIRE(rc::check("Ring<u64> of 8 slots", [](const std::vector<model::Op>& ops) {
    ringmpsc::Ring<std::uint64_t> ring(ringmpsc::Config{.ring_bits = 3});
    const auto err = model::run_ring_ops(ring, ops);
    RC_ASSERT(!err.has_value());
  }));
}

TEST_CASE("StackRing behaves like a bounded deque, starting near 2^64", "[property]") {
  REQUIRE(rc::check("StackRing<u64, 4> from 2^64 - 9", [](const std::vector<model::Op>& ops) {
    ringmpsc::StackRing<std::uint64_t, 4> ring;
    test::TestAccess::set_sequence(ring, ~std::uint64_t{0} - 8);
    const auto err = model::run_ring_ops(ring, ops, ~std::uint64_t{0} - 8);
    RC_ASSERT(!err.has_value());
  }));
}

TEST_CASE("Channel keeps per-producer FIFO and loses nothing (random operations)", "[property]") {
  REQUIRE(rc::check("Channel<u64> of 3 producers x 4 slots", [](const std::vector<model::Op>& ops) {
    ringmpsc::Channel<std::uint64_t> ch(ringmpsc::Config{.ring_bits = 2, .max_producers = 3});
    std::vector<ringmpsc::Channel<std::uint64_t>::producer_type> ps;
    for (int i = 0; i < 3; ++i) ps.push_back(ch.register_producer().value());
    std::map<std::uint64_t, std::deque<std::uint64_t>> model;  // producer id -> in flight
    std::map<std::uint64_t, std::uint64_t> next;
    for (const auto& [code, arg] : ops) {
      auto& p = ps[code % 3];
      const std::uint64_t id = p.id();
      if (code % 2 == 0) {  // push one item
        const std::uint64_t v = (id << 32) | next[id];
        const bool expect = model[id].size() < 4;
        RC_ASSERT(p.try_push(v) == expect);
        if (expect) model[id].push_back(v), ++next[id];
      } else {  // consume up to arg items
        const std::size_t max = arg % 8;
        const std::size_t got = ch.try_consume(
            [&](const std::uint64_t& v) {
              auto& q = model[v >> 32];
              RC_ASSERT(!q.empty());
              RC_ASSERT(q.front() == v);  // FIFO per producer, exact contents
              q.pop_front();
            },
            max);
        std::size_t in_flight = 0;
        for (auto& [k, q] : model) in_flight += q.size();
        RC_ASSERT(got <= max);
        RC_ASSERT(got == max || in_flight == 0);  // short only when every ring is drained
      }
    }
    ch.try_consume([&](const std::uint64_t& v) {
      auto& q = model[v >> 32];
      RC_ASSERT(!q.empty() && q.front() == v);
      q.pop_front();
    });
    for (auto& [k, q] : model) RC_ASSERT(q.empty());  // nothing lost
  }));
}
