// Adapters that give every queue in the comparison one shape:
//   Q q(QueueSpec{producers, slots, metrics})  equal capacity in bytes: P x slots in all
//   auto p = q.producer(i);  p.push(v)  p.push_bulk(ptr, n)
//   q.pop(v)                  one item
//   q.consume(f, max)         up to max items through f, with the queue's best consumer
//                             API (in place where it has one)
// and the peer registry (for_each_peer), the one list of the queues ringmpsc is compared
// with. Each peer is compiled only when its Debian package is present (RINGMPSC_HAVE_*
// from CMake).
//
// Every adapter's per-call function is forced inline (RINGMPSC_ALWAYS_INLINE), as are the
// in-house rings' per-item calls and the harness's consumer routines, for every queue
// alike. ringmpsc forces its own per-item paths inline, so a user's loop runs them in its
// own frame; an adapter that GCC leaves out of line puts a call, a reload of the handle
// and a verifier in memory between the loop and the queue, which a user does not pay.
// Which adapters GCC left out of line depended on their size, so the larger queues paid
// it and the small ones did not (docs/benchmarks.md, "Inlining of the per-item paths").
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

#include "inhouse_ring.hpp"

#if RINGMPSC_HAVE_ATOMIC_QUEUE
#include <atomic_queue/atomic_queue.h>
#endif
#if RINGMPSC_HAVE_READERWRITERQUEUE
#include <readerwriterqueue/readerwriterqueue.h>
#endif
#if RINGMPSC_HAVE_CONCURRENTQUEUE
#include <concurrentqueue/concurrentqueue.h>
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#endif
#if RINGMPSC_HAVE_TBB
#include <tbb/concurrent_queue.h>
#endif
#if RINGMPSC_HAVE_XENIUM
#include <xenium/vyukov_bounded_queue.hpp>
#endif

namespace bench {

/// How a queue under test is sized: `slots` per producer ring (a shared queue gets
/// producers x slots), and whether ringmpsc counts Metrics.
struct QueueSpec {
  unsigned producers = 1;
  std::size_t slots = 8192;
  bool metrics = false;

  [[nodiscard]] ringmpsc::Config config() const {
    return {.ring_bits = static_cast<std::uint32_t>(std::countr_zero(slots)),
            .max_producers = producers,
            .metrics = metrics ? ringmpsc::MetricsMode::on : ringmpsc::MetricsMode::off};
  }
};

/// The groups a queue joins.
namespace role {
inline constexpr unsigned spsc = 1;        // SPSC single item
inline constexpr unsigned spsc_batch = 2;  // SPSC batches
inline constexpr unsigned mpsc = 4;        // MPSC, single-item pushes
inline constexpr unsigned mpsc_batch = 8;  // MPSC, batches of pushes
}  // namespace role

/// What a peer adapter declares unless it says otherwise: a note for its name (such as
/// "tokens"), whether its producers have a bulk write of their own.
struct PeerDefaults {
  static constexpr const char* note = "";
  static constexpr bool ours = false, native_bulk = false;
};

/// A queue's name in a group; `bulk`: the group's producers write batches, which a queue
/// with its own bulk API (Q::native_bulk) takes in one call.
template <class Q>
std::string label(bool bulk) {
  std::string notes = Q::note;
  if (bulk && Q::native_bulk) notes += notes.empty() ? "bulk" : ", bulk";
  return notes.empty() ? Q::name : std::string(Q::name) + " (" + notes + ")";
}

/// producer(i) of a queue every producer writes through the adapter: push is
/// Self::push_one; push_bulk is Self::push_many where the queue has a bulk write, else a
/// loop of push_one.
template <class Self, class T>
struct SharedProducer {
  struct Producer {
    Self* q;
    RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return q->push_one(v); }
    RINGMPSC_ALWAYS_INLINE std::size_t push_bulk(const T* v, std::size_t n) {
      if constexpr (Self::native_bulk) {
        return q->push_many(v, n);
      } else {
        std::size_t i = 0;
        while (i < n && q->push_one(v[i])) ++i;
        return i;
      }
    }
  };
  Producer producer(unsigned) { return {static_cast<Self*>(this)}; }
};

/// consume(f, max) of a queue without an in-place consumer: one Self::pop_many into a
/// buffer (a bulk copy out) where the queue has it, else a burst of Self::pop.
template <class Self, class T>
class CopyOutConsumer {
 public:
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t consume(F& f, std::size_t max) {
    Self& q = static_cast<Self&>(*this);
    if constexpr (requires(Self& s, T* out, std::size_t n) { s.pop_many(out, n); }) {
      if (buf_.size() < max) buf_.resize(std::min<std::size_t>(max, 1 << 16));
      const std::size_t n = q.pop_many(buf_.data(), std::min(max, buf_.size()));
      for (std::size_t i = 0; i < n; ++i) f(buf_[i]);
      return n;
    } else {
      std::size_t n = 0;
      T v{};
      while (n < max && q.pop(v)) {
        f(v);
        ++n;
      }
      return n;
    }
  }

 private:
  std::vector<T> buf_;
};

/// A peer whose own calls are q.try_push(v) and q.try_pop(v), with q its Self::q.
template <class Self, class T>
struct TryPushPop : PeerDefaults, SharedProducer<Self, T>, CopyOutConsumer<Self, T> {
  RINGMPSC_ALWAYS_INLINE bool push_one(const T& v) {
    return static_cast<Self*>(this)->q.try_push(v);
  }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return static_cast<Self*>(this)->q.try_pop(v); }
};

// ------------------------------------------------------------------------- ringmpsc ---

/// One ring R with ringmpsc's member names (ringmpsc::Ring, or the in-house ring); its
/// producer and its consumer are the ring itself.
template <class R, class T>
struct OneRing {
  R ring;
  template <class... Args>
  explicit OneRing(Args&&... args) : ring(std::forward<Args>(args)...) {}
  struct Producer {
    R* r;
    RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return r->try_push(v); }
    RINGMPSC_ALWAYS_INLINE std::size_t push_bulk(const T* v, std::size_t n) {
      return r->try_send({v, n});
    }
  };
  Producer producer(unsigned) { return {&ring}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return ring.try_pop(v); }
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t consume(F& f, std::size_t max) {
    return ring.try_consume(f, max);
  }
  R& consumer() { return ring; }
};

template <class T, class Wait = ringmpsc::default_wait>
struct OursRing : OneRing<ringmpsc::Ring<T, Wait>, T> {
  static constexpr const char* name = "ringmpsc::Ring";
  static constexpr bool ours = true;
  explicit OursRing(const QueueSpec& s) : OneRing<ringmpsc::Ring<T, Wait>, T>(s.config()) {}
  ringmpsc::Metrics metrics() const { return this->ring.metrics(); }
};

/// Ring, copying out on the consumer side too (try_send + try_recv).
template <class T>
struct OursRingCopying : OursRing<T>, CopyOutConsumer<OursRingCopying<T>, T> {
  static constexpr const char* name = "ringmpsc::Ring try_send/try_recv (copying)";
  using OursRing<T>::OursRing;
  using CopyOutConsumer<OursRingCopying<T>, T>::consume;
  RINGMPSC_ALWAYS_INLINE std::size_t pop_many(T* out, std::size_t n) {
    return this->ring.try_recv(std::span<T>(out, n));
  }
};

template <class Wait>
constexpr const char* wait_name() {
  if constexpr (std::is_same_v<Wait, ringmpsc::wait::Phased>)
    return "Phased";
  else if constexpr (std::is_same_v<Wait, ringmpsc::wait::Yielding>)
    return "Yielding";
  else if constexpr (std::is_same_v<Wait, ringmpsc::wait::Blocking>)
    return "Blocking";
  else if constexpr (std::is_same_v<Wait, ringmpsc::wait::Sleeping>)
    return "Sleeping";
  else
    return "BusySpin";
}

template <class T, class Wait>
struct OursChannel {
  static inline const std::string name =
      std::string("ringmpsc::Channel (") + wait_name<Wait>() + ")";
  static constexpr bool ours = true;
  using Ch = ringmpsc::Channel<T, Wait>;
  Ch ch;
  explicit OursChannel(const QueueSpec& s) : ch(s.config()) {}
  struct Producer {
    typename Ch::producer_type p;
    RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return p.try_push(v); }
    RINGMPSC_ALWAYS_INLINE std::size_t push_bulk(const T* v, std::size_t n) {
      return p.try_send({v, n});
    }
  };
  Producer producer(unsigned) { return {ch.register_producer().value()}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return ch.try_pop(v); }
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t consume(F& f, std::size_t max) {
    return ch.try_consume(f, max);
  }
  Ch& consumer() { return ch; }
  ringmpsc::Metrics metrics() const { return ch.metrics(); }
};

/// The same channel, consumed with try_recv: a burst of copies out, then the handler.
template <class T, class Wait>
struct OursChannelRecv : OursChannel<T, Wait>, CopyOutConsumer<OursChannelRecv<T, Wait>, T> {
  static inline const std::string name =
      std::string("ringmpsc::Channel try_recv (copy out, ") + wait_name<Wait>() + ")";
  using OursChannel<T, Wait>::OursChannel;
  using CopyOutConsumer<OursChannelRecv<T, Wait>, T>::consume;
  RINGMPSC_ALWAYS_INLINE std::size_t pop_many(T* out, std::size_t n) {
    return this->ch.try_recv(std::span<T>(out, n));
  }
};

// ------------------------------------------------------------------------- in-house ---

/// One in-house ring: the SPSC ceiling.
template <class T>
struct InhouseSpsc : PeerDefaults, OneRing<InhouseRing<T>, T> {
  static constexpr const char* name = "in-house SPSC ring";
  static constexpr bool native_bulk = true;
  static constexpr unsigned roles = role::spsc | role::spsc_batch;
  explicit InhouseSpsc(const QueueSpec& s) : OneRing<InhouseRing<T>, T>(s.slots) {}
};

/// One in-house ring per producer, polled by the bare consumer: the MPSC ceiling.
template <class T>
struct Inhouse : PeerDefaults {
  static constexpr const char* name = "in-house SPSC ring per producer";
  static constexpr bool native_bulk = true;
  static constexpr unsigned roles = role::mpsc | role::mpsc_batch;
  InhouseFanIn<T> fan;
  explicit Inhouse(const QueueSpec& s) : fan(s.producers, s.slots) {}
  using Producer = typename InhouseSpsc<T>::Producer;
  Producer producer(unsigned i) { return {&fan.ring(i)}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return fan.try_pop(v); }
  // In place, like ringmpsc's consumers: the ceiling is measured with its best API.
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t consume(F& f, std::size_t max) {
    return fan.try_consume(f, max);
  }
  InhouseFanIn<T>& consumer() { return fan; }
};

// ---------------------------------------------------------------------------- peers ---

#if RINGMPSC_HAVE_READERWRITERQUEUE
template <class T>
struct RWQ : PeerDefaults, SharedProducer<RWQ<T>, T>, CopyOutConsumer<RWQ<T>, T> {
  static constexpr const char* name = "moodycamel::ReaderWriterQueue";
  static constexpr unsigned roles = role::spsc | role::spsc_batch;
  moodycamel::ReaderWriterQueue<T> q;
  explicit RWQ(const QueueSpec& s) : q(s.slots) {}
  RINGMPSC_ALWAYS_INLINE bool push_one(const T& v) { return q.try_enqueue(v); }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return q.try_dequeue(v); }
};
#endif

#if RINGMPSC_HAVE_BOOST_LOCKFREE
template <class T>
struct BoostSpsc : PeerDefaults, SharedProducer<BoostSpsc<T>, T>, CopyOutConsumer<BoostSpsc<T>, T> {
  static constexpr const char* name = "boost::lockfree::spsc_queue";
  static constexpr bool native_bulk = true;
  static constexpr unsigned roles = role::spsc | role::spsc_batch;
  boost::lockfree::spsc_queue<T> q;
  explicit BoostSpsc(const QueueSpec& s) : q(s.slots) {}
  RINGMPSC_ALWAYS_INLINE bool push_one(const T& v) { return q.push(v); }
  RINGMPSC_ALWAYS_INLINE std::size_t push_many(const T* v, std::size_t n) { return q.push(v, n); }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return q.pop(v); }
  RINGMPSC_ALWAYS_INLINE std::size_t pop_many(T* out, std::size_t n) { return q.pop(out, n); }
};

template <class T>
struct BoostQueue : PeerDefaults,
                    SharedProducer<BoostQueue<T>, T>,
                    CopyOutConsumer<BoostQueue<T>, T> {
  static constexpr const char* name = "boost::lockfree::queue";
  static constexpr unsigned roles = role::spsc | role::mpsc;
  boost::lockfree::queue<T> q;
  explicit BoostQueue(const QueueSpec& s) : q(s.producers * s.slots) {}
  RINGMPSC_ALWAYS_INLINE bool push_one(const T& v) { return q.bounded_push(v); }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return q.pop(v); }
};
#endif

#if RINGMPSC_HAVE_ATOMIC_QUEUE
// NIL = 0: the harness never sends 0 (values carry producer index + 1 in the top byte).
template <class T, bool Spsc>
struct AtomicQ : TryPushPop<AtomicQ<T, Spsc>, T> {
  static constexpr const char* name = Spsc ? "atomic_queue SPSC" : "atomic_queue MPMC";
  static constexpr unsigned roles = Spsc ? role::spsc : role::spsc | role::mpsc;
  atomic_queue::AtomicQueueB<T, std::allocator<T>, T{}, true, false, Spsc> q;
  explicit AtomicQ(const QueueSpec& s) : q(static_cast<unsigned>(s.producers * s.slots)) {}
};
#endif

#if RINGMPSC_HAVE_CONCURRENTQUEUE
template <class T>
struct CQ : PeerDefaults, CopyOutConsumer<CQ<T>, T> {
  static constexpr const char* name = "moodycamel::ConcurrentQueue";
  static constexpr const char* note = "tokens";
  static constexpr bool native_bulk = true;
  static constexpr unsigned roles = role::spsc | role::spsc_batch | role::mpsc | role::mpsc_batch;
  moodycamel::ConcurrentQueue<T> q;
  moodycamel::ConsumerToken ctok;
  explicit CQ(const QueueSpec& s) : q(s.producers * s.slots), ctok(q) {}
  struct Producer {
    moodycamel::ConcurrentQueue<T>* q;
    std::unique_ptr<moodycamel::ProducerToken> tok;
    RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return q->try_enqueue(*tok, v); }
    RINGMPSC_ALWAYS_INLINE std::size_t push_bulk(const T* v, std::size_t n) {
      return q->try_enqueue_bulk(*tok, v, n) ? n : 0;
    }
  };
  Producer producer(unsigned) { return {&q, std::make_unique<moodycamel::ProducerToken>(q)}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return q.try_dequeue(ctok, v); }
  RINGMPSC_ALWAYS_INLINE std::size_t pop_many(T* out, std::size_t n) {
    return q.try_dequeue_bulk(ctok, out, n);
  }
};
#endif

#if RINGMPSC_HAVE_TBB
template <class T>
struct TbbQueue : TryPushPop<TbbQueue<T>, T> {
  static constexpr const char* name = "tbb::concurrent_bounded_queue";
  static constexpr unsigned roles = role::spsc | role::mpsc;
  tbb::concurrent_bounded_queue<T> q;
  explicit TbbQueue(const QueueSpec& s) {
    q.set_capacity(static_cast<std::ptrdiff_t>(s.producers * s.slots));
  }
};
#endif

#if RINGMPSC_HAVE_XENIUM
template <class T>
struct Xenium : TryPushPop<Xenium<T>, T> {
  static constexpr const char* name = "xenium::vyukov_bounded_queue";
  static constexpr unsigned roles = role::spsc | role::mpsc;
  xenium::vyukov_bounded_queue<T> q;
  explicit Xenium(const QueueSpec& s) : q(std::bit_ceil(s.producers * s.slots)) {}
};
#endif

/// The floor: a std::mutex around a std::deque, bounded to the same capacity.
template <class T>
struct MutexDeque : PeerDefaults,
                    SharedProducer<MutexDeque<T>, T>,
                    CopyOutConsumer<MutexDeque<T>, T> {
  static constexpr const char* name = "std::mutex + std::deque";
  static constexpr bool native_bulk = true;
  static constexpr unsigned roles = role::spsc | role::spsc_batch | role::mpsc | role::mpsc_batch;
  std::mutex m;
  std::deque<T> d;
  std::size_t cap;
  explicit MutexDeque(const QueueSpec& s) : cap(s.producers * s.slots) {}
  RINGMPSC_ALWAYS_INLINE bool push_one(const T& v) { return push_many(&v, 1) == 1; }
  RINGMPSC_ALWAYS_INLINE std::size_t push_many(const T* v, std::size_t n) {
    std::lock_guard<std::mutex> g(m);
    n = std::min(n, cap - d.size());
    d.insert(d.end(), v, v + n);
    return n;
  }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return pop_many(&v, 1) == 1; }
  RINGMPSC_ALWAYS_INLINE std::size_t pop_many(T* out, std::size_t n) {
    std::lock_guard<std::mutex> g(m);
    n = std::min(n, d.size());
    std::copy_n(d.begin(), n, out);
    d.erase(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
};

// ------------------------------------------------------------------------- registry ---

/// Every queue ringmpsc is compared with, in report order: visit(std::type_identity<Q>{})
/// for each; Q::roles says which groups it joins. Adding a peer is its adapter above and
/// one line here.
template <class T, class Visit>
void for_each_peer(Visit&& visit) {
  visit(std::type_identity<InhouseSpsc<T>>{});
  visit(std::type_identity<Inhouse<T>>{});
#if RINGMPSC_HAVE_READERWRITERQUEUE
  visit(std::type_identity<RWQ<T>>{});
#endif
#if RINGMPSC_HAVE_BOOST_LOCKFREE
  visit(std::type_identity<BoostSpsc<T>>{});
  visit(std::type_identity<BoostQueue<T>>{});
#endif
#if RINGMPSC_HAVE_ATOMIC_QUEUE
  visit(std::type_identity<AtomicQ<T, true>>{});
  visit(std::type_identity<AtomicQ<T, false>>{});
#endif
#if RINGMPSC_HAVE_CONCURRENTQUEUE
  visit(std::type_identity<CQ<T>>{});
#endif
#if RINGMPSC_HAVE_TBB
  visit(std::type_identity<TbbQueue<T>>{});
#endif
#if RINGMPSC_HAVE_XENIUM
  visit(std::type_identity<Xenium<T>>{});
#endif
  visit(std::type_identity<MutexDeque<T>>{});
}

}  // namespace bench
