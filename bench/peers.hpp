// Adapters that give every queue in the comparison one shape:
//   Q(producers, slots_per_producer)      equal capacity in bytes: P x C slots in all
//   Q::Producer p = q.producer(i);  p.push(v)  p.push_bulk(ptr, n)
//   q.pop(v)                              one item
//   q.consume(f, max)                     up to max items through f, with the queue's best
//                                         consumer API (in place where it has one)
// Each peer is compiled only when its Debian package is present (RINGMPSC_HAVE_* from CMake).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
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

// Default bulk operations for queues without them: a loop of single operations.
template <class Self, class T>
struct SingleItemBulk {
  std::size_t push_bulk(const T* v, std::size_t n) {
    std::size_t i = 0;
    while (i < n && static_cast<Self*>(this)->push(v[i])) ++i;
    return i;
  }
};
template <class Q, class T, class F>
std::size_t consume_by_pop(Q& q, F& f, std::size_t max) {
  std::size_t n = 0;
  T v{};
  while (n < max && q.pop(v)) {
    f(v);
    ++n;
  }
  return n;
}
template <class Q, class T, class F>
std::size_t consume_by_pop_bulk(Q& q, F& f, std::size_t max, std::vector<T>& buf) {
  if (buf.size() < max) buf.resize(std::min<std::size_t>(max, 1 << 16));
  const std::size_t n = q.pop_bulk(buf.data(), std::min(max, buf.size()));
  for (std::size_t i = 0; i < n; ++i) f(buf[i]);
  return n;
}

// ------------------------------------------------------------------------- ringmpsc ---

template <class T>
struct OursRing {
  static constexpr const char* name = "ringmpsc::Ring";
  static constexpr bool multi_producer = false, ours = true;
  ringmpsc::Ring<T> ring;
  OursRing(unsigned, std::size_t cap)
      : ring(ringmpsc::Config{.ring_bits = static_cast<std::uint32_t>(std::countr_zero(cap))}) {}
  struct Producer {
    ringmpsc::Ring<T>* r;
    bool push(const T& v) { return r->try_push(v); }
    std::size_t push_bulk(const T* v, std::size_t n) { return r->try_send({v, n}); }
  };
  Producer producer(unsigned) { return {&ring}; }
  bool pop(T& v) { return ring.try_pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return ring.try_consume(f, max); }
};

template <class T, class Wait>
struct OursChannel {
  static constexpr const char* name =
      Wait::parks ? "ringmpsc::Channel (Phased)" : "ringmpsc::Channel (Yielding)";
  static constexpr bool multi_producer = true, ours = true;
  using Ch = ringmpsc::Channel<T, Wait>;
  Ch ch;
  OursChannel(unsigned producers, std::size_t cap)
      : ch(ringmpsc::Config{.ring_bits = static_cast<std::uint32_t>(std::countr_zero(cap)),
                            .max_producers = producers}) {}
  struct Producer {
    typename Ch::producer_type p;
    bool push(const T& v) { return p.try_push(v); }
    std::size_t push_bulk(const T* v, std::size_t n) { return p.try_send({v, n}); }
  };
  Producer producer(unsigned) { return {ch.register_producer().value()}; }
  bool pop(T& v) { return ch.try_pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return ch.try_consume(f, max); }
};

/// The same channel, consumed with recv(): a burst of copies out, then the handler.
template <class T, class Wait>
struct OursChannelRecv : OursChannel<T, Wait> {
  static constexpr const char* name = "ringmpsc::Channel recv (copy out)";
  std::vector<T> buf;
  using OursChannel<T, Wait>::OursChannel;
  std::size_t pop_bulk(T* out, std::size_t n) { return this->ch.try_recv(std::span<T>(out, n)); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop_bulk(*this, f, max, buf); }
};

// ------------------------------------------------------------------------- in-house ---

/// One in-house ring per producer, polled by the consumer: the MPSC ceiling.
template <class T>
struct Inhouse {
  static constexpr const char* name = "in-house SPSC ring(s)";
  static constexpr bool multi_producer = true, ours = false;
  std::vector<std::unique_ptr<InhouseRing<T>>> rings;
  std::size_t next = 0;
  std::vector<T> buf;
  Inhouse(unsigned producers, std::size_t cap) {
    for (unsigned i = 0; i < producers; ++i) rings.push_back(std::make_unique<InhouseRing<T>>(cap));
  }
  struct Producer {
    InhouseRing<T>* r;
    bool push(const T& v) { return r->push(v); }
    std::size_t push_bulk(const T* v, std::size_t n) { return r->push_bulk(v, n); }
  };
  Producer producer(unsigned i) { return {rings[i].get()}; }
  bool pop(T& v) {
    for (std::size_t k = 0; k < rings.size(); ++k) {
      auto& r = *rings[(next + k) % rings.size()];
      if (r.pop(v)) return true;
    }
    return false;
  }
  // In place, like ringmpsc's consumers: the ceiling is measured with its best API.
  template <class F>
  std::size_t consume(F& f, std::size_t max) {
    std::size_t n = 0;
    for (std::size_t k = 0; k < rings.size() && n < max; ++k)
      n += rings[(next + k) % rings.size()]->consume(f, max - n);
    next = (next + 1) % rings.size();
    return n;
  }
};

// ---------------------------------------------------------------------------- peers ---

#if RINGMPSC_HAVE_READERWRITERQUEUE
template <class T>
struct RWQ {
  static constexpr const char* name = "moodycamel::ReaderWriterQueue";
  static constexpr bool multi_producer = false, ours = false;
  moodycamel::ReaderWriterQueue<T> q;
  RWQ(unsigned, std::size_t cap) : q(cap) {}
  struct Producer : SingleItemBulk<Producer, T> {
    moodycamel::ReaderWriterQueue<T>* q;
    explicit Producer(moodycamel::ReaderWriterQueue<T>* qq) : q(qq) {}
    bool push(const T& v) { return q->try_enqueue(v); }
  };
  Producer producer(unsigned) { return Producer(&q); }
  bool pop(T& v) { return q.try_dequeue(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop<RWQ, T>(*this, f, max); }
};
#endif

#if RINGMPSC_HAVE_BOOST_LOCKFREE
template <class T>
struct BoostSpsc {
  static constexpr const char* name = "boost::lockfree::spsc_queue";
  static constexpr bool multi_producer = false, ours = false;
  boost::lockfree::spsc_queue<T> q;
  std::vector<T> buf;
  BoostSpsc(unsigned, std::size_t cap) : q(cap) {}
  struct Producer {
    boost::lockfree::spsc_queue<T>* q;
    bool push(const T& v) { return q->push(v); }
    std::size_t push_bulk(const T* v, std::size_t n) { return q->push(v, n); }
  };
  Producer producer(unsigned) { return {&q}; }
  bool pop(T& v) { return q.pop(v); }
  std::size_t pop_bulk(T* out, std::size_t n) { return q.pop(out, n); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop_bulk(*this, f, max, buf); }
};

template <class T>
struct BoostQueue {
  static constexpr const char* name = "boost::lockfree::queue";
  static constexpr bool multi_producer = true, ours = false;
  boost::lockfree::queue<T> q;
  BoostQueue(unsigned p, std::size_t cap) : q(p * cap) {}
  struct Producer : SingleItemBulk<Producer, T> {
    boost::lockfree::queue<T>* q;
    explicit Producer(boost::lockfree::queue<T>* qq) : q(qq) {}
    bool push(const T& v) { return q->bounded_push(v); }
  };
  Producer producer(unsigned) { return Producer(&q); }
  bool pop(T& v) { return q.pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop<BoostQueue, T>(*this, f, max); }
};
#endif

#if RINGMPSC_HAVE_ATOMIC_QUEUE
// NIL = 0: the harness never sends 0 (values carry producer index + 1 in the top byte).
template <class T, bool Spsc>
struct AtomicQ {
  static constexpr const char* name = Spsc ? "atomic_queue SPSC" : "atomic_queue MPMC";
  static constexpr bool multi_producer = !Spsc, ours = false;
  atomic_queue::AtomicQueueB<T, std::allocator<T>, T{}, true, false, Spsc> q;
  AtomicQ(unsigned p, std::size_t cap) : q(static_cast<unsigned>(p * cap)) {}
  struct Producer : SingleItemBulk<Producer, T> {
    decltype(q)* qq;
    explicit Producer(decltype(q)* x) : qq(x) {}
    bool push(T v) { return qq->try_push(std::move(v)); }
  };
  Producer producer(unsigned) { return Producer(&q); }
  bool pop(T& v) { return q.try_pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop<AtomicQ, T>(*this, f, max); }
};
#endif

#if RINGMPSC_HAVE_CONCURRENTQUEUE
template <class T>
struct CQ {
  static constexpr const char* name = "moodycamel::ConcurrentQueue";
  static constexpr bool multi_producer = true, ours = false;
  moodycamel::ConcurrentQueue<T> q;
  moodycamel::ConsumerToken ctok;
  std::vector<T> buf;
  CQ(unsigned p, std::size_t cap) : q(p * cap), ctok(q) {}
  struct Producer {
    moodycamel::ConcurrentQueue<T>* q;
    std::unique_ptr<moodycamel::ProducerToken> tok;
    bool push(const T& v) { return q->try_enqueue(*tok, v); }
    std::size_t push_bulk(const T* v, std::size_t n) {
      return q->try_enqueue_bulk(*tok, v, n) ? n : 0;
    }
  };
  Producer producer(unsigned) { return {&q, std::make_unique<moodycamel::ProducerToken>(q)}; }
  bool pop(T& v) { return q.try_dequeue(ctok, v); }
  std::size_t pop_bulk(T* out, std::size_t n) { return q.try_dequeue_bulk(ctok, out, n); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop_bulk(*this, f, max, buf); }
};
#endif

#if RINGMPSC_HAVE_TBB
template <class T>
struct TbbQueue {
  static constexpr const char* name = "tbb::concurrent_bounded_queue";
  static constexpr bool multi_producer = true, ours = false;
  tbb::concurrent_bounded_queue<T> q;
  TbbQueue(unsigned p, std::size_t cap) { q.set_capacity(static_cast<std::ptrdiff_t>(p * cap)); }
  struct Producer : SingleItemBulk<Producer, T> {
    tbb::concurrent_bounded_queue<T>* q;
    explicit Producer(tbb::concurrent_bounded_queue<T>* x) : q(x) {}
    bool push(const T& v) { return q->try_push(v); }
  };
  Producer producer(unsigned) { return Producer(&q); }
  bool pop(T& v) { return q.try_pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop<TbbQueue, T>(*this, f, max); }
};
#endif

#if RINGMPSC_HAVE_XENIUM
template <class T>
struct Xenium {
  static constexpr const char* name = "xenium::vyukov_bounded_queue";
  static constexpr bool multi_producer = true, ours = false;
  xenium::vyukov_bounded_queue<T> q;
  Xenium(unsigned p, std::size_t cap) : q(std::bit_ceil(p * cap)) {}
  struct Producer : SingleItemBulk<Producer, T> {
    xenium::vyukov_bounded_queue<T>* q;
    explicit Producer(xenium::vyukov_bounded_queue<T>* x) : q(x) {}
    bool push(const T& v) { return q->try_push(v); }
  };
  Producer producer(unsigned) { return Producer(&q); }
  bool pop(T& v) { return q.try_pop(v); }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop<Xenium, T>(*this, f, max); }
};
#endif

/// The floor: a std::mutex around a std::deque, bounded to the same capacity.
template <class T>
struct MutexDeque {
  static constexpr const char* name = "std::mutex + std::deque";
  static constexpr bool multi_producer = true, ours = false;
  std::mutex m;
  std::deque<T> d;
  std::size_t cap;
  std::vector<T> buf;
  MutexDeque(unsigned p, std::size_t c) : cap(p * c) {}
  struct Producer {
    MutexDeque* q;
    bool push(const T& v) {
      std::lock_guard<std::mutex> g(q->m);
      if (q->d.size() >= q->cap) return false;
      q->d.push_back(v);
      return true;
    }
    std::size_t push_bulk(const T* v, std::size_t n) {
      std::lock_guard<std::mutex> g(q->m);
      n = std::min(n, q->cap - q->d.size());
      q->d.insert(q->d.end(), v, v + n);
      return n;
    }
  };
  Producer producer(unsigned) { return {this}; }
  bool pop(T& v) {
    std::lock_guard<std::mutex> g(m);
    if (d.empty()) return false;
    v = d.front();
    d.pop_front();
    return true;
  }
  std::size_t pop_bulk(T* out, std::size_t n) {
    std::lock_guard<std::mutex> g(m);
    n = std::min(n, d.size());
    std::copy_n(d.begin(), n, out);
    d.erase(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
  template <class F>
  std::size_t consume(F& f, std::size_t max) { return consume_by_pop_bulk(*this, f, max, buf); }
};

}  // namespace bench
