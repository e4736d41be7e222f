// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <thread>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <immintrin.h>
#define RINGMPSC_X86 1
#endif

// RINGMPSC_DEBUG turns on the invariant checks and the role guards. It follows NDEBUG
// unless set explicitly (for example -DRINGMPSC_DEBUG=1 in an optimised test build).
#ifndef RINGMPSC_DEBUG
#ifdef NDEBUG
#define RINGMPSC_DEBUG 0
#else
#define RINGMPSC_DEBUG 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RINGMPSC_LIKELY(x) __builtin_expect(!!(x), 1)
#define RINGMPSC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RINGMPSC_LIKELY(x) (x)
#define RINGMPSC_UNLIKELY(x) (x)
#endif

// The per-item paths (push, send, pop, recv, consume and what they call) are forced inline.
// A consumer handler then runs in the caller's own frame, its state in registers; called
// through an out-of-line drain loop the compiler must reload and store that state for
// every item, which measured 2-3x slower for a handler that counts and checks what it sees
// (docs/benchmarks.md, "Inlining of the per-item paths").
#if defined(__GNUC__) || defined(__clang__)
#define RINGMPSC_ALWAYS_INLINE [[gnu::always_inline]] inline
#elif defined(_MSC_VER)
#define RINGMPSC_ALWAYS_INLINE __forceinline
#else
#define RINGMPSC_ALWAYS_INLINE inline
#endif
// The same for a lambda, written after its parameter list.
#if defined(__GNUC__) || defined(__clang__)
#define RINGMPSC_LAMBDA_INLINE __attribute__((always_inline))
#else
#define RINGMPSC_LAMBDA_INLINE
#endif

// ThreadSanitizer cannot see through membarrier(); such builds use plain fences.
#if defined(__SANITIZE_THREAD__)
#define RINGMPSC_TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RINGMPSC_TSAN_BUILD 1
#endif
#endif

namespace ringmpsc::detail {

// One fixed figure rather than std::hardware_destructive_interference_size: GCC warns
// when that constant appears in a header, clang 14 with libstdc++ does not define it, and
// the adjacent-line prefetcher of x86 pulls cache lines in pairs, so 128 bytes is what
// keeps two hot variables from sharing a prefetch unit.
inline constexpr std::size_t cache_line = 128;

// A pause hint for spin loops: tells the core this is a spin-wait so it can yield
// resources to its SMT sibling and avoid a memory-order mis-speculation on exit.
inline void cpu_relax() noexcept {
#if defined(RINGMPSC_CHECKER)
  std::this_thread::yield();  // detail/checker.hpp: a spin-wait step lets the others run
#elif defined(RINGMPSC_X86)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  std::this_thread::yield();
#endif
}

}  // namespace ringmpsc::detail
