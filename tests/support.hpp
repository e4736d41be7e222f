// Test-only helpers: element types that observe their own lifetime, and TestAccess.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <ringmpsc/ringmpsc.hpp>

namespace ringmpsc::detail {
/// Defined only here: lets tests start a ring at any sequence and read its indices.
struct TestAccess {
  template <class T>
  static RingCore<T>& core(RingCore<T>& r) { return r; }
  template <class T>
  static const RingCore<T>& core(const RingCore<T>& r) { return r; }
  template <class T, class W>
  static RingCore<T>& core(BasicRing<T, W>& r) { return r.core_; }
  template <class T, class W>
  static const RingCore<T>& core(const BasicRing<T, W>& r) { return r.core_; }

  template <class R>
  static void set_sequence(R& ring, std::uint64_t seq) {
    auto& r = core(ring);
    r.p_.tail.store(seq);
    r.p_.cached_head = seq;
    r.c_.head.store(seq);
    r.c_.pos = seq;
    r.c_.published = seq;
    r.c_.cached_tail = seq;
  }
  /// The head the consumer has handed back to the producer.
  template <class R>
  static std::uint64_t head(const R& r) { return core(r).c_.head.load(); }
  /// Sets how often the consumer hands slots back (tests of the hand-back rule on small rings).
  template <class R>
  static void set_quantum(R& r, std::uint64_t q) { core(r).c_.quantum = q; }
  /// Where the consumer is (head <= position).
  template <class R>
  static std::uint64_t position(const R& r) { return core(r).c_.pos; }
  template <class R>
  static std::uint64_t tail(const R& r) { return core(r).p_.tail.load(); }
  template <class R>
  static std::uint64_t cached_head(const R& r) { return core(r).p_.cached_head; }
  template <class R>
  static std::uint64_t cached_tail(const R& r) { return core(r).c_.cached_tail; }
  /// The ring core of a channel's producer slot (nullptr before its first registration).
  template <class T, class W>
  static RingCore<T>* ring_of(BasicChannel<T, W>& ch, std::uint32_t slot) {
    return ch.core_.slot(slot).ring.load();
  }
  /// A channel slot's state (free, active, retired: ChannelSlot::state).
  template <class T, class W>
  static SlotState slot_state(BasicChannel<T, W>& ch, std::uint32_t slot) {
    return ch.core_.slot(slot).state.load();
  }
  /// Whether a producer has ever got as far as the closed re-check of registration.
  template <class T, class W>
  static bool had_producer(BasicChannel<T, W>& ch) { return ch.core_.shared_.had_producer.load(); }
  /// Whether close() has sealed the channel (every write in flight published).
  template <class T, class W>
  static bool sealed(BasicChannel<T, W>& ch) { return ch.core_.sealed(); }
  /// Whether a Producer dropped before the ring's open reservation ended (the reservation
  /// retires the slot when it ends).
  template <class R>
  static bool orphaned(const R& r) { return core(r).p_.on_release != nullptr; }
  /// The ring's in-flight marker (set inside a write).
  template <class R>
  static bool writing(const R& r) { return core(r).p_.writing.load() != 0; }
  /// The slot that holds sequence `seq` (the consumer's view, without changing any state).
  template <class R>
  static const auto& peek(const R& ring, std::uint64_t seq) {
    const auto& r = core(ring);
    return r.c_.slots[seq & r.c_.mask];
  }
};
}  // namespace ringmpsc::detail

namespace test {

using ringmpsc::detail::TestAccess;

/// Counts constructions and destructions; checks each object is destroyed exactly once.
struct Tracked {
  static inline std::atomic<long> constructed{0};
  static inline std::atomic<long> destroyed{0};
  static inline std::atomic<long> double_destroy{0};
  static long alive() { return constructed.load() - destroyed.load(); }
  static void reset() { constructed = 0; destroyed = 0; double_destroy = 0; }

  std::uint64_t value = 0;
  std::uint32_t magic = kAlive;

  explicit Tracked(std::uint64_t v = 0) noexcept : value(v) { ++constructed; }
  Tracked(const Tracked& o) noexcept : value(o.value) { ++constructed; }
  Tracked(Tracked&& o) noexcept : value(o.value) { ++constructed; }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() {
    if (magic != kAlive) ++double_destroy;
    magic = kDead;
    ++destroyed;
  }

 private:
  static constexpr std::uint32_t kAlive = 0xA11FE;
  static constexpr std::uint32_t kDead = 0xDEAD;
};

/// Move-only payload.
using MoveOnly = std::unique_ptr<std::uint64_t>;

/// Throws from its constructor when asked to.
struct Throwing {
  static inline std::atomic<long> alive{0};
  std::uint64_t value = 0;
  explicit Throwing(std::uint64_t v, bool fail = false) : value(v) {
    if (fail) throw std::runtime_error("Throwing: constructor failed");
    ++alive;
  }
  Throwing(const Throwing& o) : value(o.value) {
    if (o.value == kThrowOnCopy) throw std::runtime_error("Throwing: copy failed");
    ++alive;
  }
  Throwing& operator=(const Throwing&) = default;
  ~Throwing() { --alive; }
  static constexpr std::uint64_t kThrowOnCopy = 666;
};

/// Records contract violations instead of aborting, for the duration of a scope.
class ViolationRecorder {
 public:
  ViolationRecorder() { previous_ = ringmpsc::set_violation_handler(&record); count() = 0; }
  ~ViolationRecorder() { ringmpsc::set_violation_handler(previous_); }
  ViolationRecorder(const ViolationRecorder&) = delete;
  ViolationRecorder& operator=(const ViolationRecorder&) = delete;
  static std::atomic<int>& count() { static std::atomic<int> c{0}; return c; }
  static std::string& last() { static std::string s; return s; }

 private:
  static void record(const char* msg) noexcept {
    ++count();
    last() = msg;
  }
  ringmpsc::ViolationHandler previous_;
};

}  // namespace test
