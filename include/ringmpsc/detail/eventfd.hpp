// SPDX-License-Identifier: MIT
#pragma once

// The readiness fd's system calls (Linux eventfd). Elsewhere RINGMPSC_HAS_READINESS_FD is 0
// and nothing here is declared: readiness.hpp then refuses to compile a request for an fd
// rather than fall back to polling.
#if defined(__linux__)
#define RINGMPSC_HAS_READINESS_FD 1
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#else
#define RINGMPSC_HAS_READINESS_FD 0
#endif

#if RINGMPSC_HAS_READINESS_FD
namespace ringmpsc::detail {

/// A new non-blocking, close-on-exec eventfd with counter 0. Throws std::system_error with
/// the errno of eventfd(2) (EMFILE, ENFILE, ENOMEM, ...).
[[nodiscard]] inline int eventfd_open() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::system_category(), "ringmpsc: eventfd");
  return fd;
}

/// Makes the fd readable (adds 1 to its counter). The counter cannot reach its limit
/// (2^64 - 2): every arming writes at most once and every disarm reads it back to 0.
inline void eventfd_signal(int fd) noexcept {
  const std::uint64_t one = 1;
  while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

/// Resets the counter to 0 (not readable any more); nothing to do when it is 0 already.
inline void eventfd_drain(int fd) noexcept {
  std::uint64_t value = 0;
  while (::read(fd, &value, sizeof value) < 0 && errno == EINTR) {
  }
}

inline void eventfd_close(int fd) noexcept { ::close(fd); }

}  // namespace ringmpsc::detail
#endif
