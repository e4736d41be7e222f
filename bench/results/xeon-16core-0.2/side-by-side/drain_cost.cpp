// drain_cost: one thread; P producers fill their rings (8000 items each), then the consumer
// drains them with calls for 256 items, through a handler that checks every item as the
// benchmark's verifier does (try_consume), or by copying out and checking the copies
// (argument `r`: try_recv). Median ns per item of 400 fills.
// Build against 0.2: g++ -std=c++20 -O3 -march=native -DNDEBUG -Iinclude drain_cost.cpp
// against 0.1.0 (its include/): the same with -DV01. Run: ./a.out P [r]
#include <ringmpsc/ringmpsc.hpp>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <vector>
#include <algorithm>
#ifdef V01
using C = ringmpsc::Channel<std::uint64_t, std::allocator<std::uint64_t>, ringmpsc::wait::Yielding>;
#define CONSUME(ch, h, m) ch.consume_all_up_to(m, h)
#define RECV(ch, sp) ch.recv(sp)
#else
using C = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Yielding>;
#define CONSUME(ch, h, m) ch.try_consume(h, m)
#define RECV(ch, sp) ch.try_recv(sp)
#endif
struct V {
  std::vector<std::uint64_t> next; std::uint64_t count = 0, sum = 0; bool ordered = true;
  [[gnu::always_inline]] inline void operator()(const std::uint64_t& k) noexcept {
    const std::uint64_t p = (k >> 56) - 1, s = k & ((1ull << 56) - 1);
    if (p < next.size()) { ordered &= s == next[p]; next[p] = s + 1; } else ordered = false;
    sum += s; ++count;
  }
};
int main(int argc, char** argv) {
  const unsigned P = argc > 1 ? atoi(argv[1]) : 4;
  const bool recv = argc > 2;
  C ch(ringmpsc::Config{.ring_bits = 13, .max_producers = P});
  std::vector<typename C::producer_type> ps;
  for (unsigned i = 0; i < P; ++i) ps.push_back(ch.register_producer().value());
  V v{std::vector<std::uint64_t>(P, 0)};
  std::vector<std::uint64_t> seq(P, 0), buf(256);
  std::vector<double> t;
  for (int k = 0; k < 400; ++k) {
    for (unsigned i = 0; i < P; ++i)
      for (int j = 0; j < 8000; ++j) { if (!ps[i].try_push(((std::uint64_t)(i + 1) << 56) | seq[i])) return 2; ++seq[i]; }
    auto t0 = std::chrono::steady_clock::now();
    std::size_t n = 0, total = 8000ull * P;
    while (n < total) {
      if (recv) { std::size_t m = RECV(ch, std::span<std::uint64_t>(buf)); for (std::size_t q = 0; q < m; ++q) v(buf[q]); n += m; }
      else n += CONSUME(ch, v, 256);
    }
    auto t1 = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / total);
  }
  std::sort(t.begin(), t.end());
  std::printf("%s P=%u: %.3f ns/item (min %.3f) ok=%d\n", recv ? "recv" : "consume", P, t[t.size()/2], t[0], (int)v.ordered);
}
