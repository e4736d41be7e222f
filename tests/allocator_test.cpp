// Allocators: stateful ones are kept and used, alignment is checked, the aligned and NUMA
// allocators place memory as they promise.
#include <fstream>
#include <sstream>
#include <string>

#include "catch.hpp"
#include "support.hpp"

using ringmpsc::Config;

namespace {
// Stateful: carries an id and counts its live allocations.
template <class T>
struct TaggedAllocator {
  using value_type = T;
  int id;
  int* live;
  TaggedAllocator(int i, int* l) noexcept : id(i), live(l) {}
  template <class U>
  TaggedAllocator(const TaggedAllocator<U>& o) noexcept : id(o.id), live(o.live) {}  // NOLINT
  T* allocate(std::size_t n) {
    ++*live;
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    --*live;
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  friend bool operator==(const TaggedAllocator& a, const TaggedAllocator<U>& b) noexcept {
    return a.id == b.id;
  }
};

// Returns storage one byte off alignment, as a broken allocator might.
template <class T>
struct MisalignedAllocator {
  using value_type = T;
  MisalignedAllocator() = default;
  template <class U>
  MisalignedAllocator(const MisalignedAllocator<U>&) noexcept {}  // NOLINT
  T* allocate(std::size_t n) {
    auto* raw = static_cast<char*>(::operator new(n * sizeof(T) + 1));
    return reinterpret_cast<T*>(raw + 1);
  }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(reinterpret_cast<char*>(p) - 1); }
  friend bool operator==(const MisalignedAllocator&, const MisalignedAllocator&) noexcept { return true; }
};

bool numa_maps_mentions(const void* addr, const std::string& what) {
  std::ifstream maps("/proc/self/numa_maps");
  std::ostringstream key;
  key << std::hex << reinterpret_cast<std::uintptr_t>(addr);
  for (std::string line; std::getline(maps, line);)
    if (line.rfind(key.str() + " ", 0) == 0) return line.find(what) != std::string::npos;
  return false;
}
}  // namespace

TEST_CASE("a stateful allocator is kept and used by Ring and Channel", "[allocator]") {
  int live = 0;
  {
    ringmpsc::Ring<int, ringmpsc::default_wait, TaggedAllocator<int>> r(Config{.ring_bits = 4}, TaggedAllocator<int>(7, &live));
    REQUIRE(live == 1);
    REQUIRE(r.get_allocator().id == 7);
    REQUIRE(r.try_push(1));
  }
  REQUIRE(live == 0);
  {
    ringmpsc::Channel<int, ringmpsc::default_wait, TaggedAllocator<int>> ch(Config{.ring_bits = 4, .max_producers = 2},
                                                    TaggedAllocator<int>(9, &live));
    REQUIRE(live == 0);
    auto p = ch.register_producer().value();
    REQUIRE(live == 2);  // the ring object and its slots
    REQUIRE(ch.get_allocator().id == 9);
  }
  REQUIRE(live == 0);
}

TEST_CASE("an allocator returning misaligned storage is rejected", "[allocator][errors]") {
  try {
    ringmpsc::Ring<std::uint64_t, ringmpsc::default_wait, MisalignedAllocator<std::uint64_t>> r(Config{.ring_bits = 4});
    FAIL("misaligned storage was accepted");
  } catch (const ringmpsc::Error& e) {
    REQUIRE(e.errc() == ringmpsc::Errc::misaligned_allocation);
  }
  ringmpsc::Channel<std::uint64_t, ringmpsc::default_wait, MisalignedAllocator<std::uint64_t>> ch(Config{.ring_bits = 4});
  REQUIRE_THROWS_AS(ch.register_producer(), ringmpsc::Error);
  REQUIRE(ch.producer_count() == 0);  // the failed registration took nothing
}

TEST_CASE("AlignedAllocator aligns the slots to 128 bytes (and more on request)", "[allocator]") {
  ringmpsc::Ring<char, ringmpsc::default_wait, ringmpsc::AlignedAllocator<char>> r(Config{.ring_bits = 6});
  auto res = r.try_reserve(1);
  REQUIRE(reinterpret_cast<std::uintptr_t>(res.data()) % 128 == 0);
  res.cancel();
  ringmpsc::Ring<char, ringmpsc::default_wait, ringmpsc::AlignedAllocator<char, 4096>> page(Config{.ring_bits = 12});
  auto pres = page.try_reserve(1);
  REQUIRE(reinterpret_cast<std::uintptr_t>(pres.data()) % 4096 == 0);
  pres.cancel();
  ringmpsc::Channel<char, ringmpsc::default_wait, ringmpsc::AlignedAllocator<char>> ch(Config{.ring_bits = 6, .max_producers = 1});
  auto p = ch.register_producer().value();
  auto cres = p.try_reserve(1);
  REQUIRE(reinterpret_cast<std::uintptr_t>(cres.data()) % 128 == 0);
}

TEST_CASE("NumaAllocator places a ring on the requested node", "[allocator][numa]") {
  const int nodes = ringmpsc::numa_node_count();
  REQUIRE(nodes >= 1);
  const int node = nodes - 1;
  ringmpsc::Ring<std::uint64_t, ringmpsc::default_wait, ringmpsc::NumaAllocator<std::uint64_t>> r(
      Config{.ring_bits = 12}, ringmpsc::NumaAllocator<std::uint64_t>(node));
  REQUIRE(r.get_allocator().node() == node);
  auto res = r.try_reserve(1);
  const void* slots = res.data();
  REQUIRE(reinterpret_cast<std::uintptr_t>(slots) % 4096 == 0);  // whole pages
  res[0] = 42;
  REQUIRE(res.commit());
  REQUIRE(r.try_consume([](const std::uint64_t& v) { REQUIRE(v == 42); }) == 1);
  if (nodes > 1) {
    // With several nodes the mapping carries the policy.
    REQUIRE(numa_maps_mentions(slots, "prefer:" + std::to_string(node)));
  } else {
    // One node: no policy is set and the memory is ordinary.
    REQUIRE_FALSE(numa_maps_mentions(slots, "prefer:"));
  }
}

TEST_CASE("HugePageAllocator gives 2 MiB-aligned slots; the channel's rings use it", "[allocator]") {
  ringmpsc::Ring<std::uint64_t, ringmpsc::default_wait, ringmpsc::HugePageAllocator<std::uint64_t>> r(Config{.ring_bits = 18});
  auto res = r.try_reserve(4);
  REQUIRE(res.size() == 4);
  REQUIRE(reinterpret_cast<std::uintptr_t>(res.data()) % (2u << 20) == 0);
  for (std::size_t i = 0; i < 4; ++i) res[i] = i;
  REQUIRE(res.commit());
  REQUIRE(r.try_consume([](const std::uint64_t&) {}) == 4);
  ringmpsc::Channel<std::uint64_t, ringmpsc::default_wait, ringmpsc::HugePageAllocator<std::uint64_t>> ch(Config{.ring_bits = 10, .max_producers = 2});
  auto p = ch.register_producer().value();  // the ring object itself comes from whole pages too
  REQUIRE(p.try_push(7));
  REQUIRE(ch.try_consume([](const std::uint64_t& v) { REQUIRE(v == 7); }) == 1);
}
