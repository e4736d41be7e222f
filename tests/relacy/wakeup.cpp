// The wake-up protocol (EventCount: W1, F1/F2, R3/A3, the futex) under Relacy, through the
// public blocking calls of a ring and a channel with the Blocking policy (park at once).
// Both asymmetric fences are the seq_cst thread fences they stand for (the checker's build
// has no membarrier). A lost wake-up leaves a thread parked for ever: Relacy reports a
// DEADLOCK. docs/relacy.md gives each test's bound and what it covers.
#include <relacy/relacy_std.hpp>

#include "relacy_support.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include <ringmpsc/stack_channel.hpp>
#include <ringmpsc/stack_ring.hpp>

#include "../test_access.hpp"

namespace {

using ringmpsc::StackChannel;
using ringmpsc::StackRing;
using ringmpsc::Status;
namespace wait = ringmpsc::wait;

// Which way the waiting side went, from the event counts' own counters (parks: it found
// nothing after announcing itself and called futex_wait; wakeups: a notifier saw a
// waiter and bumped the epoch). The report shows every way was explored.
void note_wait(std::uint64_t parks, std::uint64_t wakeups) {
  rlt::note(parks == 0     ? (wakeups == 0 ? "waiter did not park, no wake-up"
                                           : "waiter did not park, notifier saw it and woke")
            : wakeups == 0 ? "waiter parked, no wake-up (impossible: it would sleep forever)"
                           : "waiter parked and was woken");
}

// A consumer that finds the ring empty and parks; a producer that publishes one item and
// notifies (R1, F1, load of the waiter count). Run without F2 this must deadlock.
struct Data : rl::test_suite<Data, 2> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::Blocking> ring;

  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(ring.try_push(7));
    } else {
      int v = 0;
      RL_ASSERT(ring.pop(v) == Status::ok);
      RL_ASSERT(v == 7);
    }
  }
  void after() {
    const auto m = ring.metrics();
    note_wait(m.waits, m.wakeups);
  }
};

// The other direction: a producer that finds the ring full (two items put in before the
// threads start) and parks on the space event; a consumer that frees one slot (R2) and
// notifies.
struct Space : rl::test_suite<Space, 2> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::Blocking> ring;

  Space() {
    RL_ASSERT(ring.try_push(1));
    RL_ASSERT(ring.try_push(2));
  }
  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(ring.push(3) == Status::ok);
    } else {
      int v = 0;
      while (!ring.try_pop(v)) rl::yield(1, $);
      RL_ASSERT(v == 1);
    }
  }
  void after() {
    const auto m = ring.metrics();
    note_wait(m.waits, m.wakeups);
    int v = 0;
    RL_ASSERT(ring.try_pop(v) && v == 2);
    RL_ASSERT(ring.try_pop(v) && v == 3);
  }
};

// close() wakes a consumer parked on an empty ring (the seal R10, then the notification),
// which then reports closed.
struct Close : rl::test_suite<Close, 2> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::Blocking> ring;

  void thread(unsigned id) {
    if (id == 0) {
      ring.close();
    } else {
      int v = 0;
      RL_ASSERT(ring.pop(v) == Status::closed);
    }
  }
  void after() {
    const auto m = ring.metrics();
    note_wait(m.waits, m.wakeups);
  }
};

// close() wakes a producer parked for space on a full ring (close notifies every space
// event after the seal), which then reports closed; nothing is written.
struct CloseProducer : rl::test_suite<CloseProducer, 2> {
  rlt::SlotShadow shadow;
  StackRing<int, 2, wait::Blocking> ring;

  CloseProducer() {
    RL_ASSERT(ring.try_push(1));
    RL_ASSERT(ring.try_push(2));
  }
  void thread(unsigned id) {
    if (id == 0) {
      ring.close();
    } else {
      RL_ASSERT(ring.push(3) == Status::closed);
    }
  }
  void after() {
    const auto m = ring.metrics();
    note_wait(m.waits, m.wakeups);
    int v = 0;
    RL_ASSERT(ring.try_pop(v) && v == 1);
    RL_ASSERT(ring.try_pop(v) && v == 2);
    RL_ASSERT(!ring.try_pop(v));
  }
};

// A channel consumer parked on the shared data event; the last producer publishes one
// item, then is dropped (R5: the live count reaches 0, and it notifies). The consumer
// must receive the item, then report disconnected (A5 before the readability check).
struct Disconnect : rl::test_suite<Disconnect, 2> {
  using Channel = StackChannel<int, 2, 1, wait::Blocking>;
  rlt::SlotShadow shadow;
  Channel ch;
  std::optional<Channel::producer_type> producer;

  Disconnect() { producer.emplace(ch.register_producer().value()); }
  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(producer->try_push(7));
      producer.reset();
    } else {
      int v = 0;
      RL_ASSERT(ch.pop(v) == Status::ok);
      RL_ASSERT(v == 7);
      RL_ASSERT(ch.pop(v) == Status::disconnected);
    }
  }
  void after() {
    const auto& ev = ringmpsc::detail::TestAccess::data_event(ch);
    note_wait(ev.parks(), ev.wakeups());
  }
};

}  // namespace

int main(int argc, char** argv) {
  static const rlt::Entry tests[] = {
      rlt::entry<Data>("wakeup_data", 6),
      rlt::entry<Space>("wakeup_space", 6),
      rlt::entry<Close>("wakeup_close", 6),
      rlt::entry<CloseProducer>("wakeup_close_producer", 6),
      rlt::entry<Disconnect>("wakeup_disconnect", 3),
  };
  return rlt::dispatch(argc, argv, tests);
}
