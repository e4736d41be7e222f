// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <new>
#include <string>

#include "detail/platform.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ringmpsc {

/// Allocates with a fixed minimum alignment (default: one 128-byte cache-line block, so a
/// ring's first slot never shares a line with unrelated data).
template <class T, std::size_t Alignment = detail::cache_line>
class AlignedAllocator {
  static_assert(std::has_single_bit(Alignment), "AlignedAllocator: Alignment must be a power of two");

 public:
  using value_type = T;
  static constexpr std::size_t alignment = std::max(Alignment, alignof(T));
  template <class U>
  struct rebind {
    using other = AlignedAllocator<U, Alignment>;
  };

  AlignedAllocator() noexcept = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U, Alignment>&) noexcept {}  // NOLINT

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignment}));
  }
  void deallocate(T* p, std::size_t) noexcept {
    ::operator delete(static_cast<void*>(p), std::align_val_t{alignment});
  }
  template <class U>
  friend bool operator==(const AlignedAllocator&, const AlignedAllocator<U, Alignment>&) noexcept {
    return true;
  }
};

/// Whole 2 MiB huge pages for large rings: on Linux an anonymous mapping aligned to 2 MiB
/// and marked MADV_HUGEPAGE, so transparent huge pages back it (one TLB entry per 2 MiB
/// instead of 512); elsewhere, or if the kernel declines, ordinary memory with the same
/// alignment. Stateless.
template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;
  template <class U>
  struct rebind {
    using other = HugePageAllocator<U>;
  };
  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T) - huge_page) throw std::bad_array_new_length();
    const std::size_t bytes = round_(n * sizeof(T));
#if defined(__linux__)
    // Over-map by one huge page, then trim both ends to a 2 MiB-aligned window.
    void* raw = ::mmap(nullptr, bytes + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto base = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (base + huge_page - 1) & ~(huge_page - 1);
    if (aligned > base) ::munmap(raw, aligned - base);
    if (const std::size_t tail = base + bytes + huge_page - (aligned + bytes))
      ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    (void)::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint
    return reinterpret_cast<T*>(aligned);
#else
    return static_cast<T*>(::operator new(bytes, std::align_val_t{huge_page}));
#endif
  }
  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
    ::munmap(static_cast<void*>(p), round_(n * sizeof(T)));
#else
    ::operator delete(static_cast<void*>(p), std::align_val_t{huge_page});
#endif
  }
  template <class U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
    return true;
  }

 private:
  static std::size_t round_(std::size_t bytes) noexcept {
    return (std::max<std::size_t>(bytes, 1) + huge_page - 1) / huge_page * huge_page;
  }
};

/// Number of NUMA nodes the kernel reports (1 where NUMA is absent or unknown).
[[nodiscard]] inline int numa_node_count() {
#if defined(__linux__)
  std::ifstream f("/sys/devices/system/node/possible");
  std::string s;
  if (f >> s) {
    // Format "0" or "0-3" (possibly a list); the highest number + 1.
    const auto pos = s.find_last_of("-,");
    const std::string last = pos == std::string::npos ? s : s.substr(pos + 1);
    try {
      return std::stoi(last) + 1;
    } catch (...) {
      return 1;
    }
  }
#endif
  return 1;
}

/// Places memory on one NUMA node: whole pages from mmap, bound with mbind(MPOL_PREFERRED)
/// to `node`, so a ring can live next to the core that consumes it. Stateful (the node is
/// part of the allocator; allocators of different nodes compare unequal). Where NUMA is
/// absent (one node, no mbind, not Linux) it allocates ordinary page-aligned memory, so a
/// program written for a NUMA server runs unchanged on a laptop. Placement is verifiable
/// in /proc/self/numa_maps ("prefer:<node>").
template <class T>
class NumaAllocator {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = NumaAllocator<U>;
  };

  explicit NumaAllocator(int node = 0) noexcept : node_(node) {}
  template <class U>
  NumaAllocator(const NumaAllocator<U>& o) noexcept : node_(o.node()) {}  // NOLINT

  [[nodiscard]] int node() const noexcept { return node_; }

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    static_assert(alignof(T) <= 4096, "NumaAllocator: T is over-aligned beyond a page");
#if defined(__linux__)
    const std::size_t bytes = page_round_(n * sizeof(T));
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (node_ >= 0 && node_ < 64 * 16 && numa_node_count() > 1) {
      unsigned long mask[16] = {};
      mask[node_ / 64] = 1UL << (node_ % 64);
      constexpr int mpol_preferred = 1;
      // Best effort: if the kernel refuses (no NUMA support), the pages stay unbound.
      (void)::syscall(SYS_mbind, p, bytes, mpol_preferred, mask, 64UL * 16, 0U);
    }
    return static_cast<T*>(p);
#else
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{4096}));
#endif
  }

  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
    ::munmap(static_cast<void*>(p), page_round_(n * sizeof(T)));
#else
    ::operator delete(static_cast<void*>(p), std::align_val_t{4096});
#endif
  }

  template <class U>
  friend bool operator==(const NumaAllocator& a, const NumaAllocator<U>& b) noexcept {
    return a.node() == b.node();
  }

 private:
  static std::size_t page_round_(std::size_t bytes) noexcept {
#if defined(__linux__)
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
#else
    const std::size_t page = 4096;
#endif
    return (std::max<std::size_t>(bytes, 1) + page - 1) / page * page;
  }

  int node_;
};

}  // namespace ringmpsc
