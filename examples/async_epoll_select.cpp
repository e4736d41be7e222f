// "select" over channels: one epoll loop waits on three channels' readiness fds and a
// timerfd at once, with no thread per channel. Each channel is fed by two producer
// threads; the loop checks that every item of every producer arrives, in order.
//
// The protocol for each channel (docs/async.md): check(); if nothing to do, arm() (which
// checks again after announcing itself); wait; disarm() (which drains the fd); consume.
#include <ringmpsc/channel.hpp>
#include <ringmpsc/readiness.hpp>

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <memory>
#include <thread>
#include <vector>

namespace {

using Channel = ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking>;
constexpr int kChannels = 3;
constexpr std::uint32_t kProducersPerChannel = 2;
constexpr std::uint64_t kItemsPerProducer = 100'000;
constexpr std::uint64_t kTimerTag = kChannels;  // epoll data for the timerfd

struct Tally {
  std::array<std::uint64_t, kProducersPerChannel> next{};  // next sequence per producer
  std::uint64_t received = 0, out_of_order = 0;
  void operator()(std::uint64_t v) {
    const std::uint64_t id = v >> 32, seq = v & 0xffff'ffffu;
    if (id >= kProducersPerChannel || seq != next[id]++) ++out_of_order;
    ++received;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {  // the only option is --help
    const bool help = argc == 2 && std::string_view(argv[1]) == "--help";
    if (!help) std::fprintf(stderr, "%s: takes no arguments but --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help]\n"
                 "Three channels (two producer threads each) and a 1 ms timerfd in one epoll loop;\n"
                 "checks that every item arrives, in order per producer.\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  std::vector<std::unique_ptr<Channel>> channels;
  std::vector<ringmpsc::Readiness> ready;
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (int c = 0; c < kChannels; ++c) {
    channels.push_back(std::make_unique<Channel>(ringmpsc::Config{.ring_bits = 8, .max_producers = 4}));
    ready.push_back(ringmpsc::consumer_readiness(*channels.back()));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<std::uint64_t>(c);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, ready.back().fd(), &ev);
  }
  // A 1 ms periodic timer in the same epoll set: the loop serves it while channels are idle.
  const int tfd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  const itimerspec period{{0, 1'000'000}, {0, 1'000'000}};
  ::timerfd_settime(tfd, 0, &period, nullptr);
  epoll_event tev{};
  tev.events = EPOLLIN;
  tev.data.u64 = kTimerTag;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

  std::vector<std::thread> producers;
  for (int c = 0; c < kChannels; ++c) {
    for (std::uint32_t id = 0; id < kProducersPerChannel; ++id) {
      producers.emplace_back([id, p = channels[c]->register_producer().value()]() mutable {
        for (std::uint64_t i = 0; i < kItemsPerProducer; ++i) {
          if (p.push((std::uint64_t{id} << 32) | i) != ringmpsc::Status::ok) return;
          if (i % 4096 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
      });  // dropping the producer at the end: the channel becomes disconnected
    }
  }

  std::array<Tally, kChannels> tallies{};
  std::array<bool, kChannels> done{};
  int open = kChannels;
  std::uint64_t ticks = 0, wakeups = 0;
  while (open > 0) {
    // Consume what is there; arm every channel that has nothing.
    for (int c = 0; c < kChannels; ++c) {
      while (!done[c] && !ready[c].is_armed()) {
        const auto status = ready[c].check();
        if (!status) {
          if (ready[c].arm()) break;  // armed: its fd tells when to look again
          continue;                   // became ready while arming: look now
        }
        if (*status != ringmpsc::Status::ok) {  // disconnected (or closed), all delivered
          done[c] = true;
          --open;
          ::epoll_ctl(ep, EPOLL_CTL_DEL, ready[c].fd(), nullptr);
          break;
        }
        channels[c]->try_consume([&](std::uint64_t& v) { tallies[c](v); });
      }
    }
    if (open == 0) break;
    std::array<epoll_event, kChannels + 1> events{};
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kTimerTag) {
        std::uint64_t expirations = 0;
        if (::read(tfd, &expirations, sizeof expirations) == sizeof expirations) ticks += expirations;
      } else if (ready[tag].is_armed()) {
        ready[tag].disarm();  // drains the fd; the next round consumes
        ++wakeups;
      }
    }
  }
  for (auto& t : producers) t.join();
  ::close(tfd);
  ::close(ep);

  bool ok = ticks > 0;
  for (int c = 0; c < kChannels; ++c) {
    const auto& t = tallies[c];
    std::printf("async_epoll_select: channel %d received %llu, out of order %llu\n", c,
                static_cast<unsigned long long>(t.received),
                static_cast<unsigned long long>(t.out_of_order));
    ok = ok && t.received == kProducersPerChannel * kItemsPerProducer && t.out_of_order == 0;
    for (std::uint64_t next : t.next) ok = ok && next == kItemsPerProducer;
  }
  std::printf("async_epoll_select: %llu timer ticks, %llu channel wake-ups: %s\n",
              static_cast<unsigned long long>(ticks), static_cast<unsigned long long>(wakeups),
              ok ? "every item delivered" : "FAILED");
  return ok ? 0 : 1;
}
