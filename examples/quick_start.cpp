#include <ringmpsc/ringmpsc.hpp>

#include <cstdint>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc > 1) {  // no options; --help says what it does
    const bool help = std::string_view(argv[1]) == "--help";
    std::fprintf(help ? stdout : stderr, "usage: %s\nFour producers, one consumer.\n", argv[0]);
    return help ? 0 : 2;
  }
  // 4K slots per producer ring, up to 4 producers.
  ringmpsc::Channel<std::uint64_t> channel(ringmpsc::Config{.ring_bits = 12, .max_producers = 4});

  std::vector<std::thread> producers;
  for (std::uint64_t t = 0; t < 4; ++t) {
    // Register before starting the thread: the consumer below then sees 4 live producers.
    auto producer = channel.register_producer().value();  // throws ringmpsc::Error on failure
    producers.emplace_back([t, producer = std::move(producer)]() mutable {
      for (std::uint64_t i = 0; i < 1000; ++i) {
        // Zero-copy: wait for a free slot, write it in place, publish it.
        auto [status, slot] = producer.reserve(1);
        if (status != ringmpsc::Status::ok) return;  // the channel was closed
        slot[0] = t * 1000 + i;
        if (!slot.commit()) return;  // closed meanwhile: this item was not sent
      }
    });  // the producer's ring is handed back when `producer` goes out of scope
  }

  std::uint64_t received = 0, sum = 0;
  // consume() waits for items and hands each to the lambda; it reports disconnected once
  // every producer is gone and everything is delivered.
  for (;;) {
    const auto got = channel.consume([&](const std::uint64_t& v) { sum += v; });
    if (got.status != ringmpsc::Status::ok) break;
    received += got.count;
  }
  for (auto& p : producers) p.join();

  std::printf("received %llu items, sum %llu\n", static_cast<unsigned long long>(received),
              static_cast<unsigned long long>(sum));
  return received == 4000 && sum == 4000ull * 3999 / 2 ? 0 : 1;
}
