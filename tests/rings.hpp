// The ring types every TEMPLATE_TEST_CASE runs over: 16 slots, heap and inline.
#pragma once

#include "support.hpp"

namespace test {

template <class T>
struct HeapRing16 : ringmpsc::Ring<T> {
  HeapRing16() : ringmpsc::Ring<T>(ringmpsc::Config{.ring_bits = 4}) {}
};
template <class T>
using StackRing16 = ringmpsc::StackRing<T, 16>;

}  // namespace test

#define RING_TYPES_U64 test::HeapRing16<std::uint64_t>, test::StackRing16<std::uint64_t>
#define RING_TYPES_TRACKED test::HeapRing16<test::Tracked>, test::StackRing16<test::Tracked>
