#include <ringmpsc/ringmpsc.hpp>
#include <cstdio>
#include <chrono>
using namespace ringmpsc;
__attribute__((noinline)) size_t fill(Ring<std::uint64_t, wait::Yielding>& r, std::uint64_t base, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) k += r.try_push(base + i);
  return k;
}
int main() {
  Ring<std::uint64_t, wait::Yielding> r(Config{.ring_bits = 13});
  double best = 1e9;
  for (int round = 0; round < 2000; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    size_t k = fill(r, round, 8000);
    auto t1 = std::chrono::steady_clock::now();
    std::uint64_t v; size_t m = 0; while (r.try_pop(v)) ++m;
    if (k != 8000 || m != 8000) { std::puts("bad"); return 1; }
    double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / 8000;
    if (ns < best) best = ns;
  }
  std::printf("best push %.3f ns\n", best);
}
