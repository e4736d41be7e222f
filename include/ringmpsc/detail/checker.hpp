// SPDX-License-Identifier: MIT
#pragma once

// The seam through which a memory-model checker builds the real headers (tests/relacy/,
// docs/relacy.md). Off, that is in every build but the checker's (RINGMPSC_CHECKER
// undefined), each hook below is a constant or a discarded `if constexpr` branch: the
// library compiles to the same code as without it.
//
// On (RINGMPSC_CHECKER defined by the checker's test build, which also supplies the
// definitions declared below):
//  - slots_claimed / slots_published / slots_consumed tell the checker which side of a ring
//    owns which slots: the producer from a reservation's claim (it writes them in place
//    before its commit) and just before R1, the consumer just before R2. The checker models
//    each slot as a plain variable both sides write, so an ownership change that is not a
//    happens-before edge is reported as a data race, whatever T is (memcpy of trivially
//    copyable items and in-place writes through a Reservation included).
//  - futex_wait / futex_wake_all are the kernel's futex as the checker models it. (The
//    checker's build also defines RINGMPSC_NO_MEMBARRIER, so that both asymmetric fences
//    are the seq_cst fences they stand for: asymmetric_fence.hpp.)
//  - cpu_relax() (platform.hpp) yields, so that a spin-wait lets the checker run the
//    thread it waits for instead of exploring every step of the spin.
//  - contract_violation reports a broken precondition or internal invariant (a
//    RINGMPSC_ASSERT) as the checker's own failure, with the interleaving that led to it.
//  - Two protocol mutants, each a test that the checker can fail:
//    RINGMPSC_CHECKER_MUTANT_NO_F2 removes the heavy fence F2 from EventCount::park (a
//    lost wake-up), RINGMPSC_CHECKER_MUTANT_RELAXED_R1 weakens the tail publication R1 to
//    relaxed (a data race on the slots).

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "clock.hpp"

#if !defined(RINGMPSC_CHECKER) && \
    (defined(RINGMPSC_CHECKER_MUTANT_NO_F2) || defined(RINGMPSC_CHECKER_MUTANT_RELAXED_R1))
#error "ringmpsc: protocol mutants exist only in the checker's build (RINGMPSC_CHECKER)"
#endif

namespace ringmpsc::detail::checker {

#if defined(RINGMPSC_CHECKER)
inline constexpr bool enabled = true;
// Defined by the checker's test support.
template <class T>
void slots_claimed(const T* slots, std::uint64_t mask, std::uint64_t first,
                   std::size_t n) noexcept;
template <class T>
void slots_published(const T* slots, std::uint64_t mask, std::uint64_t first,
                     std::size_t n) noexcept;
template <class T>
void slots_consumed(const T* slots, std::uint64_t mask, std::uint64_t first,
                    std::size_t n) noexcept;
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                Deadline deadline) noexcept;
void futex_wake_all(std::atomic<std::uint32_t>& word) noexcept;
void contract_violation(const char* message) noexcept;
#else
inline constexpr bool enabled = false;
template <class T>
void slots_claimed(const T*, std::uint64_t, std::uint64_t, std::size_t) noexcept {}
template <class T>
void slots_published(const T*, std::uint64_t, std::uint64_t, std::size_t) noexcept {}
template <class T>
void slots_consumed(const T*, std::uint64_t, std::uint64_t, std::size_t) noexcept {}
inline void contract_violation(const char*) noexcept {}
#endif

#if defined(RINGMPSC_CHECKER_MUTANT_NO_F2)
inline constexpr bool keep_f2 = false;
#else
inline constexpr bool keep_f2 = true;
#endif

#if defined(RINGMPSC_CHECKER_MUTANT_RELAXED_R1)
inline constexpr std::memory_order r1_release = std::memory_order_relaxed;
#else
inline constexpr std::memory_order r1_release = std::memory_order_release;
#endif

}  // namespace ringmpsc::detail::checker
