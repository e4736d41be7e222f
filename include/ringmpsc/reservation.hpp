// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace ringmpsc {

template <class T>
class BasicRing;

/// Contiguous free slots claimed by reserve(n): write them in place, then commit().
///
/// A pointer, a length and the ring; no allocation. Move-only. Only the producer thread
/// that reserved may use it, and at most one reservation per ring is open at a time.
///
/// Trivially copyable T: the slots are plain memory; write through span()/operator[] and
/// commit() publishes all size() slots. Other T: construct with emplace_back()/push_back();
/// commit() publishes the written() elements. commit(k) publishes the first k, destroys any
/// constructed beyond k, and throws Error(commit_too_large) without publishing when k is
/// more than the reservation can publish. Destroyed uncommitted, it publishes nothing and
/// destroys what it constructed.
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
        ring_(std::exchange(o.ring_, nullptr)) {}
  Reservation& operator=(Reservation&& o) noexcept {
    if (this != &o) {
      cancel();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      written_ = std::exchange(o.written_, 0);
      ring_ = std::exchange(o.ring_, nullptr);
    }
    return *this;
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation() { cancel(); }

  /// False when nothing was reserved (ring full or closed, or already committed).
  explicit operator bool() const noexcept { return ring_ != nullptr; }
  [[nodiscard]] bool empty() const noexcept { return ring_ == nullptr; }
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
  T& operator[](size_type i) noexcept
    requires writable_in_place
  {
    RINGMPSC_ASSERT(i < size_, "Reservation::operator[]: index out of the reservation");
    return data_[i];
  }

  /// Constructs the next slot in place. Precondition: written() < size().
  template <class... Args>
  T& emplace_back(Args&&... args) noexcept(std::is_nothrow_constructible_v<T, Args&&...>) {
    RINGMPSC_ASSERT(written_ < size_, "Reservation::emplace_back: reservation is full");
    T* p = ::new (static_cast<void*>(data_ + written_)) T(std::forward<Args>(args)...);
    ++written_;
    return *p;
  }
  T& push_back(const T& v) { return emplace_back(v); }
  T& push_back(T&& v) { return emplace_back(std::move(v)); }

  /// What commit() publishes: size() for trivially copyable T, else written().
  [[nodiscard]] size_type committable() const noexcept {
    return writable_in_place ? size_ : written_;
  }

  /// Publishes committable() slots.
  void commit() noexcept { commit_unchecked(committable()); }

  /// Publishes the first k slots; k > committable() throws and publishes nothing.
  void commit(size_type k) {
    if (ring_ == nullptr && k == 0) return;
    if (k > committable()) throw Error(Errc::commit_too_large);
    commit_unchecked(k);
  }

  /// Publishes nothing, destroys what was constructed, gives the slots back.
  void cancel() noexcept { finish_(0); }

 private:
  friend class BasicRing<T>;
  Reservation(T* data, size_type n, BasicRing<T>* ring) noexcept
      : data_(data), size_(n), ring_(ring) {}

  void commit_unchecked(size_type k) noexcept { finish_(k); }

  // Publishes the first k slots (destroying any constructed beyond them) and leaves the
  // reservation empty: a spent reservation holds no slots.
  void finish_(size_type k) noexcept {
    if (ring_ == nullptr) return;
    destroy_from(k);
    BasicRing<T>* ring = std::exchange(ring_, nullptr);
    data_ = nullptr;
    size_ = 0;
    written_ = 0;
    ring->close_reservation_(k);
  }
  void destroy_from(size_type k) noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (size_type i = k; i < written_; ++i) std::destroy_at(data_ + i);
    }
    written_ = k < written_ ? k : written_;
  }

  T* data_ = nullptr;
  size_type size_ = 0;
  size_type written_ = 0;
  BasicRing<T>* ring_ = nullptr;
};

}  // namespace ringmpsc
