// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace ringmpsc {

template <class T>
class Reservation;

/// The outcome of a blocking or timed operation.
enum class Status : std::uint8_t {
  ok,            ///< done
  timed_out,     ///< the deadline passed first
  closed,        ///< closed (for a consumer: closed, and every item delivered)
  disconnected,  ///< channel consumer only: every producer has gone (after at least one
                 ///< came) and every item is delivered
};

[[nodiscard]] constexpr const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::ok: return "ok";
    case Status::timed_out: return "timed_out";
    case Status::closed: return "closed";
    case Status::disconnected: return "disconnected";
  }
  return "unknown";
}

/// How far a blocking or timed bulk operation (send, recv, consume) got: `count` items
/// moved whatever the status.
struct [[nodiscard]] BatchResult {
  Status status;
  std::size_t count;
};

/// What a blocking or timed reserve returned: a reservation when status == Status::ok.
template <class T>
struct [[nodiscard]] ReserveResult {
  Status status;
  Reservation<T> reservation;
};

/// Either a value or the Errc that explains its absence. value() throws Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)  // NOLINT: implicit by design
      : has_(true) {
    ::new (static_cast<void*>(&storage_)) T(std::move(value));
  }
  Result(Errc error) noexcept : error_(error) {}  // NOLINT: implicit by design
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : has_(o.has_), error_(o.error_) {
    if (has_) ::new (static_cast<void*>(&storage_)) T(std::move(*o));
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) {
      reset_();
      if (o.has_) ::new (static_cast<void*>(&storage_)) T(std::move(*o));
      has_ = o.has_;
      error_ = o.error_;
    }
    return *this;
  }
  ~Result() { reset_(); }

  [[nodiscard]] bool has_value() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }
  /// The error; meaningful only when !has_value().
  [[nodiscard]] Errc error() const noexcept { return error_; }

  [[nodiscard]] T& value() & {
    if (!has_) throw Error(error_);
    return **this;
  }
  [[nodiscard]] T&& value() && {
    if (!has_) throw Error(error_);
    return std::move(**this);
  }
  T& operator*() noexcept { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  const T& operator*() const noexcept {
    return *std::launder(reinterpret_cast<const T*>(&storage_));
  }
  T* operator->() noexcept { return &**this; }
  const T* operator->() const noexcept { return &**this; }

 private:
  void reset_() noexcept {
    if (has_) (**this).~T();
    has_ = false;
  }

  alignas(T) unsigned char storage_[sizeof(T)];
  bool has_ = false;
  Errc error_{};
};

}  // namespace ringmpsc
