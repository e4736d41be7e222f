// Test-only helpers: element types that observe their own lifetime, and TestAccess.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <ringmpsc/ringmpsc.hpp>

#include "test_access.hpp"


namespace test {

using ringmpsc::detail::TestAccess;

/// Counts constructions and destructions; checks each object is destroyed exactly once.
struct Tracked {
  static inline std::atomic<long> constructed{0};
  static inline std::atomic<long> destroyed{0};
  static inline std::atomic<long> double_destroy{0};
  static long alive() { return constructed.load() - destroyed.load(); }
  static void reset() { constructed = 0; destroyed = 0; double_destroy = 0; }

  std::uint64_t value = 0;
  std::uint32_t magic = kAlive;

  explicit Tracked(std::uint64_t v = 0) noexcept : value(v) { ++constructed; }
  Tracked(const Tracked& o) noexcept : value(o.value) { ++constructed; }
  Tracked(Tracked&& o) noexcept : value(o.value) { ++constructed; }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() {
    if (magic != kAlive) ++double_destroy;
    magic = kDead;
    ++destroyed;
  }

 private:
  static constexpr std::uint32_t kAlive = 0xA11FE;
  static constexpr std::uint32_t kDead = 0xDEAD;
};

/// Move-only payload.
using MoveOnly = std::unique_ptr<std::uint64_t>;

/// Throws from its constructor when asked to.
struct Throwing {
  static inline std::atomic<long> alive{0};
  std::uint64_t value = 0;
  explicit Throwing(std::uint64_t v, bool fail = false) : value(v) {
    if (fail) throw std::runtime_error("Throwing: constructor failed");
    ++alive;
  }
  Throwing(const Throwing& o) : value(o.value) {
    if (o.value == kThrowOnCopy) throw std::runtime_error("Throwing: copy failed");
    ++alive;
  }
  Throwing& operator=(const Throwing&) = default;
  ~Throwing() { --alive; }
  static constexpr std::uint64_t kThrowOnCopy = 666;
};

/// Records contract violations instead of aborting, for the duration of a scope.
class ViolationRecorder {
 public:
  ViolationRecorder() { previous_ = ringmpsc::set_violation_handler(&record); count() = 0; }
  ~ViolationRecorder() { ringmpsc::set_violation_handler(previous_); }
  ViolationRecorder(const ViolationRecorder&) = delete;
  ViolationRecorder& operator=(const ViolationRecorder&) = delete;
  static std::atomic<int>& count() { static std::atomic<int> c{0}; return c; }
  static std::string& last() { static std::string s; return s; }

 private:
  static void record(const char* msg) noexcept {
    ++count();
    last() = msg;
  }
  ringmpsc::ViolationHandler previous_;
};

}  // namespace test
