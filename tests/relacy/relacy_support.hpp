// The library's headers under Relacy: what the checker's build supplies to the seam in
// include/ringmpsc/detail/checker.hpp, an element type whose every access Relacy checks,
// and the runner that prints the executions explored.
//
// Include it right after <relacy/relacy_std.hpp> (which must come first in the .cpp) and
// before any ringmpsc header.
#pragma once

#if !defined(RINGMPSC_CHECKER)
#error "the Relacy tests build the library with RINGMPSC_CHECKER (tests/relacy/CMakeLists.txt)"
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <ostream>
#include <streambuf>
#include <type_traits>

// --------------------------------------------- gaps in Relacy's interception of std ---

namespace rl {
// std::atomic of a function pointer (the library's contract-violation handler slot):
// Relacy's history records atomic values as data pointers; keep function pointers as such.
template <class R, class... A>
struct atomic_add_type<R (*)(A...) noexcept> {
  using type = std::ptrdiff_t;
  using output_type = R (*)(A...) noexcept;
};
}  // namespace rl

namespace std {
// Relacy's atomic_signal_fence wants a source location; the library calls the standard
// form. (Unused here: the checker's build has no membarrier, so both asymmetric fences
// are seq_cst thread fences, which is what they stand for.)
inline void atomic_signal_fence(rl::memory_order mo) noexcept { rl::atomic_signal_fence(mo, $); }
}  // namespace std

namespace ringmpsc::detail {
// Relacy prints every atomic value in its history: the library's enums (the channel slot
// state) print as their number.
template <class E>
  requires std::is_enum_v<E>
std::ostream& operator<<(std::ostream& os, E e) {
  return os << static_cast<long long>(static_cast<std::underlying_type_t<E>>(e));
}
}  // namespace ringmpsc::detail

#include <ringmpsc/detail/checker.hpp>

namespace rlt {

// -------------------------------------------------------------- slots as ownership ---

/// One plain variable per ring slot, which the producer writes when it claims the slot for
/// a reservation (checker::slots_claimed) and when it publishes it (slots_published, just
/// before R1), and the consumer writes when it consumes it (slots_consumed, just before R2). Relacy reports a data race when two of these
/// writes are not ordered by happens-before, i.e. when a slot changes hands without the
/// release/acquire pair that should hand it over: R1/A1 for producer -> consumer, R2/A2
/// for consumer -> producer, R4/A4 (and the drained check) for a ring passed from one
/// channel producer to the next. Whatever T is, so memcpy'd items and in-place writes
/// through a Reservation are covered too. Every test owns one (a member of its suite).
class SlotShadow {
 public:
  static constexpr int max_rings = 4;
  static constexpr int max_slots = 8;

  SlotShadow() noexcept { current() = this; }
  ~SlotShadow() { current() = nullptr; }
  SlotShadow(const SlotShadow&) = delete;
  SlotShadow& operator=(const SlotShadow&) = delete;

  static void mark(const void* slots, std::uint64_t mask, std::uint64_t seq,
                   rl::debug_info_param info) noexcept {
    SlotShadow* self = current();
    RL_ASSERT(self != nullptr);  // a test without a SlotShadow would check no slot
    RL_ASSERT(mask < max_slots);
    int r = 0;
    while (r < self->used_ && self->bases_[r] != slots) ++r;
    if (r == self->used_) {
      RL_ASSERT(self->used_ < max_rings);
      self->bases_[self->used_++] = slots;
    }
    self->vars_[r][seq & mask](info).store(static_cast<int>(seq & 0xffff));
  }

 private:
  static SlotShadow*& current() noexcept {
    static SlotShadow* p = nullptr;  // set by the suite's constructor in every execution
    return p;
  }
  const void* bases_[max_rings] = {};
  int used_ = 0;
  rl::var<int> vars_[max_rings][max_slots];
};

}  // namespace rlt

namespace ringmpsc::detail::checker {

template <class T>
void slots_claimed(const T* slots, std::uint64_t mask, std::uint64_t first,
                   std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) rlt::SlotShadow::mark(slots, mask, first + i, $);
}

template <class T>
void slots_published(const T* slots, std::uint64_t mask, std::uint64_t first,
                     std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) rlt::SlotShadow::mark(slots, mask, first + i, $);
}

template <class T>
void slots_consumed(const T* slots, std::uint64_t mask, std::uint64_t first,
                    std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) rlt::SlotShadow::mark(slots, mask, first + i, $);
}

// The futex as Linux implements it (kernel/futex/waitwake.c): the waiter passes a full
// barrier, then compares the word and queues itself as one step under the bucket lock; the
// waker passes a full barrier before it looks for waiters (barriers "A" and "B" there). So:
// a seq_cst fence, then load-and-park with no scheduling point between; a seq_cst fence,
// then wake every parked thread. No spurious wake-ups (they would only hide lost ones).
// Timed waits are not modelled (the tests wait without a deadline).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                Deadline deadline) noexcept {
  RL_ASSERT(deadline == no_deadline);
  rl::context& c = rl::ctx();
  c.atomic_thread_fence_seq_cst();  // includes a scheduling point
  std::uint32_t now = 0;
  {
    rl::preemption_disabler nopreempt(c);
    now = word.load(std::memory_order_relaxed);
  }
  if (now != expected) return;
  word.wait(c, false, false, $);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) noexcept {
  rl::context& c = rl::ctx();
  c.atomic_thread_fence_seq_cst();
  word.wake(c, rl::thread_id_t(-1), $);
}

// A contract violation or a broken internal invariant (RINGMPSC_ASSERT) fails the
// execution, and Relacy prints the interleaving that led to it.
void contract_violation(const char* message) noexcept {
  rl::ctx().fail_test(message, rl::test_result_user_assert_failed, $);
}

}  // namespace ringmpsc::detail::checker

namespace rlt {

// ------------------------------------------------------------------- the element ---

/// An item whose every construction, copy, move, read and destruction Relacy checks: its
/// value is an rl::var, so a read not ordered after the write that made it is a data race,
/// and an item constructed but never destroyed (or destroyed twice) is a leak Relacy
/// reports at the end of the execution. Moved-from items read -1.
struct Item {
  rl::var<int> v;

  explicit Item(int x = 0) : v(x) {}
  Item(const Item& o) : v(o.get()) {}
  Item(Item&& o) noexcept : v(o.get()) { o.v($) = -1; }
  Item& operator=(const Item& o) {
    v($) = o.get();
    return *this;
  }
  Item& operator=(Item&& o) noexcept {
    v($) = o.get();
    o.v($) = -1;
    return *this;
  }
  ~Item() = default;
  [[nodiscard]] int get() const { return v($).load(); }
};

// ---------------------------------------------------------------------- runner ---

/// Counts, across the executions of one run, how often each outcome a test names
/// occurred, so that the report shows which branches the search reached (a test whose
/// interesting outcome never occurs checks nothing). Call once per outcome an execution
/// had, from a suite's after() or a thread.
class Tally {
 public:
  static void note(const char* label) noexcept {
    Tally& t = get();
    int i = 0;
    while (i < t.n_ && std::strcmp(t.labels_[i], label) != 0) ++i;
    if (i == t.n_) {
      if (t.n_ == max_labels) return;
      t.labels_[t.n_++] = label;
    }
    ++t.counts_[i];
  }
  static void print_and_reset() {
    Tally& t = get();
    for (int i = 0; i < t.n_; ++i)
      std::printf("  %s: %llu\n", t.labels_[i], t.counts_[i]);
    t = Tally{};
  }

 private:
  static constexpr int max_labels = 8;
  static Tally& get() noexcept {
    static Tally t;  // outside the model: never read by a test
    return t;
  }
  const char* labels_[max_labels] = {};
  unsigned long long counts_[max_labels] = {};
  int n_ = 0;
};
inline void note(const char* label) noexcept { Tally::note(label); }

struct NullBuf : std::streambuf {
  int overflow(int c) override { return c; }
};

/// Runs Suite under the context-bound scheduler: every execution whose number of
/// preemptions (switches away from a thread that could have gone on) is at most `bound`,
/// with every choice of value each relaxed or acquire load may read under the C++ memory
/// model. Prints one line, `relacy <name>: <result>, context bound B, N executions
/// explored, T s (cpu C s)`, and returns the process exit status.
template <class Suite>
int run(const char* name, unsigned bound) {
  NullBuf null_buf;
  std::ostream null_stream(&null_buf);
  rl::test_params p;
  p.search_type = rl::fair_context_bound_scheduler_type;
  p.context_bound = bound;
  p.progress_stream = &null_stream;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  const bool ok = rl::simulate<Suite>(p);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  // Executions are numbered from 1; stop_iteration is the last one run (the failing one
  // when the test failed).
  std::printf("relacy %s: %s, context bound %u, %llu executions explored, %.2f s (cpu %.2f s)\n",
              name, ok ? "passed" : rl::test_result_str(p.test_result), bound,
              static_cast<unsigned long long>(p.stop_iteration), wall, cpu);
  if (ok) Tally::print_and_reset();
  std::fflush(stdout);
  return ok ? 0 : 1;
}

/// One test of a file: its name, its suite and its default context bound.
struct Entry {
  const char* name;
  int (*fn)(const char* name, unsigned bound);
  unsigned bound;
};
template <class Suite>
constexpr Entry entry(const char* name, unsigned bound) {
  return {name, &run<Suite>, bound};
}

/// main() of a test file: `exe [name [bound]]` runs the test named (every test when there
/// is no name) with its default context bound, or with `bound` when given.
template <std::size_t N>
int dispatch(int argc, char** argv, const Entry (&tests)[N]) {
  const unsigned bound = argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 0;
  int status = 0;
  bool found = false;
  for (const Entry& t : tests) {
    if (argc > 1 && std::strcmp(argv[1], t.name) != 0) continue;
    found = true;
    status |= t.fn(t.name, bound != 0 ? bound : t.bound);
  }
  if (!found) {
    std::fprintf(stderr, "no test named %s\n", argv[1]);
    return 2;
  }
  return status;
}

}  // namespace rlt

namespace rlt {

// ------------------------------------------------------------- close is final ---

/// The close-final race of a ring and of a channel: one writer pushes 1, then commits 2
/// through a reservation; another thread closes; the consumer pops (blocking) until it is
/// told `closed`. check() asserts that the consumer received exactly the writes that
/// returned success, in order, and that nothing is left.
struct CloseRace {
  bool ok[2] = {false, false};  // written by the writer, read in check()
  int got[3] = {0, 0, 0};       // written by the consumer, read in check()
  int n_got = 0;

  template <class W>
  void write(W& w) {
    ok[0] = w.try_push(1);
    auto r = w.try_reserve(1);
    if (r) {
      r[0] = 2;
      ok[1] = r.commit();
    }
  }
  template <class C>
  void consume(C& c) {
    for (;;) {
      int v = 0;
      auto s = c.pop(v);  // ringmpsc::Status (this header comes before the library's)
      if (s == decltype(s)::closed) break;
      RL_ASSERT(s == decltype(s)::ok);
      RL_ASSERT(n_got < 2);
      got[n_got++] = v;
    }
  }
  template <class C>
  void check(C& c) {
    int want[2] = {0, 0};
    int n_want = 0;
    for (int i = 0; i < 2; ++i)
      if (ok[i]) want[n_want++] = i + 1;
    RL_ASSERT(ok[0] || !ok[1]);  // close is final: no write succeeds after one was refused
    RL_ASSERT(n_got == n_want);
    for (int i = 0; i < n_want && i < n_got; ++i) RL_ASSERT(got[i] == want[i]);
    int v = 0;
    RL_ASSERT(!c.try_pop(v));
    note(ok[0] ? (ok[1] ? "both writes delivered" : "push delivered, commit refused")
               : (ok[1] ? "push refused, commit delivered" : "both writes refused"));
  }
};

}  // namespace rlt
