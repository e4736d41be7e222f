// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>

#include "basic_ring.hpp"
#include "config.hpp"
#include "error.hpp"

namespace ringmpsc {

/// A bounded single-producer single-consumer ring whose 2^ring_bits slots come from
/// `Allocator` (through std::allocator_traits; stateful allocators are kept, and stored
/// without cost when empty). The API is BasicRing's. Neither copyable nor movable:
/// producer and consumer hold on to its address.
template <class T, WaitPolicy Wait = default_wait, class Allocator = std::allocator<T>>
class Ring : public BasicRing<T, Wait> {
  using traits = std::allocator_traits<Allocator>;
  static_assert(std::is_same_v<typename traits::value_type, T>,
                "ringmpsc::Ring: Allocator::value_type must be T");

 public:
  using allocator_type = Allocator;

  /// Throws Error(invalid_config) if cfg is invalid, Error(misaligned_allocation) if the
  /// allocator returns storage not aligned for T, or what the allocator throws.
  explicit Ring(const Config& cfg = Config{}, const Allocator& alloc = Allocator{})
      : Ring(allocate_(cfg, alloc), cfg, alloc) {}

  ~Ring() {
    this->destroy_remaining_();
    Allocator a = alloc_;
    traits::deallocate(a, slots_, this->capacity());
  }

  [[nodiscard]] allocator_type get_allocator() const noexcept { return alloc_; }

 private:
  Ring(T* slots, const Config& cfg, const Allocator& alloc)
      : BasicRing<T, Wait>(slots, cfg.capacity(), cfg.metrics), alloc_(alloc), slots_(slots) {}

  static T* allocate_(const Config& cfg, const Allocator& alloc) {
    cfg.validate();
    Allocator a = alloc;
    T* p = traits::allocate(a, cfg.capacity());
    if (reinterpret_cast<std::uintptr_t>(p) % alignof(T) != 0) {
      traits::deallocate(a, p, cfg.capacity());
      throw Error(Errc::misaligned_allocation);
    }
    return p;
  }

  [[no_unique_address]] Allocator alloc_;
  T* slots_;
};

}  // namespace ringmpsc
