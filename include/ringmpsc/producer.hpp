// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <utility>

#include "detail/channel_core.hpp"
#include "detail/ring_core.hpp"
#include "producer_api.hpp"
#include "wait.hpp"

namespace ringmpsc {

template <class T, class Wait>
class BasicChannel;

/// A channel's handle for one producer thread, bound to its own ring; the whole producer
/// API is ProducerApi's. Move-only RAII: destroying it stops its ring accepting, the
/// consumer drains what is left, and the ring then serves a later register_producer().
/// Must not outlive its channel. A reservation it leaves open keeps the ring (and the
/// producer's place in the live count) until that reservation ends.
///
/// Threads: one thread at a time (it may move between threads).
template <class T, class Wait>
class Producer : public ProducerApi<Producer<T, Wait>, T, Wait> {
 public:
  Producer(Producer&& o) noexcept
      : core_(std::exchange(o.core_, nullptr)), slot_(std::exchange(o.slot_, nullptr)), id_(o.id_) {}
  Producer& operator=(Producer&& o) noexcept {
    if (this != &o) {
      release_();
      core_ = std::exchange(o.core_, nullptr);
      slot_ = std::exchange(o.slot_, nullptr);
      id_ = o.id_;
    }
    return *this;
  }
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  ~Producer() { release_(); }

  /// The index of this producer's place in the channel, in [0, max_producers). A later
  /// producer may get the same id after this one is dropped.
  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }

 private:
  friend class ProducerApi<Producer, T, Wait>;
  friend class BasicChannel<T, Wait>;
  friend struct detail::ReadinessAccess;

  Producer(detail::RingCore<T>* core, detail::ChannelSlot<T>* slot, std::uint32_t id) noexcept
      : core_(core), slot_(slot), id_(id) {}

  detail::RingCore<T>& producer_core_() noexcept { return *core_; }
  const detail::RingCore<T>& producer_core_() const noexcept { return *core_; }

  // Hands the ring back now, or when the reservation left open ends.
  void release_() noexcept {
    if (core_ == nullptr) return;
    if (core_->reservation_open()) {
      core_->on_reservation_end(&detail::ChannelSlot<T>::retire_thunk, slot_);
    } else {
      slot_->retire();
    }
    core_ = nullptr;
  }

  detail::RingCore<T>* core_;
  detail::ChannelSlot<T>* slot_;
  std::uint32_t id_;
};

}  // namespace ringmpsc
