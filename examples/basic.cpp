// The basics: a single-producer ring, then a channel with two producers.
#include <ringmpsc/ringmpsc.hpp>

#include <cstdio>
#include <string>
#include <string_view>

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "Pushes and pops on one ring, then runs a channel with two producers.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  // SPSC ring of 8 strings (move-only and non-trivial types work too).
  ringmpsc::Ring<std::string> ring(ringmpsc::Config{.ring_bits = 3});
  if (!ring.try_push("hello") || !ring.try_emplace(5, '!')) return 1;
  ring.try_consume([](std::string& s) { std::printf("ring: %s\n", s.c_str()); });

  // MPSC channel: each producer owns its ring; the consumer polls them all.
  ringmpsc::Channel<int> channel(ringmpsc::Config{.ring_bits = 4, .max_producers = 2});
  auto a = channel.register_producer().value();
  auto b = channel.register_producer().value();
  (void)a.try_push(1);
  (void)b.try_push(2);
  const int values[] = {3, 4, 5};
  (void)a.try_send(values);  // bulk copy, returns how many fit

  auto third = channel.register_producer();  // max_producers = 2 are live
  if (third) return 1;
  std::printf("third producer: %s\n", ringmpsc::make_error_code(third.error()).message().c_str());

  int sum = 0;
  const auto n = channel.try_consume([&](const int& v) { sum += v; });
  std::printf("channel: %zu items, sum %d\n", n, sum);
  return sum == 15 ? 0 : 1;
}
