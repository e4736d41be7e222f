// The channel (ChannelCore with its rings) under Relacy: registration racing a drop and
// close (A4/R4, R5, SC1/SC2), reuse of a ring only after it is drained and after the
// reservation a dropped producer left open has ended, and close is final (F3/F4, R1/A9,
// R10/A10). docs/relacy.md gives each test's bound and what it covers.
#include <relacy/relacy_std.hpp>

#include "relacy_support.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include <ringmpsc/channel.hpp>
#include <ringmpsc/stack_channel.hpp>

namespace {

using ringmpsc::Config;
using ringmpsc::Errc;
using ringmpsc::Status;
using rlt::Item;
namespace wait = ringmpsc::wait;

// ------------------------------------------------- registration racing drop and close ---
// A Channel (rings allocated on first registration, so SC1/SC2 matter) with room for one
// live producer and 2-slot rings. Threads 0 and 1 each register, push their id + 1 and
// drop the producer; thread 2 closes the channel. Registration may race the other
// producer's drop (too_many_producers while it is live, rings_not_drained while its item
// is in the ring, or reuse of its drained ring) and the close (channel_closed, or a
// registration that succeeds but whose ring close() has closed, so its push fails).
// Checked: a registration that starts after close() returned fails with channel_closed,
// and a push that starts after it fails (whenever its registration started); every push
// that returned true is in the ring at the end and nothing else is; no producer is left
// live; at most one ring was made.
struct RegisterClose : rl::test_suite<RegisterClose, 3> {
  using Chan = ringmpsc::Channel<int, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch{Config{.ring_bits = 1, .max_producers = 1}};
  std::atomic<bool> close_returned{false};
  // Each written by its own thread, read in after().
  bool registered[2] = {false, false};
  bool pushed[2] = {false, false};
  Errc refused[2] = {Errc{}, Errc{}};

  void thread(unsigned id) {
    if (id == 2) {
      ch.close();
      close_returned.store(true, std::memory_order_release);
      return;
    }
    const bool after_close = close_returned.load(std::memory_order_acquire);
    auto r = ch.register_producer();
    if (after_close) RL_ASSERT(!r && r.error() == Errc::channel_closed);
    if (!r) {
      const Errc e = r.error();
      RL_ASSERT(e == Errc::channel_closed || e == Errc::too_many_producers ||
                e == Errc::rings_not_drained);
      refused[id] = e;
      return;
    }
    registered[id] = true;
    const bool push_after_close = close_returned.load(std::memory_order_acquire);
    pushed[id] = r->try_push(static_cast<int>(id) + 1);
    if (push_after_close) RL_ASSERT(!pushed[id]);  // close is final for writes too
  }

  void after() {
    RL_ASSERT(ch.is_closed());
    RL_ASSERT(ch.producer_count() == 0);
    bool got[2] = {false, false};
    int v = 0;
    while (ch.try_pop(v)) {
      RL_ASSERT(v == 1 || v == 2);
      RL_ASSERT(!got[v - 1]);
      got[v - 1] = true;
    }
    RL_ASSERT(got[0] == pushed[0] && got[1] == pushed[1]);
    for (int i = 0; i < 2; ++i) {
      if (registered[i]) {
        rlt::note(pushed[i] ? "registered, push delivered"
                            : "registered, push refused (closed)");
      } else {
        rlt::note(refused[i] == Errc::channel_closed       ? "refused: channel_closed"
                  : refused[i] == Errc::too_many_producers ? "refused: too_many_producers"
                                                           : "refused: rings_not_drained");
      }
    }
    RL_ASSERT(ch.ring_count() <= 1);
  }
};

// ---------------------------------------------------------------- reuse after drain ---
// One producer place, 2-slot rings. Producer A (registered before the threads) pushes items
// 1 and 2, filling its ring, and is dropped (R4, R5). Thread 1 registers once, at whatever
// point the schedule puts it: too_many_producers while A is live, rings_not_drained while
// A's items are unconsumed, else it reuses A's ring and pushes item 3, which lands in slot
// 0, the slot item 1 left: the consumer's R2 and the drained check's A2 hand the slot over,
// and R4/A4 hand over A's tail (a stale tail would overwrite item 2 or publish backwards).
// The consumer takes 1 and 2; item 3, when pushed, is the only item left at the end.
struct Reuse : rl::test_suite<Reuse, 3> {
  using Chan = ringmpsc::Channel<Item, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch{Config{.ring_bits = 1, .max_producers = 1}};
  std::optional<Chan::producer_type> a;
  bool b_ok = false;      // written by thread 1, read in after()
  Errc b_error = Errc{};

  Reuse() { a.emplace(ch.register_producer().value()); }

  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(a->try_push(Item(1)));
      RL_ASSERT(a->try_push(Item(2)));
      a.reset();
    } else if (id == 1) {
      auto b = ch.register_producer();
      b_ok = b.has_value();
      if (b_ok) {
        RL_ASSERT(b->try_push(Item(3)));
      } else {
        b_error = b.error();
      }
    } else {
      for (int expect = 1; expect <= 2;) {
        Item out;
        if (!ch.try_pop(out)) {
          rl::yield(1, $);
          continue;
        }
        RL_ASSERT(out.get() == expect);
        ++expect;
      }
    }
  }

  void after() {
    Item out;
    if (b_ok) {
      rlt::note("registration reused the drained ring");
      RL_ASSERT(ch.try_pop(out) && out.get() == 3);
    } else {
      RL_ASSERT(b_error == Errc::too_many_producers || b_error == Errc::rings_not_drained);
      rlt::note(b_error == Errc::too_many_producers ? "registration refused: A live"
                                                    : "registration refused: A's items not drained");
    }
    RL_ASSERT(!ch.try_pop(out));
    RL_ASSERT(ch.ring_count() == 1);  // never a second ring
    RL_ASSERT(ch.producer_count() == 0);
  }
};

// ----------------------------------------- a reservation that outlives its producer ---
// As above, but producer A reserves both slots, constructs items 1 and 2 in place, is
// dropped with the reservation open, then commits it: only then is the place retired.
// While the reservation is open the live count stays held (too_many_producers) and the
// ring is not reused. The consumer waits with blocking pop() (Blocking policy: it parks,
// and is woken by the commit's publication or by the retirement) and may be told
// `disconnected` between A's retirement and B's registration; it stops at a
// `disconnected` returned by a pop that began after B was done.
struct ReuseOpenReservation : rl::test_suite<ReuseOpenReservation, 3> {
  using Chan = ringmpsc::Channel<Item, wait::Blocking>;
  rlt::SlotShadow shadow;
  Chan ch{Config{.ring_bits = 1, .max_producers = 1}};
  std::optional<Chan::producer_type> a;
  std::atomic<bool> b_done{false};
  Errc b_error = Errc{};  // written by thread 1, read in after()
  bool b_ok = false;
  int n_got = 0;          // written by thread 2, read in after()

  ReuseOpenReservation() { a.emplace(ch.register_producer().value()); }

  void thread(unsigned id) {
    if (id == 0) {
      auto r = a->try_reserve(2);
      RL_ASSERT(r.size() == 2);
      r.emplace_back(1);
      r.emplace_back(2);
      a.reset();  // dropped with its reservation open
      RL_ASSERT(r.commit());
    } else if (id == 1) {
      {
        auto b = ch.register_producer();
        b_ok = b.has_value();
        if (b_ok) {
          RL_ASSERT(b->try_push(Item(3)));
        } else {
          b_error = b.error();
        }
      }
      b_done.store(true, std::memory_order_release);
    } else {
      for (;;) {
        // `disconnected` may be linearised before a registration that races the call, so
        // it is final only for a pop that began after B was done.
        const bool b_was_done = b_done.load(std::memory_order_acquire);
        Item out;
        const Status s = ch.pop(out);
        if (s == Status::disconnected) {
          if (b_was_done) break;
          rl::yield(1, $);
          continue;
        }
        RL_ASSERT(s == Status::ok);
        RL_ASSERT(out.get() == n_got + 1);
        ++n_got;
      }
    }
  }

  void after() {
    if (b_ok) {
      rlt::note("registration reused the drained ring");
      RL_ASSERT(n_got == 3);
    } else {
      RL_ASSERT(b_error == Errc::too_many_producers || b_error == Errc::rings_not_drained);
      rlt::note(b_error == Errc::too_many_producers
                    ? "registration refused: A or its open reservation live"
                    : "registration refused: A's items not drained");
      RL_ASSERT(n_got == 2);
    }
    RL_ASSERT(ch.ring_count() == 1);  // never a second ring
    RL_ASSERT(ch.producer_count() == 0);
    RL_ASSERT(ch.is_disconnected());
  }
};

// ------------------------------------------------ reuse after a cancelled reservation ---
// Two producer places. Before the threads: A registers (slot 0), C registers (slot 1) and
// is dropped, so the live count (1) was last written by C. Thread 0: A reserves a slot,
// is dropped with the reservation open, and cancels it: nothing is published, the ring
// stays drained, and the cancel (which clears the ring's reservation flag) then retires
// slot 0 (R4, R5). Thread 1: B registers once, possibly reading the live count C left
// (so its CAS on the count need not synchronise with A's retirement), and may take slot
// 0 as soon as it reads `retired` there: only R4/A4 then orders A's clearing of the
// flag before B's use of the ring. B reserves one slot, which must succeed and not find
// the reservation A cancelled (Errc::reservation_pending), then pushes.
struct ReuseAfterCancel : rl::test_suite<ReuseAfterCancel, 2> {
  using Chan = ringmpsc::Channel<int, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch{Config{.ring_bits = 1, .max_producers = 2}};
  std::optional<Chan::producer_type> a;
  std::uint32_t b_slot = 99;  // written by thread 1, read in after()

  ReuseAfterCancel() {
    a.emplace(ch.register_producer().value());
    auto c = ch.register_producer().value();
    RL_ASSERT(a->id() == 0 && c.id() == 1);
  }

  void thread(unsigned id) {
    if (id == 0) {
      auto r = a->try_reserve(1);
      RL_ASSERT(r.size() == 1);
      a.reset();   // dropped with its reservation open
      r.cancel();  // ends it: the ring's flag cleared, then slot 0 retired
    } else {
      auto b = ch.register_producer();
      RL_ASSERT(b.has_value());  // slot 1 is free for reuse in any case
      b_slot = b->id();
      try {
        auto r = b->try_reserve(1);
        RL_ASSERT(r.size() == 1);
        r[0] = 5;
        RL_ASSERT(r.commit());
      } catch (const ringmpsc::Error& e) {
        RL_ASSERT(e.errc() != Errc::reservation_pending);  // A's cancelled reservation
        RL_ASSERT(false);
      }
    }
  }

  void after() {
    rlt::note(b_slot == 0 ? "B reused slot 0 after A's cancel" : "B reused slot 1 (C's)");
    int v = 0;
    RL_ASSERT(ch.try_pop(v) && v == 5);
    RL_ASSERT(!ch.try_pop(v));
  }
};

// -------------------------------------------------------------------- disconnected ---
// The last producer pushes one item and is dropped (R5: the live count reaches 0); the
// consumer must receive the item before it is told `disconnected` (A5 before the
// readability check). BusySpin: the consumer's wait is a loop of readiness checks, and the
// publication path has no wake-up fence, so the count alone must carry the item.
struct Disconnect : rl::test_suite<Disconnect, 2> {
  using Chan = ringmpsc::StackChannel<int, 2, 1, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch;
  std::optional<Chan::producer_type> p;

  Disconnect() { p.emplace(ch.register_producer().value()); }
  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(p->try_push(7));
      p.reset();
    } else {
      int v = 0;
      RL_ASSERT(ch.pop(v) == Status::ok);
      RL_ASSERT(v == 7);
      RL_ASSERT(ch.pop(v) == Status::disconnected);
    }
  }
};

// ------------------------------------------------------------------ close is final ---
// One registered producer on a 2-slot ring; thread 0 writes 1 with try_push and 2 through
// a reservation's commit; thread 1 closes; thread 2 consumes with blocking pop() until it
// is told `closed`. Checked at the end: what the consumer received before `closed` is
// exactly the writes that returned success, in order, and nothing is left in the ring.
// (A write that succeeded after the consumer saw `closed`, or whose publication close()
// did not wait for, would be missing from what the consumer received.)
struct CloseFinal : rl::test_suite<CloseFinal, 3> {
  using Chan = ringmpsc::StackChannel<int, 2, 1, wait::Blocking>;
  rlt::SlotShadow shadow;
  Chan ch;
  std::optional<Chan::producer_type> p;
  rlt::CloseRace race;

  CloseFinal() { p.emplace(ch.register_producer().value()); }

  void thread(unsigned id) {
    if (id == 0) {
      race.write(*p);
    } else if (id == 1) {
      ch.close();
    } else {
      race.consume(ch);
    }
  }

  void after() {
    race.check(ch);
    p.reset();
  }
};

// ----------------------------------------------------------------- two producers ---
// Two producers (registered before the threads) push two items and one item into their
// own rings; the consumer takes all three with blocking pop(), round robin over the
// rings, parked on the one data event both producers notify. Checked: per-producer FIFO,
// nothing lost, nothing duplicated.
struct TwoProducers : rl::test_suite<TwoProducers, 3> {
  using Chan = ringmpsc::StackChannel<int, 2, 2, wait::Blocking>;
  rlt::SlotShadow shadow;
  Chan ch;
  std::optional<Chan::producer_type> p[2];

  TwoProducers() {
    p[0].emplace(ch.register_producer().value());
    p[1].emplace(ch.register_producer().value());
  }

  void thread(unsigned id) {
    if (id == 0) {
      RL_ASSERT(p[0]->push(1) == Status::ok);
      RL_ASSERT(p[0]->push(2) == Status::ok);
    } else if (id == 1) {
      RL_ASSERT(p[1]->push(11) == Status::ok);
    } else {
      int next[2] = {1, 11};
      for (int n = 0; n < 3; ++n) {
        int v = 0;
        RL_ASSERT(ch.pop(v) == Status::ok);
        const int from = v / 10;
        RL_ASSERT(from == 0 || from == 1);
        RL_ASSERT(v == next[from]);  // per-producer FIFO, no loss, no duplicate
        ++next[from];
      }
    }
  }

  void after() {
    int v = 0;
    RL_ASSERT(!ch.try_pop(v));
    p[0].reset();
    p[1].reset();
  }
};


// ------------------------------------------------- two registrations, one slot (ABA) ---
// Two producer places, 2-slot rings. Before the threads, A registers (slot 0) and is
// dropped: slot 0 is retired and its ring drained, slot 1 is free. Threads 0 (B) and 1 (C)
// each register once; B pushes 1 and is dropped, C pushes 2 and stays live to the end; the
// consumer (thread 2) takes what arrives. Both registrations may load slot 0 as retired and
// find its ring drained; one wins the CAS, writes and drops, leaving slot 0 retired again
// with its item unread, and the other's CAS then compares equal (ABA). The claim must look
// again after its CAS and move on unless the ring is still drained. Checked: a freshly
// registered producer's ring is empty (nobody else writes it, and the consumer only
// removes), whichever slot it got; every item is delivered once, in its producer's order.
struct ClaimAba : rl::test_suite<ClaimAba, 3> {
  using Chan = ringmpsc::StackChannel<int, 2, 2, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch;
  std::optional<Chan::producer_type> c;  // C, kept live until after()
  std::uint32_t slot[2] = {99, 99};      // each written by its thread, read in after()
  bool got[2] = {false, false};          // written by thread 2, read in after()

  ClaimAba() {
    auto a = ch.register_producer();
    RL_ASSERT(a && a->id() == 0);
  }  // A dropped: slot 0 retired, drained

  void thread(unsigned id) {
    if (id < 2) {
      auto r = ch.register_producer();
      RL_ASSERT(r.has_value());  // one place is free or drained whatever the schedule
      RL_ASSERT(r->was_size() == 0);
      slot[id] = r->id();
      RL_ASSERT(r->try_push(static_cast<int>(id) + 1));
      if (id == 1) c.emplace(std::move(*r));
    } else {
      int v = 0;
      for (int n = 0; n < 2;) {
        if (!ch.try_pop(v)) {
          rl::yield(1, $);
          continue;
        }
        RL_ASSERT(v == 1 || v == 2);
        RL_ASSERT(!got[v - 1]);
        got[v - 1] = true;
        ++n;
      }
    }
  }

  void after() {
    RL_ASSERT(got[0] && got[1]);
    int v = 0;
    RL_ASSERT(!ch.try_pop(v));
    RL_ASSERT(slot[0] != slot[1] || slot[0] == 0);
    rlt::note(slot[1] == 0 ? (slot[0] == 0 ? "C reused slot 0 after B's item was taken"
                                           : "C got slot 0, B slot 1")
                           : (slot[0] == 0 ? "B got slot 0, C slot 1" : "both got slot 1 (B first)"));
    c.reset();
  }
};

// -------------------------------------- disconnected means a producer came and went ---
// The first registration ever races is_disconnected(): the channel is never disconnected,
// since the one producer that comes stays live to the end. disconnected() loads
// had_producer (which never goes back to false) before the live count; the other order
// sees live == 0 before the registration and had_producer after it.
struct DisconnectedOrder : rl::test_suite<DisconnectedOrder, 2> {
  using Chan = ringmpsc::StackChannel<int, 2, 1, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch;
  std::optional<Chan::producer_type> p;  // thread 0's, kept live until after()
  bool seen = false;                     // written by thread 1, read in after()

  void thread(unsigned id) {
    if (id == 0) {
      auto r = ch.register_producer();
      RL_ASSERT(r.has_value());
      p.emplace(std::move(*r));
    } else {
      seen = ch.is_disconnected();
    }
  }

  void after() {
    RL_ASSERT(!seen);
    p.reset();
    RL_ASSERT(ch.is_disconnected());
  }
};

// ------------------------------------ a registration close() refuses is no producer ---
// A Channel (rings made on first registration) with one place: one registration races
// close(); the consumer waits (BusySpin: settle_() in a loop). A registration that close() refuses at its SC1 re-check, after it reserved a
// live count and gave it back, was never a producer: the consumer must be told `closed`,
// never `disconnected`. A registration that succeeds may leave (its producer is dropped at
// once), and then either is right.
struct RefusedNotCounted : rl::test_suite<RefusedNotCounted, 3> {
  using Chan = ringmpsc::Channel<int, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch{Config{.ring_bits = 1, .max_producers = 1}};
  bool registered = false;  // written by thread 0, read in after()
  Status status = Status::ok;  // written by thread 2, read in after()

  void thread(unsigned id) {
    if (id == 0) {
      auto r = ch.register_producer();
      registered = r.has_value();
      if (!registered) RL_ASSERT(r.error() == Errc::channel_closed);
    } else if (id == 1) {
      ch.close();
    } else {
      status = ch.wait();
      RL_ASSERT(status == Status::closed || status == Status::disconnected);
    }
  }

  void after() {
    if (!registered) RL_ASSERT(status == Status::closed);
    // A registration refused at its re-check has made the ring; one refused at its first
    // check of `closed` has not.
    rlt::note(registered ? (status == Status::closed ? "registered; consumer told closed"
                                                     : "registered; consumer told disconnected")
              : ch.ring_count() == 1 ? "refused at the re-check (SC1); consumer told closed"
                                     : "refused at once; consumer told closed");
  }
};

// ------------------------------------------- a reconnection racing close() and a wait ---
// A registered and was dropped before the threads: the channel is disconnected. Thread 0
// registers B, pushes 7 and drops B; thread 1 closes; the consumer (BusySpin: wait() is
// settle_() in a loop) waits until it is told `closed`, taking what each
// `ok` offers and waiting on after `disconnected`. A wait that started on the
// disconnection must load sealed before it looks for items: if it looked first, B could
// register, push and be sealed in by close() between the two loads, and `closed` would
// be reported with 7 undelivered. Checked: once `closed` is reported, every push that
// succeeded has been delivered, and nothing is left.
struct ReconnectClose : rl::test_suite<ReconnectClose, 3> {
  using Chan = ringmpsc::StackChannel<int, 2, 2, wait::BusySpin>;
  rlt::SlotShadow shadow;
  Chan ch;
  bool pushed = false;      // written by thread 0, read in after()
  bool got = false;         // written by thread 2, read in after()
  bool saw_gone = false;    // written by thread 2, read in after()

  ReconnectClose() {
    auto a = ch.register_producer();
    RL_ASSERT(a.has_value());
  }  // A dropped: disconnected

  void thread(unsigned id) {
    if (id == 0) {
      auto b = ch.register_producer();
      if (b) pushed = b->try_push(7);
    } else if (id == 1) {
      ch.close();
    } else {
      for (;;) {
        const Status s = ch.wait();
        if (s == Status::closed) break;
        if (s == Status::ok) {
          int v = 0;
          while (ch.try_pop(v)) {
            RL_ASSERT(v == 7 && !got);
            got = true;
          }
        } else {
          RL_ASSERT(s == Status::disconnected);
          saw_gone = true;
        }
        rl::yield(1, $);
      }
    }
  }

  void after() {
    RL_ASSERT(got == pushed);
    int v = 0;
    RL_ASSERT(!ch.try_pop(v));
    rlt::note(pushed ? (saw_gone ? "pushed, delivered; disconnected seen first"
                                 : "pushed, delivered")
                     : "push refused or registration refused by close()");
  }
};
}  // namespace

int main(int argc, char** argv) {
  static const rlt::Entry tests[] = {
      rlt::entry<RegisterClose>("channel_register_close", 2),
      rlt::entry<Reuse>("channel_reuse", 2),
      rlt::entry<ReuseOpenReservation>("channel_reuse_open_reservation", 1),
      rlt::entry<ReuseAfterCancel>("channel_reuse_after_cancel", 3),
      rlt::entry<Disconnect>("channel_disconnect", 4),
      rlt::entry<CloseFinal>("channel_close_final", 2),
      rlt::entry<TwoProducers>("channel_two_producers", 2),
      rlt::entry<ClaimAba>("channel_claim_aba", 1),
      rlt::entry<DisconnectedOrder>("channel_disconnected_order", 2),
      rlt::entry<RefusedNotCounted>("channel_refused_not_counted", 2),
      rlt::entry<ReconnectClose>("channel_reconnect_close", 2),
  };
  return rlt::dispatch(argc, argv, tests);
}
