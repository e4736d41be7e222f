// Real concurrency: several producer threads, one consumer, exact counts, sums and
// per-producer order.
#include <atomic>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "support.hpp"

namespace {

constexpr std::uint64_t kPerProducer = 1'000'000;

// Items encode (producer index, sequence); the consumer checks each producer's sequence
// is exactly 0, 1, 2, ... and the grand sum.
template <class C>
void run_stress(C& ch, unsigned producers, bool use_reserve) {
  std::vector<std::thread> threads;
  std::atomic<int> failed_commits{0};  // Catch2 assertions stay on the main thread
  for (unsigned p = 0; p < producers; ++p) {
    threads.emplace_back([&ch, &failed_commits, p, use_reserve] {
      auto prod = ch.register_producer().value();
      std::uint64_t seq = 0;
      while (seq < kPerProducer) {
        if (use_reserve) {
          auto res = prod.try_reserve(static_cast<std::size_t>(std::min<std::uint64_t>(64, kPerProducer - seq)));
          if (!res) {
            std::this_thread::yield();
            continue;
          }
          for (std::size_t i = 0; i < res.size(); ++i) res[i] = (std::uint64_t{p} << 40) | seq++;
          failed_commits += !res.commit();
        } else if (prod.try_push((std::uint64_t{p} << 40) | seq)) {
          ++seq;
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  std::vector<std::uint64_t> next(producers, 0);
  std::uint64_t received = 0;
  std::uint64_t sum = 0;
  bool in_order = true;
  const std::uint64_t total = kPerProducer * producers;
  while (received < total) {
    const auto n = ch.try_consume([&](const std::uint64_t& v) {
      const auto who = static_cast<unsigned>(v >> 40);
      const std::uint64_t seq = v & ((std::uint64_t{1} << 40) - 1);
      in_order = in_order && who < producers && seq == next[who];
      if (who < producers) next[who] = seq + 1;
      sum += seq;
    });
    if (n == 0) std::this_thread::yield();
    received += n;
  }
  for (auto& t : threads) t.join();
  REQUIRE(failed_commits == 0);
  REQUIRE(in_order);
  REQUIRE(received == total);
  REQUIRE(sum == producers * (kPerProducer * (kPerProducer - 1) / 2));
  REQUIRE(ch.try_consume([](const std::uint64_t&) {}) == 0);
}

}  // namespace

TEST_CASE("4 producers x 1M items through Channel: order, count and sum", "[stress]") {
  ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Yielding> ch(
      ringmpsc::Config{.ring_bits = 10, .max_producers = 4});
  run_stress(ch, 4, false);
}

TEST_CASE("4 producers x 1M items through StackChannel with reserve/commit", "[stress]") {
  auto ch = std::make_unique<ringmpsc::StackChannel<std::uint64_t, 1024, 4>>();
  run_stress(*ch, 4, true);
}

TEST_CASE("SPSC ring under real concurrency with a blocking-notify channel", "[stress]") {
  ringmpsc::Channel<std::uint64_t> ch(ringmpsc::Config{.ring_bits = 8, .max_producers = 1});
  run_stress(ch, 1, false);
}
