// An io_uring consumer: a C++20 coroutine consumes a channel fed by 4 producer threads,
// suspending on the channel's readiness fd through a small io_uring adapter (one
// IORING_OP_POLL_ADD per wait). The adapter is all the glue ringmpsc needs from a loop:
// watch(w) and unwatch(w) (the FdLoop concept in ringmpsc/coro.hpp). Every item is checked.
//
// Exits with 77 (CTest: skipped) when the kernel refuses io_uring (old kernel, seccomp).
#include <ringmpsc/channel.hpp>
#include <ringmpsc/coro.hpp>

#include <liburing.h>
#include <poll.h>

#include <array>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <cstring>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using Channel = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking>;
constexpr std::uint32_t kProducers = 4;
constexpr std::uint64_t kItemsPerProducer = 250'000;

/// ringmpsc::FdLoop on io_uring: a watch is a one-shot poll for POLLIN; unwatch forgets it
/// at once (its completion, if already queued, is ignored) and asks the kernel to remove it.
class UringLoop {
 public:
  UringLoop() {
    if (const int e = ::io_uring_queue_init(64, &ring_, 0); e < 0)
      throw std::system_error(-e, std::system_category(), "io_uring_queue_init");
  }
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;
  ~UringLoop() { ::io_uring_queue_exit(&ring_); }

  void watch(ringmpsc::FdWatch& w) {
    io_uring_sqe* sqe = sqe_();
    if (sqe == nullptr) throw std::system_error(EBUSY, std::system_category(), "io_uring: no sqe");
    const std::uint64_t id = ++last_id_;
    ::io_uring_prep_poll_add(sqe, w.fd(), POLLIN);
    ::io_uring_sqe_set_data64(sqe, id);
    watches_[id] = &w;
    ids_[&w] = id;
    ::io_uring_submit(&ring_);
  }
  void unwatch(ringmpsc::FdWatch& w) noexcept {
    const auto it = ids_.find(&w);
    if (it == ids_.end()) return;
    const std::uint64_t id = it->second;
    ids_.erase(it);
    watches_.erase(id);
    if (io_uring_sqe* sqe = sqe_()) {
      ::io_uring_prep_poll_remove(sqe, id);
      ::io_uring_sqe_set_data64(sqe, 0);  // its own completion is ignored
      ::io_uring_submit(&ring_);
    }
  }
  /// Waits for one completion and fires its watch, if it still has one.
  void run_one() {
    io_uring_cqe* cqe = nullptr;
    if (::io_uring_wait_cqe(&ring_, &cqe) != 0) return;
    const std::uint64_t id = ::io_uring_cqe_get_data64(cqe);
    ::io_uring_cqe_seen(&ring_, cqe);
    const auto it = watches_.find(id);
    if (it == watches_.end()) return;  // removed, or the removal's own completion
    ringmpsc::FdWatch* w = it->second;
    watches_.erase(it);
    ids_.erase(w);
    w->fire();
  }

 private:
  io_uring_sqe* sqe_() noexcept {
    io_uring_sqe* sqe = ::io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {  // full: submit what is queued and try once more
      ::io_uring_submit(&ring_);
      sqe = ::io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  io_uring ring_{};
  std::uint64_t last_id_ = 0;
  std::unordered_map<std::uint64_t, ringmpsc::FdWatch*> watches_;
  std::unordered_map<ringmpsc::FdWatch*, std::uint64_t> ids_;
};
static_assert(ringmpsc::FdLoop<UringLoop>);

/// The smallest coroutine type that runs at once and can be asked whether it finished.
struct Task {
  struct promise_type {
    std::exception_ptr error;
    Task get_return_object() { return Task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };
  std::coroutine_handle<promise_type> handle;
  explicit Task(std::coroutine_handle<promise_type> h) : handle(h) {}
  Task(Task&& o) noexcept : handle(std::exchange(o.handle, nullptr)) {}
  Task& operator=(Task&&) = delete;
  ~Task() {
    if (handle) handle.destroy();
  }
  [[nodiscard]] bool done() const { return handle.done(); }
};

struct Stats {
  std::array<std::uint64_t, kProducers> next{};
  std::uint64_t received = 0, out_of_order = 0, batches = 0;
  ringmpsc::Status end = ringmpsc::Status::ok;
};

Task consume(Channel& channel, UringLoop& loop, Stats& stats) {
  auto check = [&stats](std::uint64_t& v) {
    const std::uint64_t id = v >> 32, seq = v & 0xffff'ffffu;
    if (id >= kProducers || seq != stats.next[id]++) ++stats.out_of_order;
  };
  for (;;) {
    const ringmpsc::BatchResult r = co_await ringmpsc::async_consume(channel, loop, check);
    if (r.status != ringmpsc::Status::ok) {
      stats.end = r.status;
      co_return;
    }
    stats.received += r.count;
    ++stats.batches;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "A coroutine consumes a channel fed by 4 producer threads, waiting through\n"
                 "io_uring; checks every item. Exits 77 when io_uring is unavailable.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  std::optional<UringLoop> loop;
  try {
    loop.emplace();
  } catch (const std::system_error& e) {
    std::printf("async_io_uring: io_uring unavailable here (%s): skipped\n", e.what());
    return 77;
  }
  Channel channel(ringmpsc::Config{.ring_bits = 10, .max_producers = kProducers});
  std::vector<std::thread> producers;
  for (std::uint32_t id = 0; id < kProducers; ++id) {
    producers.emplace_back([id, p = channel.register_producer().value()]() mutable {
      for (std::uint64_t i = 0; i < kItemsPerProducer; ++i) {
        if (p.push((std::uint64_t{id} << 32) | i) != ringmpsc::Status::ok) return;
        if (i % 8192 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  Stats stats;
  {
    Task task = consume(channel, *loop, stats);
    while (!task.done()) loop->run_one();
    if (task.handle.promise().error) {
      channel.close();
      for (auto& t : producers) t.join();
      std::rethrow_exception(task.handle.promise().error);
    }
  }
  for (auto& t : producers) t.join();

  bool ok = stats.end == ringmpsc::Status::disconnected && stats.out_of_order == 0 &&
            stats.received == kProducers * kItemsPerProducer;
  for (std::uint64_t next : stats.next) ok = ok && next == kItemsPerProducer;
  std::printf("async_io_uring: received %llu in %llu batches (%s): %s\n",
              static_cast<unsigned long long>(stats.received),
              static_cast<unsigned long long>(stats.batches), ringmpsc::to_string(stats.end),
              ok ? "every item delivered" : "FAILED");
  return ok ? 0 : 1;
}
