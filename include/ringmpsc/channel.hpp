// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>

#include "basic_channel.hpp"
#include "config.hpp"
#include "error.hpp"
#include "ring.hpp"

namespace ringmpsc {

/// Multi-producer single-consumer channel: each registered Producer writes its own
/// Ring<T, Wait, Allocator>, and the one consumer polls them all (the consumer API is
/// BasicChannel's). Rings are allocated on first registration and reused after a producer
/// is dropped and its ring drained, so memory is what the live producers need.
///
/// `Wait` picks how blocking calls wait (wait.hpp). Destroy every Producer before the
/// channel.
template <class T, WaitPolicy Wait = default_wait, class Allocator = std::allocator<T>>
class Channel : public BasicChannel<T, Wait> {
  using Base = BasicChannel<T, Wait>;
  using ring_type = Ring<T, Wait, Allocator>;
  using ring_allocator =
      typename std::allocator_traits<Allocator>::template rebind_alloc<ring_type>;
  using ring_traits = std::allocator_traits<ring_allocator>;

 public:
  using allocator_type = Allocator;

  /// Throws Error(invalid_config) for an invalid cfg.
  explicit Channel(const Config& cfg = Config{}, const Allocator& alloc = Allocator{})
      : Base(cfg),
        alloc_(alloc),
        slots_(std::make_unique<typename Base::Slot[]>(cfg.max_producers)),
        rings_(std::make_unique<ring_type*[]>(cfg.max_producers)) {
    this->attach_slots_(slots_.get());
  }

  ~Channel() {
    ring_allocator ra(alloc_);
    for (std::uint32_t i = 0; i < this->max_producers(); ++i) {
      if (ring_type* r = rings_[i]) {
        ring_traits::destroy(ra, r);
        ring_traits::deallocate(ra, r, 1);
      }
    }
  }

  /// A Producer bound to its own ring, or an error in the Result: Errc::too_many_producers
  /// (max_producers live), Errc::channel_closed, Errc::rings_not_drained (every free ring
  /// still holds items of a dropped producer). `.value()` turns an error into an Error
  /// exception. Allocating a first ring may throw (std::bad_alloc, what the allocator
  /// throws, Error(misaligned_allocation)); the channel is then unchanged.
  [[nodiscard]] Result<typename Base::producer_type> register_producer() {
    return this->register_with_([this](std::uint32_t i) -> ring_type& { return make_ring_(i); });
  }

  [[nodiscard]] allocator_type get_allocator() const noexcept { return alloc_; }

 private:
  ring_type& make_ring_(std::uint32_t i) {
    ring_allocator ra(alloc_);
    ring_type* r = ring_traits::allocate(ra, 1);
    if (reinterpret_cast<std::uintptr_t>(r) % alignof(ring_type) != 0) {
      ring_traits::deallocate(ra, r, 1);
      throw Error(Errc::misaligned_allocation);
    }
    try {
      ring_traits::construct(ra, r, this->config(), alloc_);
    } catch (...) {
      ring_traits::deallocate(ra, r, 1);
      throw;
    }
    rings_[i] = r;  // only the registration that won slot i gets here
    return *r;
  }

  [[no_unique_address]] Allocator alloc_;
  std::unique_ptr<typename Base::Slot[]> slots_;
  std::unique_ptr<ring_type*[]> rings_;
};

}  // namespace ringmpsc
