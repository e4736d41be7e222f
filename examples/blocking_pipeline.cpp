// Producers and a blocking consumer with a clean shutdown: the consumer sleeps (no CPU)
// while there is nothing to do, and learns from recv() that the producers are gone
// (or the channel closed) and everything is drained, so it never misses an item.
#include <ringmpsc/ringmpsc.hpp>

#include <atomic>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

using Channel = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking>;

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "Producers feed a consumer that sleeps while idle and stops once they\n"
                 "are gone and all is drained.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  Channel channel(ringmpsc::Config{.ring_bits = 8, .max_producers = 4});
  std::atomic<std::uint64_t> sent{0};

  std::thread consumer([&channel] {
    std::uint64_t received = 0, sum = 0;
    std::uint64_t buffer[64];
    for (;;) {
      const auto r = channel.recv(buffer);  // blocks without spinning
      // closed, or every producer gone (they were all registered before the consumer
      // started), and everything drained.
      if (r.status != ringmpsc::Status::ok) break;
      for (std::size_t i = 0; i < r.count; ++i) sum += buffer[i];
      received += r.count;
    }
    std::printf("blocking_pipeline: consumer received %llu (sum %llu)\n",
                static_cast<unsigned long long>(received), static_cast<unsigned long long>(sum));
  });

  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&, p = channel.register_producer().value()]() mutable {
      for (std::uint64_t i = 0; i < 50'000; ++i) {
        if (p.push(i) != ringmpsc::Status::ok) return;  // blocks while the ring is full
        sent.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& p : producers) p.join();
  channel.close();  // every send has returned: nothing can race the close
  consumer.join();
  std::printf("blocking_pipeline: producers sent %llu\n", static_cast<unsigned long long>(sent.load()));
  return sent == 200'000 ? 0 : 1;
}
