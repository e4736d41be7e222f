// StackRing and StackChannel: slots inside the object, no allocation. A big one belongs in
// static storage or on the heap; this one is small enough for the stack.
#include <ringmpsc/ringmpsc.hpp>

#include <cstdio>
#include <memory>
#include <string_view>
#include <thread>

// A routine that drains any ring, whatever its capacity or storage.
static int drain(ringmpsc::BasicRing<int>& ring) {
  int sum = 0;
  ring.try_consume([&](const int& v) { sum += v; });
  return sum;
}

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "A StackRing and a StackChannel: slots inside the object, no allocation.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  ringmpsc::StackRing<int, 256> small;  // 256 slots inline
  for (int i = 1; i <= 100; ++i) (void)small.try_push(i);
  const int ring_sum = drain(small);

  // 4 producers x 64K slots x 8 bytes = 2 MiB: heap-allocate the channel object itself.
  auto channel = std::make_unique<ringmpsc::StackChannel<std::uint64_t, 65536, 4>>();
  std::thread t([&] {
    auto p = channel->register_producer().value();
    for (std::uint64_t i = 0; i < 100'000; ++i) (void)p.push(i);
  });
  std::uint64_t got = 0;
  while (got < 100'000 && channel->wait_for(std::chrono::seconds(5)) == ringmpsc::Status::ok)
    got += channel->try_consume([](const std::uint64_t&) {});
  t.join();
  std::printf("stack_ring: ring sum %d, channel delivered %llu\n", ring_sum,
              static_cast<unsigned long long>(got));
  return ring_sum == 5050 && got == 100'000 ? 0 : 1;
}
