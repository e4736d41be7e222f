// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include "asymmetric_fence.hpp"
#include "checker.hpp"
#include "contract.hpp"
#include "counter.hpp"
#include "event_count.hpp"
#include "platform.hpp"

namespace ringmpsc::detail {

struct TestAccess;  // defined only by the test suite (starts a ring at a chosen sequence)

/// The ring protocol: a bounded single-producer single-consumer ring over slots it does not
/// own. Every head and tail atomic of the library is read and written here, and only here;
/// the public types (BasicRing, Producer, BasicChannel, Reservation) call these operations.
///
/// Threads: producer-side members from one producer thread at a time, consumer-side
/// members from one consumer thread at a time, the rest from any thread.
///
/// Sequences are unbounded u64 counters (slot = sequence & mask): at 10^10 messages per
/// second they wrap after 58 years, so head and tail never alias (no ABA).
///
/// Labels (docs/memory-ordering.md): R1/A1 tail, R2/A2 head, F3/F4 the close fences, A9
/// close() reading the tail up to the in-flight marker, R10/A10 the seal.
template <class T>
class RingCore {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T> && std::is_object_v<T>,
                "ringmpsc: T must be a non-const object type");
  static_assert(std::is_nothrow_destructible_v<T>,
                "ringmpsc: T must be nothrow destructible (std::is_nothrow_destructible_v<T>)");

 public:
  using size_type = std::size_t;

  /// Contiguous free slots handed to a reservation.
  struct Claim {
    T* data = nullptr;
    size_type size = 0;
  };

  RingCore(T* slots, size_type capacity, bool metrics) noexcept {
    p_.slots = c_.slots = slots;
    p_.mask = c_.mask = capacity - 1;
    p_.limit = capacity;
    c_.metrics = metrics;
    c_.quantum = c_.hand_back_at = release_quantum(capacity);
    AsymmetricFence::prepare();
    p_.mode.store(static_cast<std::uint8_t>((metrics ? mode_metrics : 0) |
                                            (AsymmetricFence::light_is_full() ? mode_full_fence : 0)),
                  std::memory_order_relaxed);
  }
  RingCore(const RingCore&) = delete;
  RingCore& operator=(const RingCore&) = delete;
  ~RingCore() = default;

  /// The consumer hands slots back to the producer (R2) once per this many items, or as
  /// soon as it has taken everything it has seen. Batching the hand-back keeps a producer
  /// that runs into a full ring from refilling it one slot at a time right behind the
  /// consumer, writing the very lines the consumer reads (docs/benchmarks.md, "regimes").
  [[nodiscard]] static constexpr size_type release_quantum(size_type capacity) noexcept {
    return std::clamp<size_type>(capacity / 16, 1, 512);
  }

  /// Destroys the items still in the ring. The owner calls it while the slots are alive.
  void destroy_remaining() noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      // From the consumer's position: what lies between the handed-back head and it is
      // consumed and destroyed already.
      const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);
      for (std::uint64_t s = c_.pos; s != tail; ++s) std::destroy_at(c_.slots + (s & c_.mask));
    }
  }

  /// Where a waiting consumer parks (data) and a waiting producer parks (space); nullptr
  /// for rings that never park. Set before the ring is shared.
  void attach(EventCount* data, EventCount* space) noexcept {
    p_.notify_consumer = data;
    c_.notify_producer = space;
    const std::uint8_t m = p_.mode.load(std::memory_order_relaxed);
    p_.mode.store(static_cast<std::uint8_t>(data != nullptr ? m | mode_parks : m & ~mode_parks),
                  std::memory_order_relaxed);
  }
  [[nodiscard]] EventCount* data_event() const noexcept { return p_.notify_consumer; }
  [[nodiscard]] EventCount* space_event() const noexcept { return c_.notify_producer; }

  // ------------------------------------------------------------------ producer side ---

  /// Free slots for a request of `want`, refreshing the cached head (A2) only when the
  /// cached copy shows fewer than `want` free.
  [[nodiscard]] size_type free_slots(size_type want) noexcept {
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);  // own variable
    if (!reservation_open()) return free_slots_(tail, want);
    // A query (a readiness check) while the reservation holds the limit at the tail: the
    // space as the held limit saw it, refreshed the same way; no contract violation.
    const std::uint64_t free = p_.saved_limit - tail;
    return static_cast<size_type>(free < want ? refresh_limit_(p_.saved_limit, tail) : free);
  }

  [[nodiscard]] bool reservation_open() const noexcept {
    return (p_.mode.load(std::memory_order_relaxed) & mode_reserving) != 0;  // own flag
  }

  /// Claims up to n >= 1 contiguous free slots and opens a reservation on them. Empty when
  /// the ring is full or closed. The caller has checked n <= capacity and that no
  /// reservation is open.
  [[nodiscard]] Claim claim(size_type n) noexcept {
    RINGMPSC_ROLE_GUARD(guard, p_.busy, "two threads used one producer at once");
    if (!guard) return {};
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);  // own variable
    const size_type free = free_slots_(tail, n);
    // Closed is checked again at commit; this only spares a reservation that would fail.
    if (free == 0 || is_closed_relaxed_()) return {};
    const size_type idx = static_cast<size_type>(tail & p_.mask);
    const size_type len = std::min({n, free, static_cast<size_type>(p_.mask + 1 - idx)});
    set_reserving_(true);
    p_.saved_limit = p_.limit;
    p_.limit = tail;  // every write takes the slow path now, which reports the misuse
    if constexpr (checker::enabled) checker::slots_claimed(p_.slots, p_.mask, tail, len);
    return {p_.slots + idx, len};
  }

  /// Ends the open reservation. With k > 0 it publishes the first k slots unless the ring
  /// has been closed; destroy_from(i) destroys what the reservation constructed from slot i
  /// on (from k when publishing, from 0 when not). Returns false when the ring was closed
  /// and nothing was published. Then runs the hook a dropped Producer left (on_release).
  template <class DestroyFrom>
  bool end_claim(size_type k, DestroyFrom&& destroy_from) noexcept {
    bool published = false;
    const std::uint8_t mode = p_.mode.load(std::memory_order_relaxed);
    p_.limit = p_.saved_limit;
    if (k == 0) {
      destroy_from(size_type{0});
    } else {
      const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
      WriteScope scope(*this, mode, tail, k);
      if (RINGMPSC_LIKELY(scope.open())) {
        destroy_from(k);
        scope.publish();
        published = true;
      } else {
        destroy_from(size_type{0});
      }
    }
    set_reserving_(false);
    if (published) after_publish_(k, mode);
    if (p_.on_release != nullptr) std::exchange(p_.on_release, nullptr)(p_.on_release_arg);
    return published || k == 0;
  }

  /// Runs fn(arg) when the open reservation ends (a Producer dropped before it).
  void on_reservation_end(void (*fn)(void*) noexcept, void* arg) noexcept {
    p_.on_release = fn;
    p_.on_release_arg = arg;
  }

  /// Constructs one element in place and publishes it. False if full or closed (nothing
  /// is constructed, the arguments are not used). If T's constructor throws, nothing is
  /// published.
  template <class... Args>
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_emplace(Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args&&...>) {
    RINGMPSC_ROLE_GUARD(guard, p_.busy, "two threads used one producer at once");
    const std::uint8_t mode = p_.mode.load(std::memory_order_relaxed);
    if (!guard) return false;
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
    if (free_slots_(tail, 1) == 0) return false;
    T* const slot = p_.slots + (tail & p_.mask);
    {
      WriteScope scope(*this, mode, tail, 1);
      if (RINGMPSC_UNLIKELY(!scope.open())) return false;  // closed: resets the marker
      ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
      scope.publish();
    }
    after_publish_(1, mode);
    return true;
  }

  /// Copies as many of `items` as fit, in order, with one publication; returns how many.
  /// Trivially copyable T is copied with memcpy. If a copy constructor throws, nothing of
  /// this call is published.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE size_type try_send(std::span<const T> items) noexcept(
      std::is_nothrow_copy_constructible_v<T>) {
    RINGMPSC_ROLE_GUARD(guard, p_.busy, "two threads used one producer at once");
    const std::uint8_t mode = p_.mode.load(std::memory_order_relaxed);
    if (!guard || items.empty()) return 0;
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
    const size_type n = std::min(items.size(), free_slots_(tail, items.size()));
    if (n == 0) return 0;
    {
      WriteScope scope(*this, mode, tail, n);
      if (RINGMPSC_UNLIKELY(!scope.open())) return 0;
      copy_in_(tail, items.data(), n);
      scope.publish();
    }
    after_publish_(n, mode);
    return n;
  }

  // ------------------------------------------------------------------ consumer side ---

  /// The published items from head up to the end of the ring, oldest first. Reads the
  /// producer's tail (A1) only when the cached copy shows nothing.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE std::span<T> readable() noexcept {
    RINGMPSC_ROLE_GUARD(guard, c_.busy, "two threads used one consumer at once");
    if (!guard) return {};
    const std::uint64_t head = c_.pos;
    std::uint64_t avail = c_.cached_tail - head;
    if (avail == 0) avail = refresh_tail_() - head;
    const size_type idx = static_cast<size_type>(head & c_.mask);
    const size_type len =
        static_cast<size_type>(std::min<std::uint64_t>(avail, c_.mask + 1 - idx));
    return {c_.slots + idx, len};
  }

  /// Consumes (destroys) the n oldest items if at least n are published, refreshing the
  /// cached tail once when it shows fewer. False (nothing consumed) otherwise.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool advance(size_type n) noexcept {
    RINGMPSC_ROLE_GUARD(guard, c_.busy, "two threads used one consumer at once");
    if (!guard) return false;
    const std::uint64_t head = c_.pos;
    if (n > c_.cached_tail - head && n > refresh_tail_() - head) return false;
    release_(head, n);
    return true;
  }

  /// Moves the oldest item into out. False when empty. Reads the producer's tail (A1)
  /// only when the cached copy shows nothing.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_pop(T& out) noexcept(
      std::is_nothrow_move_assignable_v<T>) {
    RINGMPSC_ROLE_GUARD(guard, c_.busy, "two threads used one consumer at once");
    if (!guard) return false;
    const std::uint64_t head = c_.pos;
    if (c_.cached_tail == head && refresh_tail_() == head) return false;
    out = std::move(c_.slots[head & c_.mask]);
    release_(head, 1);
    return true;
  }

  /// Moves up to max items into dst (memcpy for trivially copyable T); returns the count.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE size_type try_recv(T* dst, size_type max) noexcept(
      std::is_nothrow_move_assignable_v<T>) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      RINGMPSC_ROLE_GUARD(guard, c_.busy, "two threads used one consumer at once");
      if (!guard) return 0;
      const std::uint64_t head = c_.pos;
      const size_type n = available_(head, max);
      if (n == 0) return 0;
      const size_type idx = static_cast<size_type>(head & c_.mask);
      const size_type first = std::min(n, static_cast<size_type>(c_.mask + 1 - idx));
      std::memcpy(static_cast<void*>(dst), c_.slots + idx, first * sizeof(T));
      std::memcpy(static_cast<void*>(dst + first), c_.slots, (n - first) * sizeof(T));
      release_(head, n);
      return n;
    } else {
      auto move_out = [&dst](T& v) { *dst++ = std::move(v); };
      return drain(max, move_out);
    }
  }

  /// Calls h(T&) for up to max published items, oldest first (h may move from the item;
  /// it is destroyed right after); at most one acquire of the tail (A1) and one head
  /// update (R2) for the batch. If h throws, the items before the throwing one are
  /// consumed and the rest stay in the ring.
  template <class H>
  RINGMPSC_ALWAYS_INLINE size_type drain(size_type max, H& h) {
    RINGMPSC_ROLE_GUARD(guard, c_.busy, "two threads used one consumer at once");
    if (!guard) return 0;
    const std::uint64_t head = c_.pos;
    const size_type n = available_(head, max);
    if (n == 0) return 0;
    // On exit, normal or by exception, consume exactly the items the handler finished.
    struct Release {
      RingCore& ring;
      std::uint64_t head;
      size_type done = 0;
      RINGMPSC_ALWAYS_INLINE ~Release() { ring.release_(head, done); }
    } release{*this, head};
    const size_type idx = static_cast<size_type>(head & c_.mask);
    const size_type first = std::min(n, static_cast<size_type>(c_.mask + 1 - idx));
    for (T* p = c_.slots + idx; release.done < first; ++p, ++release.done) h(*p);
    for (T* p = c_.slots; release.done < n; ++p, ++release.done) h(*p);
    return n;
  }

  /// Consumer thread: whether an item is published, refreshing the cached tail (A1) when
  /// it shows none.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool has_readable() noexcept {
    const std::uint64_t head = c_.pos;
    return c_.cached_tail != head || refresh_tail_() != head;
  }

  // ---------------------------------------------------------------------- any thread ---

  /// Every published item consumed and destroyed: head (acquire, A2) == tail (acquire, A1).
  [[nodiscard]] bool drained() const noexcept {
    return c_.head.load(std::memory_order_acquire) == p_.tail.load(std::memory_order_acquire);
  }

  /// Items in the ring at some moment during the call, in [0, capacity()], counting those
  /// the consumer has taken but not yet handed back (fewer than the release quantum).
  [[nodiscard]] size_type was_size() const noexcept {
    const std::uint64_t head = c_.head.load(std::memory_order_acquire);
    const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);
    return static_cast<size_type>(std::min<std::uint64_t>(tail - head, p_.mask + 1));
  }
  [[nodiscard]] size_type capacity() const noexcept {
    return static_cast<size_type>(p_.mask + 1);
  }

  /// First step of closing: every write that has not yet passed its check of the flag
  /// (after F3) fails. seq_cst: SC2 with registration in a channel.
  void mark_closed() noexcept { closed_.store(true, std::memory_order_seq_cst); }
  [[nodiscard]] bool is_closed() const noexcept {
    return closed_.load(std::memory_order_acquire);
  }

  /// Second step, after mark_closed() and one F4 (AsymmetricFence::heavy()): waits until a
  /// write that passed its check before the flag was set has published: until the tail
  /// (A9: pairs with R1) reaches the in-flight marker (the end of the last write that set
  /// it). Writes are short (the constructor or copy of the items), so this waits briefly.
  void wait_writers() const noexcept {
    for (unsigned spins = 0; write_in_flight_(); ++spins) {
      if (spins < 64) {
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
  }

  /// Last step of closing a stand-alone ring: every write that succeeded is published.
  void seal() noexcept { sealed_.store(true, std::memory_order_release); }  // R10
  [[nodiscard]] bool is_sealed() const noexcept {
    return sealed_.load(std::memory_order_acquire);  // A10: pairs with R10 in seal()
  }

  struct Counts {
    std::uint64_t sent, publications, received, releases;
  };
  [[nodiscard]] Counts counts() const noexcept {
    return {p_.sent.get(), p_.publications.get(), c_.received.get(), c_.releases.get()};
  }

 private:
  friend struct TestAccess;

  // The in-flight marker around every write (docs/memory-ordering.md, "close is final"):
  // the sequence the write will publish up to, set before F3 and the read of the closed
  // flag. Either close() sees the marker after its F4 and waits until the tail reaches it,
  // or this write sees the flag and fails without effect. The write's own publication (R1)
  // ends the scope, so a write that publishes stores the marker once; one that does not
  // (closed, or T's constructor threw) takes the marker back to the tail.
  class WriteScope {
   public:
    RINGMPSC_ALWAYS_INLINE WriteScope(RingCore& r, std::uint8_t mode, std::uint64_t tail,
                                      size_type n) noexcept
        : ring_(r), tail_(tail), n_(n) {
      ring_.p_.write_end.store(tail + n, std::memory_order_relaxed);
      AsymmetricFence::light((mode & mode_full_fence) != 0);  // F3: pairs with F4 in close()
      open_ = !ring_.is_closed_relaxed_();
    }
    RINGMPSC_ALWAYS_INLINE ~WriteScope() {
      // Relaxed: close() waits for nothing a write that did not publish wrote.
      if (!published_) ring_.p_.write_end.store(tail_, std::memory_order_relaxed);
    }
    WriteScope(const WriteScope&) = delete;
    WriteScope& operator=(const WriteScope&) = delete;
    // Callers test it as unlikely: the refused path stores (the marker's reset), and without
    // the hint the compiler may lay that path out as the straight line and the publication
    // as a taken branch (docs/benchmarks.md, "Regimes").
    [[nodiscard]] bool open() const noexcept { return open_; }
    /// Publishes the write's n slots (R1), which ends it for close().
    RINGMPSC_ALWAYS_INLINE void publish() noexcept {
      ring_.publish_(tail_, n_);
      published_ = true;
    }

   private:
    RingCore& ring_;
    std::uint64_t tail_;
    size_type n_;
    bool open_ = false;
    bool published_ = false;
  };

  // Whether a write that set the in-flight marker has not published yet: the marker (any
  // order: only its value is used) lies beyond the tail (A9, acquire: pairs with R1). At any
  // moment the marker is the tail or at most `capacity` ahead of it; the two loads, taken
  // at different moments, may see a marker older than the tail, never by 2^63, so the
  // signed difference orders them exactly.
  bool write_in_flight_() const noexcept {
    const std::uint64_t marker = p_.write_end.load(std::memory_order_relaxed);
    const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);  // A9: pairs with R1
    return static_cast<std::int64_t>(marker - tail) > 0;
  }

  // ProducerState::mode: what a write does besides the bare protocol, in one byte that a
  // write loads once, so that the checks cost one load between them.
  static constexpr std::uint8_t mode_reserving = 1;   // a Reservation is open (writes find
                                                      // out through the limit, not this bit)
  static constexpr std::uint8_t mode_metrics = 2;     // count sends and publications
  static constexpr std::uint8_t mode_full_fence = 4;  // light fences are full fences
  static constexpr std::uint8_t mode_parks = 8;       // notify_consumer is set

  void set_reserving_(bool on) noexcept {
    const std::uint8_t m = p_.mode.load(std::memory_order_relaxed);
    p_.mode.store(static_cast<std::uint8_t>(on ? m | mode_reserving : m & ~mode_reserving),
                  std::memory_order_relaxed);
  }

  // Free slots from `tail`, refreshing the cached head (A2) only when the cached view
  // shows fewer than `want`. A write while a reservation is open lands here (the limit is
  // held at the tail) and is reported, and nothing is free for it.
  size_type free_slots_(std::uint64_t tail, size_type want) noexcept {
    std::uint64_t free = p_.limit - tail;
    if (free < want) {
      if (RINGMPSC_UNLIKELY(reservation_open())) {
        contract_violation("write to a ring while its reservation is open");
        return 0;
      }
      free = refresh_limit_(p_.limit, tail);
    }
    return static_cast<size_type>(free);
  }

  // Sets `limit` (the write limit, or the one a reservation saved) from the consumer's
  // head (A2) and returns the free slots from `tail` under it.
  std::uint64_t refresh_limit_(std::uint64_t& limit, std::uint64_t tail) noexcept {
    limit = c_.head.load(std::memory_order_acquire) + p_.mask + 1;  // A2: pairs with R2
    RINGMPSC_ASSERT(limit - tail <= p_.mask + 1, "ring invariant: tail - head > capacity");
    return limit - tail;
  }

  bool is_closed_relaxed_() const noexcept {
    // Relaxed: the close fences (F3/F4) order this load, not the load itself.
    return closed_.load(std::memory_order_relaxed);
  }

  void copy_in_(std::uint64_t tail, const T* items, size_type n) {
    const size_type idx = static_cast<size_type>(tail & p_.mask);
    const size_type first = std::min(n, static_cast<size_type>(p_.mask + 1 - idx));
    if constexpr (std::is_trivially_copyable_v<T>) {
      std::memcpy(static_cast<void*>(p_.slots + idx), items, first * sizeof(T));
      std::memcpy(static_cast<void*>(p_.slots), items + first, (n - first) * sizeof(T));
    } else {
      std::uninitialized_copy_n(items, first, p_.slots + idx);
      try {
        std::uninitialized_copy_n(items + first, n - first, p_.slots);
      } catch (...) {
        std::destroy_n(p_.slots + idx, first);
        throw;
      }
    }
  }

  void publish_(std::uint64_t tail, size_type n) noexcept {
    RINGMPSC_ASSERT(n <= p_.limit - tail, "ring invariant: publish past capacity");
    if constexpr (checker::enabled) checker::slots_published(p_.slots, p_.mask, tail, n);
    p_.tail.store(tail + n, checker::r1_release);  // R1: publishes the slots; pairs
                                                   // with A1 in the consumer
  }

  RINGMPSC_ALWAYS_INLINE void after_publish_(size_type n, std::uint8_t mode) noexcept {
    if ((mode & mode_metrics) != 0) {
      p_.sent.add(n);
      p_.publications.add(1);
    }
    if ((mode & mode_parks) != 0)
      p_.notify_consumer->notify((mode & mode_full_fence) != 0);  // F1 inside
  }

  std::uint64_t refresh_tail_() noexcept {
    const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);  // A1: pairs with R1
    // Modular: sequences may cross 2^64; tail only grows and stays within a ring of head.
    RINGMPSC_ASSERT(tail - c_.cached_tail <= c_.mask + 1, "ring invariant: tail moved backwards");
    c_.cached_tail = tail;
    return tail;
  }

  // Items available to a consumer that wants up to max: reads the producer's tail (A1, at
  // most once per call) only when the cached copy shows fewer than wanted.
  size_type available_(std::uint64_t head, size_type max) noexcept {
    std::uint64_t avail = c_.cached_tail - head;
    if (avail < max) avail = refresh_tail_() - head;
    return static_cast<size_type>(std::min<std::uint64_t>(avail, max));
  }

  // Consumes the n items from `head` (the consumer's position): destroys them and moves
  // the position on. The slots go back to the producer (R2) in quanta: once the consumer
  // has taken `quantum` items since the last hand-back, or has taken everything it has
  // seen (so a consumer about to wait, or a drained ring, never holds slots back).
  RINGMPSC_ALWAYS_INLINE void release_(std::uint64_t head, size_type n) noexcept {
    if (n == 0) return;
    RINGMPSC_ASSERT(n <= c_.cached_tail - head, "ring invariant: consume outside [head, tail)");
    if constexpr (checker::enabled) checker::slots_consumed(c_.slots, c_.mask, head, n);
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::uint64_t s = head; s != head + n; ++s) std::destroy_at(c_.slots + (s & c_.mask));
    }
    const std::uint64_t pos = head + n;
    c_.pos = pos;
    if (c_.metrics) c_.received.add(n);
    // Modular: pos - hand_back_at lies in [-quantum, capacity - quantum].
    if (static_cast<std::int64_t>(pos - c_.hand_back_at) >= 0 || pos == c_.cached_tail)
      hand_back_(pos);
  }

  void hand_back_(std::uint64_t pos) noexcept {
    c_.hand_back_at = pos + c_.quantum;
    c_.head.store(pos, std::memory_order_release);  // R2: frees the slots; pairs with A2
                                                    // in the producer
    if (c_.metrics) c_.releases.add(1);
    if (c_.notify_producer != nullptr) c_.notify_producer->notify();  // F1 inside
  }

  // Producer-owned: written only by the producer; the consumer reads `tail` (A1). The
  // first line holds what the hot path reads; the second what only the producer writes on
  // every publication and others read rarely (the in-flight marker, the counters).
  struct alignas(cache_line) ProducerState {
    std::atomic<std::uint64_t> tail{0};
    // The producer's last view of head (<= the real head) plus the capacity: the first
    // sequence it may not write. Kept so, a write's space check is one subtraction. While a
    // reservation is open it is held at the tail (saved in saved_limit), so that every
    // write takes the slow path, which reports the misuse: the fast path tests nothing else.
    std::uint64_t limit = 0;
    T* slots = nullptr;
    std::uint64_t mask = 0;
    EventCount* notify_consumer = nullptr;  // set by rings that park only
    void (*on_release)(void*) noexcept = nullptr;  // runs when the open reservation ends
    void* on_release_arg = nullptr;
    std::atomic<std::uint8_t> mode{0};  // mode_* bits (relaxed: the producer's thread)
#if RINGMPSC_DEBUG
    std::atomic<bool> busy{false};
#endif
    // The in-flight marker: the end (tail + n) of the last write that set it; == tail when
    // no write is in flight (WriteScope).
    alignas(cache_line / 2) std::atomic<std::uint64_t> write_end{0};
    std::uint64_t saved_limit = 0;  // limit while a reservation holds it at the tail
    Counter sent, publications;
  };
  // Consumer-owned: written only by the consumer; the producer reads `head` (A2). `pos`
  // is where the consumer is; `head` what it has handed back: head <= pos <= cached_tail
  // <= tail, and hand_back_at == head + quantum.
  struct alignas(cache_line) ConsumerState {
    std::atomic<std::uint64_t> head{0};
    std::uint64_t pos = 0;
    std::uint64_t hand_back_at = 1;  // hand back once pos reaches it (head + quantum)
    std::uint64_t quantum = 1;       // hand back slots at least every `quantum` items
    std::uint64_t cached_tail = 0;   // consumer's last view of tail; <= real tail
    T* slots = nullptr;
    std::uint64_t mask = 0;
    EventCount* notify_producer = nullptr;  // set by rings that park only
    bool metrics = false;
#if RINGMPSC_DEBUG
    std::atomic<bool> busy{false};
#endif
    Counter received, releases;
  };

  static_assert(alignof(ProducerState) == cache_line && sizeof(ProducerState) % cache_line == 0,
                "producer state must own whole 128-byte blocks");
  static_assert(alignof(ConsumerState) == cache_line && sizeof(ConsumerState) % cache_line == 0,
                "consumer state must own whole 128-byte blocks");
  static_assert(offsetof(ProducerState, tail) == 0 && offsetof(ConsumerState, head) == 0,
                "the hot index leads its block");
  static_assert(offsetof(ProducerState, write_end) >= 64,
                "the in-flight marker stays off the line the consumer reads");

  ProducerState p_;
  ConsumerState c_;
  alignas(cache_line) std::atomic<bool> closed_{false};  // cold: written once
  std::atomic<bool> sealed_{false};

 public:
  /// Layout contract, checked by tests/contract_test.cpp.
  static constexpr std::size_t producer_block_size = sizeof(ProducerState);
  static constexpr std::size_t consumer_block_size = sizeof(ConsumerState);
  static constexpr std::size_t block_alignment = alignof(ProducerState);
};

}  // namespace ringmpsc::detail
