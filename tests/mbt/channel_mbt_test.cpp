// Model-based test: replays serial traces of tla/ChannelMPSC.qnt (`quint run
// --init=serialInit`: calls do not interleave, and no wait blocks) against the real
// Channel<T>.
//
// The specification splits each call into the steps where its races are (registration:
// RegReserve, RegClaim (one slot of the scan), RegCas, RegAlloc, RegCheck; a write:
// BeginSend, EndSend; a commit: BeginCommit, EndCommit; close(): CloseStore, Seal; the
// consumer's wait: Park, WaitLoad, WaitLive, WaitDecide, and its check without a wait:
// Check, WaitLoad, WaitLive, WaitDecide). The replay makes the real call at the step where
// the specification's call takes effect, which is the step that ends it (`busy` is empty
// after it):
//
//   register_producer()   at the step that decides it: RegReserve (channel_closed,
//                         too_many_producers), RegClaim or RegCas past the last slot
//                         (rings_not_drained), RegAlloc (the allocator is made to throw
//                         std::bad_alloc), RegCheck (ok, with the slot the specification
//                         chose, or channel_closed)
//   try_push              at EndSend (true), or at a BeginSend that fails (false; with the
//                         reservation open, also a contract violation, recorded here)
//   try_reserve(1)        at Reserve (empty or not, as the specification says)
//   commit()              at EndCommit (true), or at a BeginCommit on a closed ring (false)
//   cancel()              at Cancel
//   ~Producer             at Drop (a reservation left open stays with the replay)
//   close()               at Seal
//   drain(n)              at Consume(s, n), on ring s's core: the specification's consumer
//                         takes from any ring, where the channel's own consumer calls pick
//                         one by ChannelCore::poll
//   wait_for(0)           at WaitDecide after Park: ok, closed or disconnected, as decided
//   the readiness check   at WaitDecide after Check (ChannelCore's settle_, what
//                         Readiness::check() reports): ok, closed, disconnected, or none
//
// After every step that ends a call, the channel must match the specification: the live
// count, had_producer and is_disconnected(), the closed and sealed flags, and per slot its
// state (free/active/retired), whether its ring exists, the ring's contents (producer and
// sequence of every item from the consumer's position to the tail; the consumer has handed
// every item it took back, as the hand-back quantum is 1 at this capacity), its open
// reservation, whether its Producer left that reservation behind (orphaned), its closed flag
// and its in-flight marker; per Producer, whether its handle and its reservation exist; and
// the delivered sequence.
//
// Traces: the committed ones in tests/mbt/traces/, plus every directory listed in the
// environment variable RINGMPSC_MBT_TRACES (':'-separated; `tla/run_specs.sh --quint DIR`
// writes fresh ones).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../catch.hpp"
#include "../support.hpp"
#include "itf.hpp"

using json = nlohmann::json;
namespace fs = std::filesystem;
using itf::big;
using itf::map_get;

namespace {

// An allocator that throws std::bad_alloc once when asked to (RegAlloc failing).
bool fail_next_allocation = false;

template <class T>
struct FailingAllocator {
  using value_type = T;
  FailingAllocator() noexcept = default;
  template <class U>
  FailingAllocator(const FailingAllocator<U>&) noexcept {}  // NOLINT
  T* allocate(std::size_t n) {
    if (std::exchange(fail_next_allocation, false)) throw std::bad_alloc();
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }
  template <class U>
  friend bool operator==(const FailingAllocator&, const FailingAllocator<U>&) noexcept {
    return true;
  }
};

using Item = std::uint64_t;
using Ch = ringmpsc::Channel<Item, ringmpsc::default_wait, FailingAllocator<Item>>;
using Core = ringmpsc::detail::RingCore<Item>;

constexpr std::uint32_t kSlots = 2;  // the specification's SLOTS (max_producers); CAP = 2

Item encode(std::int64_t id, std::int64_t seq) {
  return (static_cast<Item>(id) << 32) | static_cast<Item>(seq);
}
std::pair<std::int64_t, std::int64_t> decode(Item v) {
  return {static_cast<std::int64_t>(v >> 32), static_cast<std::int64_t>(v & 0xffffffffu)};
}

ringmpsc::Errc errc_of(const std::string& result) {
  if (result == "channel_closed") return ringmpsc::Errc::channel_closed;
  if (result == "too_many_producers") return ringmpsc::Errc::too_many_producers;
  if (result == "rings_not_drained") return ringmpsc::Errc::rings_not_drained;
  FAIL("unknown registration result " << result);
  return ringmpsc::Errc::channel_closed;
}

const char* state_name(ringmpsc::detail::SlotState s) {
  switch (s) {
    case ringmpsc::detail::SlotState::free: return "free";
    case ringmpsc::detail::SlotState::active: return "active";
    case ringmpsc::detail::SlotState::retired: return "retired";
  }
  return "?";
}

// What each step exercised, over all traces (printed, and some must be non-zero).
std::map<std::string, std::size_t>& coverage() {
  static std::map<std::string, std::size_t> c;
  return c;
}

struct Replay {
  Ch ch{ringmpsc::Config{.ring_bits = 1, .max_producers = kSlots}};
  std::map<std::int64_t, std::optional<Ch::producer_type>> producers;  // spec id -> handle
  std::map<std::int64_t, ringmpsc::Reservation<Item>> reservations;    // spec id -> open one
  std::vector<std::pair<std::int64_t, std::int64_t>> delivered;        // (id, seq)
  test::ViolationRecorder violations;  // a write while the reservation is open
  bool checking = false;  // the consumer's call began with Check (no wait), not Park

  static json producer(const json& st, std::int64_t p) {
    return map_get(st.at("producers"), p);
  }

  // register_producer() as the specification's registration ended.
  void register_(const json& st, std::int64_t p, const std::string& result) {
    if (result == "bad_alloc") {
      fail_next_allocation = true;
      REQUIRE_THROWS_AS(ch.register_producer(), std::bad_alloc);
      REQUIRE_FALSE(fail_next_allocation);
      ++coverage()["register: bad_alloc"];
      return;
    }
    auto r = ch.register_producer();
    if (result == "ok") {
      REQUIRE(r.has_value());
      REQUIRE(static_cast<std::int64_t>(r->id()) == big(producer(st, p).at("slot")));
      producers[p].emplace(std::move(*r));
    } else {
      REQUIRE_FALSE(r.has_value());
      REQUIRE(r.error() == errc_of(result));
    }
    ++coverage()["register: " + result];
  }

  void step(const json& prev, const json& st, const std::string& act, std::int64_t arg) {
    const std::string result = st.at("lastResult").get<std::string>();
    if (act == "RegReserve") {
      if (!result.empty()) register_(st, arg, result);  // refused at once
    } else if (act == "RegClaim" || act == "RegCas") {
      if (result == "rings_not_drained") register_(st, arg, result);
    } else if (act == "RegAlloc") {
      if (result == "bad_alloc") register_(st, arg, result);
    } else if (act == "RegCheck") {
      register_(st, arg, result);
    } else if (act == "Drop") {
      REQUIRE(producers.at(arg).has_value());
      producers.at(arg).reset();
      ++coverage()[producer(st, arg).at("status") == "orphan" ? "drop: orphan" : "drop"];
    } else if (act == "BeginSend") {
      if (producer(st, arg).at("pc") == "writing") return;  // on to EndSend
      const bool open_res = map_get(prev.at("reserving"), big(producer(prev, arg).at("slot")))
                                .get<bool>();
      const int before = test::ViolationRecorder::count();
      const Item v = encode(arg, big(producer(prev, arg).at("sent")));
      REQUIRE_FALSE(producers.at(arg)->try_push(v));
      REQUIRE(test::ViolationRecorder::count() == before + (open_res ? 1 : 0));
      ++coverage()["write refused"];
    } else if (act == "EndSend") {
      const Item v = encode(arg, big(producer(prev, arg).at("sent")));
      REQUIRE(producers.at(arg)->try_push(v));
      ++coverage()["write"];
    } else if (act == "Reserve") {
      auto res = producers.at(arg)->try_reserve(1);
      const bool granted = static_cast<bool>(res);
      REQUIRE(granted == producer(st, arg).at("holds").get<bool>());
      if (granted) {
        res[0] = encode(arg, big(producer(prev, arg).at("sent")));
        reservations[arg] = std::move(res);
      }
      ++coverage()[granted ? "reserve" : "reserve refused"];
    } else if (act == "BeginCommit") {
      if (producer(st, arg).at("pc") == "committing") return;  // on to EndCommit
      REQUIRE_FALSE(reservations.at(arg).commit());              // the ring was closed
      ++coverage()["commit refused (closed)"];
    } else if (act == "EndCommit") {
      const bool orphan = producer(prev, arg).at("status") == "orphan";
      REQUIRE(reservations.at(arg).commit());
      ++coverage()[orphan ? "commit: orphan" : "commit"];
    } else if (act == "Cancel") {
      const bool orphan = producer(prev, arg).at("status") == "orphan";
      REQUIRE(static_cast<bool>(reservations.at(arg)));
      reservations.at(arg).cancel();
      ++coverage()[orphan ? "cancel: orphan" : "cancel"];
    } else if (act == "CloseStore") {
      // close() takes effect at Seal
    } else if (act == "Seal") {
      ch.close();
      ++coverage()["close"];
    } else if (act == "Consume") {
      const auto slot = static_cast<std::uint32_t>(arg / 100);
      const auto n = static_cast<std::size_t>(arg % 100);
      if (Core* ring = test::TestAccess::ring_of(ch, slot)) {
        auto deliver = [this](const Item& v) { delivered.push_back(decode(v)); };
        const std::size_t got = ring->drain(n, deliver);
        ++coverage()[got != 0 ? "consume" : "consume (nothing)"];
      }
    } else if (act == "Park" || act == "Check") {
      checking = act == "Check";  // the wait or the check takes effect at WaitDecide
    } else if (act == "WaitLoad" || act == "WaitLive") {
    } else if (act == "WaitDecide") {
      static const char* const names[] = {"ok", "closed", "disconnected", "none"};
      const ringmpsc::Status want[] = {ringmpsc::Status::ok, ringmpsc::Status::closed,
                                       ringmpsc::Status::disconnected};
      REQUIRE(arg >= 0);
      REQUIRE(arg <= 3);
      if (checking) {
        const std::optional<ringmpsc::Status> s = test::TestAccess::settle(ch);
        REQUIRE(s.has_value() == (arg != 3));
        if (s) REQUIRE(*s == want[arg]);
        ++coverage()[std::string("check: ") + names[arg]];
      } else {
        REQUIRE(arg <= 2);  // 3 (wait on) cannot end a serial wait
        const ringmpsc::Status s = ch.wait_for(std::chrono::milliseconds(0));
        REQUIRE(s == want[arg]);
        ++coverage()[std::string("wait: ") + names[arg]];
      }
    } else {
      FAIL("unknown action " << act);
    }
  }

  // The state at a call boundary must be the specification's.
  void compare(const json& st) {
    REQUIRE(static_cast<std::int64_t>(ch.producer_count()) == big(st.at("live")));
    const bool had = st.at("hadProducer").get<bool>();
    REQUIRE(test::TestAccess::had_producer(ch) == had);
    REQUIRE(ch.is_disconnected() == (big(st.at("live")) == 0 && had));
    REQUIRE(ch.is_closed() == st.at("closed").get<bool>());
    REQUIRE(test::TestAccess::sealed(ch) == st.at("sealed").get<bool>());
    std::uint32_t rings = 0;
    for (std::uint32_t s = 0; s < kSlots; ++s) {
      INFO("slot " << s);
      REQUIRE(state_name(test::TestAccess::slot_state(ch, s)) ==
              map_get(st.at("slotState"), s).get<std::string>());
      const json items = map_get(st.at("ring"), s);
      const bool reserving = map_get(st.at("reserving"), s).get<bool>();
      const bool orphaned = map_get(st.at("orphaned"), s).get<bool>();
      const bool ring_closed = map_get(st.at("ringClosed"), s).get<bool>();
      REQUIRE_FALSE(map_get(st.at("inflight"), s).get<bool>());  // no call is inside a write
      Core* ring = test::TestAccess::ring_of(ch, s);
      REQUIRE((ring != nullptr) == map_get(st.at("allocated"), s).get<bool>());
      if (ring == nullptr) {
        REQUIRE(items.empty());
        REQUIRE_FALSE(reserving);
        REQUIRE_FALSE(ring_closed);
        continue;
      }
      ++rings;
      const std::uint64_t pos = test::TestAccess::position(*ring);
      REQUIRE(test::TestAccess::head(*ring) == pos);  // quantum 1: everything taken is handed back
      REQUIRE(test::TestAccess::tail(*ring) - pos == items.size());
      for (std::size_t k = 0; k < items.size(); ++k) {
        const auto [id, seq] = decode(test::TestAccess::peek(*ring, pos + k));
        REQUIRE(id == big(items[k].at("id")));
        REQUIRE(seq == big(items[k].at("seq")));
      }
      REQUIRE(ring->reservation_open() == reserving);
      REQUIRE(test::TestAccess::orphaned(*ring) == orphaned);
      REQUIRE(ring->is_closed() == ring_closed);
      REQUIRE(test::TestAccess::write_end(*ring) == test::TestAccess::tail(*ring));  // none in flight
    }
    REQUIRE(ch.ring_count() == rings);
    for (const auto& kv : st.at("producers").at("#map")) {
      const std::int64_t p = big(kv[0]);
      const json& pr = kv[1];
      INFO("producer " << p);
      REQUIRE(pr.at("pc") == "none");
      const std::string status = pr.at("status").get<std::string>();
      const bool handle = producers.count(p) != 0 && producers.at(p).has_value();
      REQUIRE(handle == (status == "live"));
      if (handle) REQUIRE(static_cast<std::int64_t>(producers.at(p)->id()) == big(pr.at("slot")));
      const bool holds = reservations.count(p) != 0 && static_cast<bool>(reservations.at(p));
      REQUIRE(holds == pr.at("holds").get<bool>());
    }
    const json& spec_delivered = st.at("delivered");
    REQUIRE(delivered.size() == spec_delivered.size());
    for (std::size_t k = 0; k < delivered.size(); ++k) {
      REQUIRE(delivered[k].first == big(spec_delivered[k].at("id")));
      REQUIRE(delivered[k].second == big(spec_delivered[k].at("seq")));
    }
  }
};

std::size_t replay(const fs::path& file) {
  std::ifstream in(file);
  const json trace = json::parse(in);
  const auto& states = trace.at("states");
  REQUIRE(states.size() >= 1);
  INFO(file.filename().string());
  REQUIRE(states[0].at("serial").get<bool>());  // a trace of serialInit
  Replay r;
  r.compare(states[0]);
  std::size_t boundaries = 0;
  for (std::size_t i = 1; i < states.size(); ++i) {
    const json& prev = states[i - 1];
    const json& st = states[i];
    const std::string act = st.at("act").get<std::string>();
    const std::int64_t arg = big(st.at("arg"));
    INFO(file.filename().string() << " step " << i << ": " << act << "(" << arg << ")");
    r.step(prev, st, act, arg);
    if (st.at("busy").get<std::string>().empty()) {  // a call ended: compare
      r.compare(st);
      ++boundaries;
    }
  }
  // Reservations left open end with the replay (destroyed uncommitted), before the channel.
  r.reservations.clear();
  r.producers.clear();
  return boundaries;
}

}  // namespace

TEST_CASE("Channel<T> follows ChannelMPSC.qnt step by step on every trace", "[mbt]") {
  const auto files = itf::trace_files("channel");
  REQUIRE(files.size() >= 1);
  std::size_t calls = 0;
  for (const auto& f : files) calls += replay(f);
  std::ostringstream cov;
  for (const auto& [what, n] : coverage()) cov << "  " << what << ": " << n << "\n";
  WARN("replayed " << files.size() << " channel traces, " << calls << " calls:\n" << cov.str());
  REQUIRE(calls > 0);
}
