// The ring (RingCore through StackRing) under Relacy: R1/A1 and R2/A2 with cached indices,
// reservations at the wrap of the ring and of the 64-bit sequence, batch consume with a
// handler that throws, and close racing writes. docs/relacy.md gives each test's bound and what it covers.
#include <relacy/relacy_std.hpp>

#include "relacy_support.hpp"

#include <cstdint>
#include <span>

#include <ringmpsc/stack_ring.hpp>

#include "../test_access.hpp"

namespace {

using ringmpsc::Status;
using ringmpsc::StackRing;
using rlt::Item;
namespace wait = ringmpsc::wait;

// --------------------------------------------------------------------- push / pop ---
// Blocking push and pop of three items through two slots: the third push waits for the
// consumer to free slot 0 (R2/A2) and the consumer waits for each item (R1/A1); both sides
// park (Blocking policy), so a lost wake-up shows as a deadlock. Items are Items: every
// construction, move and destruction is race-checked, and FIFO order is asserted.
struct PushPop : rl::test_suite<PushPop, 2> {
  rlt::SlotShadow shadow;
  StackRing<Item, 2, wait::Blocking> ring;

  void thread(unsigned id) {
    if (id == 0) {
      for (int i = 1; i <= 3; ++i) RL_ASSERT(ring.push(Item(i)) == Status::ok);
    } else {
      for (int i = 1; i <= 3; ++i) {
        Item out;
        RL_ASSERT(ring.pop(out) == Status::ok);
        RL_ASSERT(out.get() == i);
      }
    }
  }
  void after() {
    RL_ASSERT(ring.was_empty());
    rlt::note(ring.metrics().waits == 0 ? "neither side parked" : "a side parked and was woken");
  }
};

// ---------------------------------------------------- reserve / commit at the wrap ---
// A ring of 2 int slots started one item before the 64-bit sequence wraps (index 1), so
// the ring's end and the sequence's wrap come together. The producer reserves 2 and gets
// the 1 slot up to the end of the ring; then 1 at index 0 (the sequence wraps to 0); then,
// once the consumer has freed it, index 1 again; then up to 2 slots at index 0: if the
// consumer has freed both, it writes both and commits only the first (partial commit). Each reservation is
// written in place before its commit, so slot reuse relies on A2 at the reservation. The
// consumer reads in place (readable(), which stops at the ring's end) and advances,
// concurrently. int is trivially copyable: the slot writes are plain memory, checked
// through the seam.
struct ReserveWrap : rl::test_suite<ReserveWrap, 2> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::BusySpin> ring;

  ReserveWrap() { ringmpsc::detail::TestAccess::set_sequence(ring, ~std::uint64_t{0}); }

  // Reserves up to n, waiting for the consumer to free a slot when the ring is full.
  ringmpsc::Reservation<int> reserve(std::size_t n) {
    for (;;) {
      auto r = ring.try_reserve(n);
      if (r) return r;
      rl::yield(1, $);
    }
  }

  void thread(unsigned id) {
    if (id == 0) {
      auto r = reserve(2);
      RL_ASSERT(r.size() == 1);  // up to the end of the ring only
      r[0] = 10;
      RL_ASSERT(r.commit());
      r = reserve(1);
      r[0] = 11;
      RL_ASSERT(r.commit());
      r = reserve(1);
      r[0] = 12;
      RL_ASSERT(r.commit());
      r = reserve(2);  // index 0: both slots if the consumer has freed both
      r[0] = 13;
      if (r.size() == 2) {
        r[1] = 99;  // written, never published
        RL_ASSERT(r.commit(1));
        rlt::note("partial commit of a 2-slot reservation");
      } else {
        RL_ASSERT(r.commit());
        rlt::note("1-slot reservation (the consumer had freed one slot)");
      }
    } else {
      int expect = 10;
      while (expect < 14) {
        const std::span<const int> s = ring.readable();
        if (s.empty()) {
          rl::yield(1, $);
          continue;
        }
        for (int v : s) RL_ASSERT(v == expect++);
        ring.advance(s.size());
      }
    }
  }
  void after() {
    RL_ASSERT(ring.was_empty());
    RL_ASSERT(ring.readable().empty());
  }
};

// ------------------------------------------- batch consume with a throwing handler ---
// The producer sends item 1, then items 2 and 3 in one publication (the copy path of
// non-trivially-copyable T). The consumer's handler throws the first time it sees item
// 2, which is either the first item of its batch or comes after item 1 in the same batch:
// the items before it are consumed (one head update, R2), item 2 and after stay. The
// consumer retries until it has seen 1, 2, 3 in order, each consumed exactly once (Relacy
// reports a leaked or doubly destroyed Item).
struct ConsumeThrow : rl::test_suite<ConsumeThrow, 2> {
  rlt::SlotShadow shadow;
  StackRing<Item, 4, wait::BusySpin> ring;

  struct Boom {};

  void thread(unsigned id) {
    if (id == 0) {
      const Item first[1] = {Item(1)};
      RL_ASSERT(ring.try_send(std::span<const Item>(first, 1)) == 1);
      const Item rest[2] = {Item(2), Item(3)};
      RL_ASSERT(ring.try_send(std::span<const Item>(rest, 2)) == 2);
    } else {
      int next = 1;  // the item the handler expects next
      bool thrown = false;
      while (next <= 3) {
        int seen_before_throw = -1;
        int in_call = 0;  // items this call handed to the handler
        try {
          const std::size_t n = ring.try_consume([&](Item& it) {
            ++in_call;
            RL_ASSERT(it.get() == next);
            if (next == 2 && !thrown) {
              thrown = true;
              seen_before_throw = next;
              rlt::note(in_call == 1 ? "handler threw at the first item of a batch"
                                     : "handler threw after consuming an item of its batch");
              throw Boom{};
            }
            Item moved(std::move(it));  // the handler may move from the item
            RL_ASSERT(moved.get() == next);
            ++next;
          });
          if (n == 0) rl::yield(1, $);
        } catch (const Boom&) {
          RL_ASSERT(seen_before_throw == 2);
          RL_ASSERT(next == 2);  // item 1 consumed, item 2 left for the next call
        }
      }
      RL_ASSERT(thrown);
    }
  }
  void after() { RL_ASSERT(ring.was_empty()); }
};

// ------------------------------------------------------------------ close is final ---
// BasicRing::close (mark_closed, F4, wait for the in-flight marker, seal) racing a
// producer's two writes (try_push, then a reservation's commit) and a consumer in blocking
// pop() until it is told `closed`. Checked at the end: the consumer received exactly the
// writes that returned success, in order, and nothing is left in the ring.
struct CloseFinal : rl::test_suite<CloseFinal, 3> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::Blocking> ring;
  rlt::CloseRace race;

  void thread(unsigned id) {
    if (id == 0) {
      race.write(ring);
    } else if (id == 1) {
      ring.close();
    } else {
      race.consume(ring);
    }
  }

  void after() {
    race.check(ring);
  }
};

}  // namespace

int main(int argc, char** argv) {
  static const rlt::Entry tests[] = {
      rlt::entry<PushPop>("ring_push_pop", 3),
      rlt::entry<ReserveWrap>("ring_reserve_wrap", 2),
      rlt::entry<ConsumeThrow>("ring_consume_throw", 4),
      rlt::entry<CloseFinal>("ring_close_final", 2),
  };
  return rlt::dispatch(argc, argv, tests);
}
