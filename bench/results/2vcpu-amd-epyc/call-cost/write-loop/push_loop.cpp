// One push loop on one thread: the best ns per try_push over 2,000 rounds of 8,000 pushes
// into an empty ring of 8,192 slots (drained after each round and checked), through a
// Ring and through a channel's Producer.
#include <ringmpsc/ringmpsc.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>

using namespace ringmpsc;
using Ring64 = Ring<std::uint64_t, wait::Yielding>;
using Channel64 = Channel<std::uint64_t, wait::Yielding>;

template <class P>
__attribute__((noinline)) std::size_t fill(P& p, std::uint64_t base, std::size_t n) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) k += p.try_push(base + i);
  return k;
}

template <class P, class C>
double best_ns(P& producer, C& consumer) {
  constexpr std::size_t n = 8000;
  double best = 1e9;
  for (int round = 0; round < 2000; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t pushed = fill(producer, static_cast<std::uint64_t>(round), n);
    const auto t1 = std::chrono::steady_clock::now();
    std::uint64_t v = 0;
    std::size_t popped = 0;
    while (consumer.try_pop(v)) ++popped;
    if (pushed != n || popped != n) return -1;
    const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
    if (ns < best) best = ns;
  }
  return best;
}

int main() {
  Ring64 ring(Config{.ring_bits = 13});
  Channel64 channel(Config{.ring_bits = 13, .max_producers = 4});
  auto producer = channel.register_producer().value();
  std::printf("Ring push %.3f ns\n", best_ns(ring, ring));
  std::printf("Channel Producer push %.3f ns\n", best_ns(producer, channel));
}
