// A server loop on standalone Asio: one io_context thread runs a coroutine that consumes a
// channel fed by 4 producer threads, and another coroutine that handles a periodic timer
// (the kind of housekeeping a server does between requests). Nothing blocks the loop: the
// consumer suspends on the channel's readiness fd (ringmpsc::AsioReadiness) while the
// channel is empty. Every item of every producer is checked, in order.
#include <ringmpsc/asio.hpp>
#include <ringmpsc/channel.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Channel = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking>;
constexpr std::uint32_t kProducers = 4;
constexpr std::uint64_t kItemsPerProducer = 250'000;

struct Stats {
  std::array<std::uint64_t, kProducers> next{};
  std::uint64_t received = 0, out_of_order = 0, batches = 0, ticks = 0;
  ringmpsc::Status end = ringmpsc::Status::ok;
  bool consumer_done = false;
};

// Consumes until every producer has gone (or the channel is closed) and all is delivered.
asio::awaitable<void> consume(Channel& channel, Stats& stats) {
  ringmpsc::AsioReadiness readable(co_await asio::this_coro::executor,
                                   ringmpsc::consumer_readiness(channel));
  for (;;) {
    const ringmpsc::Status s = co_await readable.async_wait(asio::use_awaitable);
    if (s != ringmpsc::Status::ok) {
      stats.end = s;
      break;
    }
    stats.received += channel.try_consume([&stats](std::uint64_t& v) {
      const std::uint64_t id = v >> 32, seq = v & 0xffff'ffffu;
      if (id >= kProducers || seq != stats.next[id]++) ++stats.out_of_order;
    });
    ++stats.batches;
  }
  stats.consumer_done = true;
}

// Housekeeping every 2 ms on the same thread, until the consumer has finished.
asio::awaitable<void> tick(Stats& stats) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stats.consumer_done) {
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::use_awaitable);
    ++stats.ticks;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "An Asio loop: a coroutine consumes a channel fed by 4 producer threads while\n"
                 "another handles a timer; checks that every item arrives, in order per producer.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  Channel channel(ringmpsc::Config{.ring_bits = 10, .max_producers = kProducers});
  asio::io_context io(1);
  Stats stats;
  asio::co_spawn(io, consume(channel, stats), asio::detached);
  asio::co_spawn(io, tick(stats), asio::detached);

  std::vector<std::thread> producers;
  for (std::uint32_t id = 0; id < kProducers; ++id) {
    producers.emplace_back([id, p = channel.register_producer().value()]() mutable {
      for (std::uint64_t i = 0; i < kItemsPerProducer; ++i) {
        if (p.push((std::uint64_t{id} << 32) | i) != ringmpsc::Status::ok) return;
        if (i % 8192 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  io.run();  // returns when both coroutines have finished
  for (auto& t : producers) t.join();

  bool ok = stats.end == ringmpsc::Status::disconnected && stats.out_of_order == 0 &&
            stats.received == kProducers * kItemsPerProducer && stats.ticks > 0;
  for (std::uint64_t next : stats.next) ok = ok && next == kItemsPerProducer;
  std::printf("async_asio_server: received %llu in %llu batches (%s), %llu timer ticks: %s\n",
              static_cast<unsigned long long>(stats.received),
              static_cast<unsigned long long>(stats.batches), ringmpsc::to_string(stats.end),
              static_cast<unsigned long long>(stats.ticks), ok ? "every item delivered" : "FAILED");
  return ok ? 0 : 1;
}
