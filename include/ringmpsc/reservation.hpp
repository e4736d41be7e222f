// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include "detail/ring_core.hpp"
#include "error.hpp"

namespace ringmpsc {

template <class Derived, class T, class Wait>
class ProducerApi;

/// Contiguous free slots claimed by try_reserve(n) (or reserve, try_reserve_for, ...):
/// write them in place, then commit().
///
/// A pointer, a length and the ring; no allocation. Move-only. Only the producer thread
/// that reserved may use it, and at most one reservation per ring is open at a time. It
/// may outlive the Producer that made it (not the ring or channel): the ring then stays
/// out of reuse until the reservation is committed or cancelled, and what it commits is
/// delivered as the dropped producer's.
///
/// Trivially copyable T: the slots are plain memory; write through span()/operator[] and
/// commit() publishes all size() slots. Other T: construct with emplace_back()/push_back();
/// commit() publishes the written() elements. Destroyed uncommitted, it publishes nothing
/// and destroys what it constructed.
template <class T>
class [[nodiscard]] Reservation {
 public:
  using value_type = T;
  using size_type = std::size_t;
  static constexpr bool writable_in_place = std::is_trivially_copyable_v<T>;

  Reservation() noexcept = default;
  Reservation(Reservation&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        written_(std::exchange(o.written_, 0)),
        core_(std::exchange(o.core_, nullptr)) {}
  /// Cancels this reservation if it is open, then takes o's.
  Reservation& operator=(Reservation&& o) noexcept {
    if (this != &o) {
      cancel();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      written_ = std::exchange(o.written_, 0);
      core_ = std::exchange(o.core_, nullptr);
    }
    return *this;
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation() { cancel(); }

  /// False when nothing is reserved (the ring was full or closed, or this was committed or
  /// cancelled).
  explicit operator bool() const noexcept { return core_ != nullptr; }
  [[nodiscard]] bool empty() const noexcept { return core_ == nullptr; }
  /// Slots reserved. May be fewer than requested: a reservation never wraps around the end
  /// of the ring, so near the end the caller gets the contiguous part and reserves again.
  [[nodiscard]] size_type size() const noexcept { return size_; }
  /// Elements constructed with emplace_back()/push_back().
  [[nodiscard]] size_type written() const noexcept { return written_; }

  [[nodiscard]] T* data() noexcept
    requires writable_in_place
  {
    return data_;
  }
  [[nodiscard]] std::span<T> span() noexcept
    requires writable_in_place
  {
    return {data_, size_};
  }
  /// Unchecked, like std::span (checked in debug builds).
  T& operator[](size_type i) noexcept
    requires writable_in_place
  {
    RINGMPSC_ASSERT(i < size_, "Reservation::operator[]: index out of the reservation");
    return data_[i];
  }

  /// Constructs the next slot in place. False (nothing constructed, the arguments unused)
  /// when every slot is written or nothing is reserved.
  template <class... Args>
  [[nodiscard]] bool try_emplace_back(Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args&&...>) {
    if (written_ >= size_) return false;
    ::new (static_cast<void*>(data_ + written_)) T(std::forward<Args>(args)...);
    ++written_;
    return true;
  }
  /// As try_emplace_back, returning the element; throws Error(reservation_full) when every
  /// slot is written (nothing is constructed).
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (!try_emplace_back(std::forward<Args>(args)...)) throw Error(Errc::reservation_full);
    return data_[written_ - 1];
  }
  T& push_back(const T& v) { return emplace_back(v); }
  T& push_back(T&& v) { return emplace_back(std::move(v)); }

  /// What commit() publishes: size() for trivially copyable T, else written().
  [[nodiscard]] size_type committable() const noexcept {
    return writable_in_place ? size_ : written_;
  }

  /// Publishes committable() slots. True when they are in the ring (or there were none);
  /// false when nothing was reserved, or the ring was closed first: then nothing is
  /// published and what was constructed is destroyed. Either way the reservation is spent.
  [[nodiscard]] bool commit() noexcept { return finish_(committable()); }

  /// Publishes the first k slots and destroys any constructed beyond them; as commit().
  /// Throws Error(commit_too_large) when k > committable(), publishing nothing and leaving
  /// the reservation open.
  [[nodiscard]] bool commit(size_type k) {
    if (k > committable()) throw Error(Errc::commit_too_large);
    return finish_(k);
  }

  /// Publishes nothing, destroys what was constructed, gives the slots back.
  void cancel() noexcept { static_cast<void>(finish_(0)); }

 private:
  template <class, class, class>
  friend class ProducerApi;

  Reservation(detail::RingCore<T>& core, typename detail::RingCore<T>::Claim c) noexcept
      : data_(c.data), size_(c.size), core_(c.size != 0 ? &core : nullptr) {}

  // Ends the reservation publishing the first k slots (a spent reservation holds nothing).
  bool finish_(size_type k) noexcept {
    if (core_ == nullptr) return false;
    detail::RingCore<T>* core = std::exchange(core_, nullptr);
    const bool published = core->end_claim(k, [data = data_, written = written_](size_type from) noexcept {
      if constexpr (!std::is_trivially_destructible_v<T>) {
        for (size_type i = from; i < written; ++i) std::destroy_at(data + i);
      } else {
        static_cast<void>(data), static_cast<void>(written), static_cast<void>(from);
      }
    });
    data_ = nullptr;
    size_ = 0;
    written_ = 0;
    return published;
  }

  T* data_ = nullptr;
  size_type size_ = 0;
  size_type written_ = 0;
  detail::RingCore<T>* core_ = nullptr;
};

}  // namespace ringmpsc
