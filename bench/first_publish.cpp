// first_publish: what the first publication of a process costs. A parking channel's
// wake-up protocol needs the process registered with membarrier(), a system call that
// takes milliseconds and stalls every thread; ringmpsc does it when the first ring is
// built, so the first push costs what the second does. Each sample is a fresh process
// (the registration happens once per process): it times the construction of a channel,
// then its first and second single-item push and pop.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

#include "cli.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Sample {
  double construct_ns, first_ns, second_ns;
};

double ns_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
}

// One process's measurement, written to `fd` as three numbers. `threads` idle threads
// exist first, as in a real program (the registration costs milliseconds only then: the
// kernel waits for an RCU grace period when the process has other threads).
int child(int fd, int threads) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> idle;
  for (int i = 0; i < threads; ++i)
    idle.emplace_back([&stop] {
      while (!stop.load()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    });
  struct Join {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Join() {
      stop = true;
      for (auto& t : threads) t.join();
    }
  } join{stop, idle};
  auto t0 = Clock::now();
  ringmpsc::Channel<std::uint64_t> ch(ringmpsc::Config{.ring_bits = 10, .max_producers = 2});
  auto p = ch.register_producer().value();
  const double construct = ns_since(t0);
  std::uint64_t v = 0;
  t0 = Clock::now();
  const bool first = p.try_push(1) && ch.try_pop(v);
  const double first_ns = ns_since(t0);
  t0 = Clock::now();
  const bool second = p.try_push(2) && ch.try_pop(v);
  const double second_ns = ns_since(t0);
  if (!first || !second || v != 2) return 1;
  char line[128];
  const int n = std::snprintf(line, sizeof line, "%.0f %.0f %.0f\n", construct, first_ns, second_ns);
  return ::write(fd, line, static_cast<std::size_t>(n)) == n ? 0 : 1;
}

std::optional<Sample> sample(const char* self, int threads) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    // A fresh process image: nothing of this one's registration carries over.
    const std::string fd = std::to_string(pipefd[1]), n = std::to_string(threads);
    ::execl(self, self, "--child-fd", fd.c_str(), "--threads", n.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(pipefd[1]);
  char buf[128] = {};
  const ssize_t got = ::read(pipefd[0], buf, sizeof buf - 1);
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Sample s{};
  if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      std::sscanf(buf, "%lf %lf %lf", &s.construct_ns, &s.first_ns, &s.second_ns) != 3)
    return std::nullopt;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<int> runs_opt, child_fd, threads_opt;
  bench::Cli("first_publish",
             "The cost of a process's first publication on a parking channel (Phased), against\n"
             "its second, one fresh process per sample; and the construction that pays the\n"
             "one-time membarrier registration instead.")
      .integer("--runs", "fresh processes to sample (default 31)", runs_opt, 1, 100000)
      .integer("--threads", "idle threads in each process before the channel (default 4)",
               threads_opt, 0, 256)
      .integer("--child-fd", "internal: measure once and write the result to this descriptor",
               child_fd, 0, 1 << 20)
      .parse(argc, argv);
  const int threads = threads_opt.value_or(4);
  if (child_fd) return child(*child_fd, threads);

  const int runs = runs_opt.value_or(31);
  std::vector<double> construct, first, second, ratio;
  for (int i = 0; i < runs; ++i) {
    const auto s = sample(argv[0], threads);
    if (!s) {
      std::fprintf(stderr, "first_publish: sample %d failed\n", i);
      return 1;
    }
    construct.push_back(s->construct_ns);
    first.push_back(s->first_ns);
    second.push_back(s->second_ns);
    ratio.push_back(s->first_ns / s->second_ns);
  }
  std::printf("| %d fresh processes, %d idle threads each | median | min | max |\n"
              "|---|---:|---:|---:|\n", runs, threads);
  auto row = [](const char* name, std::vector<double> v, const char* unit) {
    std::printf("| %s | %.1f %s | %.1f %s | %.1f %s |\n", name, bench::median(v), unit,
                bench::min_of(v), unit, bench::max_of(v), unit);
  };
  auto us = [](std::vector<double> v) {
    for (double& x : v) x /= 1000;
    return v;
  };
  row("Channel construction + first registration", us(construct), "us");
  row("first push + pop", first, "ns");
  row("second push + pop", second, "ns");
  row("first / second", ratio, "x");
  std::printf("membarrier in use: %s\n",
              ringmpsc::detail::AsymmetricFence::uses_membarrier() ? "yes" : "no (plain fences)");
  return 0;
}
