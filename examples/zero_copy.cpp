// Zero-copy batches: reserve a run of slots, fill them in place, commit once; the consumer
// reads the published run in place with readable() and frees it with advance().
#include <ringmpsc/ringmpsc.hpp>

#include <cstdint>
#include <cstdio>
#include <string_view>
#include <thread>

struct Sample {
  std::uint64_t sequence;
  double value;
};

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "Reserves a run of slots, fills them in place and commits once; the\n"
                 "consumer reads them in place.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  ringmpsc::Ring<Sample> ring(ringmpsc::Config{.ring_bits = 10});
  constexpr std::uint64_t total = 1'000'000;

  std::thread producer([&ring] {
    std::uint64_t next = 0;
    while (next < total) {
      // Waits while the ring is full. May be shorter than asked at the end of the ring:
      // fill what we got and loop.
      auto [status, batch] = ring.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(256, total - next)));
      if (status != ringmpsc::Status::ok) return;  // closed
      for (Sample& s : batch.span()) s = Sample{next, static_cast<double>(next) * 0.5}, ++next;
      if (!batch.commit()) return;  // one release store for the whole batch (false: closed)
    }
  });

  std::uint64_t expected = 0;
  double sum = 0;
  while (expected < total) {
    if (ring.wait() != ringmpsc::Status::ok) return 1;  // spins, yields, then parks
    auto view = ring.readable();  // contiguous published samples, read in place
    for (const Sample& s : view) {
      if (s.sequence != expected++) {
        std::printf("out of order at %llu\n", static_cast<unsigned long long>(s.sequence));
        return 1;
      }
      sum += s.value;
    }
    ring.advance(view.size());  // one head update for the whole view
  }
  producer.join();
  std::printf("zero_copy: %llu samples in order, sum %.1f\n",
              static_cast<unsigned long long>(expected), sum);
  return sum == 0.5 * (static_cast<double>(total) * (total - 1) / 2) ? 0 : 1;
}
