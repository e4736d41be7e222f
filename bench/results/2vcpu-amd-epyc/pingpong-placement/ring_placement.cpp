#include <cstdio>
#include <memory>
#include "peers.hpp"
#include "pingpong.hpp"
using namespace bench;
using T = std::uint64_t;
template <class Wait>
struct HeapRing {
  std::unique_ptr<ringmpsc::Ring<T, Wait>> ring;
  explicit HeapRing(const QueueSpec& s) : ring(std::make_unique<ringmpsc::Ring<T, Wait>>(s.config())) {}
  struct Producer { ringmpsc::Ring<T, Wait>* r; RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return r->try_push(v); } };
  Producer producer(unsigned) { return {ring.get()}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return ring->try_pop(v); }
};
struct HeapInhouse {
  std::unique_ptr<InhouseRing<T>> ring;
  explicit HeapInhouse(const QueueSpec& s) : ring(std::make_unique<InhouseRing<T>>(s.slots)) {}
  struct Producer { InhouseRing<T>* r; RINGMPSC_ALWAYS_INLINE bool push(const T& v) { return r->try_push(v); } };
  Producer producer(unsigned) { return {ring.get()}; }
  RINGMPSC_ALWAYS_INLINE bool pop(T& v) { return ring->try_pop(v); }
};
int main() {
  using namespace ringmpsc::wait;
  QueueSpec spec{1, 8192, false};
  for (int r = 0; r < 10; ++r) {
    auto d = std::chrono::milliseconds(150);
    double a = round_trips<InhouseSpsc<T>>(spec, d).value;
    double a2 = round_trips<HeapInhouse>(spec, d).value;
    double b = round_trips<OursRing<T, Phased>>(spec, d).value;
    double c = round_trips<HeapRing<Phased>>(spec, d).value;
    double e = round_trips<HeapRing<BusySpin>>(spec, d).value;
    double f = round_trips<OursChannel<T, Phased>>(spec, d).value;
    std::printf("inhouse %5.0f heap-inhouse %5.0f ring-phased %5.0f heapring-phased %5.0f heapring-busy %5.0f chan-phased %5.0f\n", a, a2, b, c, e, f);
  }
}
