// libFuzzer harness: the input is a sequence of (code, argument) byte pairs, applied to a
// Ring and a StackRing started near 2^64, each against the std::deque model.
#include <cstdio>
#include <cstdlib>

#include "../model/ring_model.hpp"
#include "../support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<model::Op> ops;
  for (std::size_t i = 0; i + 1 < size; i += 2) ops.emplace_back(data[i], data[i + 1]);
  ringmpsc::Ring<std::uint64_t> ring(ringmpsc::Config{.ring_bits = 3});
  if (auto err = model::run_ring_ops(ring, ops)) {
    std::fprintf(stderr, "Ring mismatch: %s\n", err->c_str());
    std::abort();
  }
  ringmpsc::StackRing<std::uint64_t, 4> inline_ring;
  test::TestAccess::set_sequence(inline_ring, ~std::uint64_t{0} - 5);
  if (auto err = model::run_ring_ops(inline_ring, ops, ~std::uint64_t{0} - 5)) {
    std::fprintf(stderr, "StackRing mismatch: %s\n", err->c_str());
    std::abort();
  }
  return 0;
}
