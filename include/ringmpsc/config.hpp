// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "error.hpp"

namespace ringmpsc {

/// Whether a ring or channel counts its traffic (Metrics). Off costs one predictable
/// branch per publication and per consume.
enum class MetricsMode : bool { off = false, on = true };

/// Sizing of a ring and a channel. An aggregate, so designated initialisers work:
/// `Config{.ring_bits = 12, .max_producers = 4}`.
///
/// Ranges (checked by validate() and by every constructor that takes a Config):
///   ring_bits      in [min_ring_bits, max_ring_bits]          capacity = 2^ring_bits slots
///   max_producers  in [1, max_producers_limit]
struct Config {
  static constexpr std::uint32_t min_ring_bits = 1;
  /// 2^32 slots: beyond this a ring is more than any machine's memory for all but 1-byte T.
  static constexpr std::uint32_t max_ring_bits = 32;
  /// The consumer polls every ring in turn; past about a thousand rings a poll costs more
  /// than a shared queue would, so larger fan-in should use several channels.
  static constexpr std::uint32_t max_producers_limit = 1024;

  std::uint32_t ring_bits = 16;      ///< log2 of each ring's slot count (default 64K)
  std::uint32_t max_producers = 16;  ///< live producers a channel accepts at once
  MetricsMode metrics = MetricsMode::off;  ///< count messages, batches, waits and wake-ups

  /// 2^ring_bits slots; 0 when ring_bits is out of range (the config is then invalid).
  [[nodiscard]] constexpr std::size_t capacity() const noexcept {
    return ring_bits >= min_ring_bits && ring_bits <= max_ring_bits ? std::size_t{1} << ring_bits
                                                                    : 0;
  }

  /// nullptr when valid, else a message naming the field and its allowed range.
  [[nodiscard]] constexpr const char* problem() const noexcept {
    if (ring_bits < min_ring_bits || ring_bits > max_ring_bits)
      return "Config::ring_bits must be in [1, 32] (capacity 2 .. 2^32 slots)";
    if (max_producers < 1 || max_producers > max_producers_limit)
      return "Config::max_producers must be in [1, 1024]";
    return nullptr;
  }

  [[nodiscard]] constexpr bool valid() const noexcept { return problem() == nullptr; }

  /// Returns *this, or throws Error(Errc::invalid_config) naming the bad field. In a
  /// constant expression an invalid Config therefore fails to compile:
  ///   constexpr auto cfg = Config{.ring_bits = 40}.validate();   // error
  constexpr Config validate() const {
    if (const char* why = problem()) throw_invalid(why, *this);
    return *this;
  }

 private:
  [[noreturn]] static void throw_invalid(const char* why, const Config& c) {
    throw Error(Errc::invalid_config, std::string(why) + " (got ring_bits=" +
                                          std::to_string(c.ring_bits) + ", max_producers=" +
                                          std::to_string(c.max_producers) + ")");
  }
};

/// 4K slots per ring: the working set of a ring of 8-byte items fits in L1/L2.
inline constexpr Config low_latency_config{.ring_bits = 12, .max_producers = 16};
/// 256K slots per ring and 32 producers: absorbs long bursts.
inline constexpr Config high_throughput_config{.ring_bits = 18, .max_producers = 32};

static_assert(Config{}.valid() && low_latency_config.valid() && high_throughput_config.valid());

}  // namespace ringmpsc
