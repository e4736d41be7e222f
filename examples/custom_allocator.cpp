// Allocators: rings take any std::allocator_traits allocator. Here a ring of cache-line
// aligned slots, a ring on a chosen NUMA node, and a stateful arena allocator.
#include <ringmpsc/ringmpsc.hpp>

#include <cstddef>
#include <cstdio>
#include <string_view>
#include <vector>

// A bump allocator over a fixed buffer: stateful, so it must be carried by the ring.
template <class T>
struct ArenaAllocator {
  using value_type = T;
  std::byte* base;
  std::size_t* used;
  std::size_t size;
  ArenaAllocator(std::byte* b, std::size_t* u, std::size_t s) : base(b), used(u), size(s) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& o) : base(o.base), used(o.used), size(o.size) {}
  T* allocate(std::size_t n) {
    std::size_t start = (*used + alignof(T) - 1) / alignof(T) * alignof(T);
    if (start + n * sizeof(T) > size) throw std::bad_alloc();
    *used = start + n * sizeof(T);
    return reinterpret_cast<T*>(base + start);
  }
  void deallocate(T*, std::size_t) noexcept {}  // the arena is released all at once
  template <class U>
  friend bool operator==(const ArenaAllocator& a, const ArenaAllocator<U>& b) { return a.base == b.base; }
};

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "Rings on cache-line aligned, NUMA-node and arena allocators.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  ringmpsc::Ring<std::uint64_t, ringmpsc::default_wait, ringmpsc::AlignedAllocator<std::uint64_t>> aligned(
      ringmpsc::Config{.ring_bits = 10});
  ringmpsc::Ring<std::uint64_t, ringmpsc::default_wait, ringmpsc::NumaAllocator<std::uint64_t>> on_node(
      ringmpsc::Config{.ring_bits = 10}, ringmpsc::NumaAllocator<std::uint64_t>(0));

  alignas(128) static std::byte arena[1 << 20];
  std::size_t used = 0;
  using Arena = ArenaAllocator<std::uint64_t>;
  ringmpsc::Channel<std::uint64_t, ringmpsc::default_wait, Arena> channel(ringmpsc::Config{.ring_bits = 10, .max_producers = 2},
                                                  Arena(arena, &used, sizeof arena));
  auto p = channel.register_producer().value();
  for (std::uint64_t i = 0; i < 100; ++i) (void)p.try_push(i);
  std::uint64_t sum = 0;
  channel.try_consume([&](const std::uint64_t& v) { sum += v; });

  (void)aligned.try_push(1);
  (void)on_node.try_push(2);
  std::printf("custom_allocator: arena holds %zu bytes, sum %llu, NUMA nodes %d\n", used,
              static_cast<unsigned long long>(sum), ringmpsc::numa_node_count());
  return sum == 4950 && used > 0 ? 0 : 1;
}
