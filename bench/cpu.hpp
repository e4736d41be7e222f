// Thread placement and CPU accounting for the bench binaries: which CPU each thread runs
// on, the pause instruction of a spin loop, and the process's CPU time.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <type_traits>
#include <vector>

namespace bench {

inline unsigned cpu_count() { return std::max(1u, std::thread::hardware_concurrency()); }

/// Consumer on CPU 0; producer i on CPU (1 + i) mod cores (1P1C: two different CPUs).
inline int producer_cpu(unsigned i) { return static_cast<int>((1 + i) % cpu_count()); }

inline void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/// Pins the calling thread for its lifetime and restores its affinity after.
class ScopedPin {
 public:
  explicit ScopedPin(int cpu) {
    pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_);
    pin_to(cpu);
  }
  ~ScopedPin() { pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_); }
  ScopedPin(const ScopedPin&) = delete;
  ScopedPin& operator=(const ScopedPin&) = delete;

 private:
  cpu_set_t saved_{};
};

/// The pause of a spin loop: tells the core that this thread waits on memory.
inline void cpu_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

/// Runs side(i, stop) on n threads, thread i pinned to producer_cpu(i), and body(stop) on
/// the calling thread, pinned to CPU 0 meanwhile; the side threads start together just
/// before body. `stop` is for body to tell the side threads to finish. Returns what each
/// side thread returned, once all have finished.
template <class Side, class Body>
auto run_pinned(unsigned n, Side&& side, Body&& body) {
  using Result = std::invoke_result_t<Side&, unsigned, std::atomic<bool>&>;
  std::atomic<bool> stop{false}, go{false};
  std::atomic<unsigned> ready{0};
  std::vector<Result> results(n);
  std::vector<std::thread> threads;
  ScopedPin pin(0);
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      pin_to(producer_cpu(i));
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      results[i] = side(i, stop);
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  body(stop);
  for (auto& t : threads) t.join();
  return results;
}

/// User plus system CPU seconds of the whole process (all threads).
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

}  // namespace bench
