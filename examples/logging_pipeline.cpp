// A small asynchronous logger: threads format records into the channel (no lock, no
// allocation on the hot path for short messages), one writer thread batches them to a file.
#include <ringmpsc/ringmpsc.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

struct Record {
  std::uint64_t timestamp_ns;
  std::uint32_t thread;
  std::uint32_t length;
  std::array<char, 112> text;  // fixed size: trivially copyable, written in place
};

class AsyncLogger {
 public:
  // The logger holds a producer of its own for its whole life, so the channel is never
  // "disconnected" between one logging thread leaving and the next one arriving.
  explicit AsyncLogger(const std::string& path)
      : channel_(ringmpsc::Config{.ring_bits = 10, .max_producers = 16}),
        self_(channel_.register_producer().value()),
        out_(path),
        writer_([this] { run(); }) {}
  ~AsyncLogger() {
    channel_.close();
    writer_.join();
  }
  using Producer = ringmpsc::Channel<Record>::producer_type;
  Producer handle() { return channel_.register_producer().value(); }

  static void log(Producer& p, std::uint32_t thread, const char* msg) {
    auto slot = p.try_reserve_for(1, std::chrono::seconds(1));  // backpressure, never drops
    if (slot.status != ringmpsc::Status::ok) return;
    Record& r = slot.reservation[0];
    r.timestamp_ns = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    r.thread = thread;
    r.length = static_cast<std::uint32_t>(std::min(std::strlen(msg), r.text.size()));
    std::memcpy(r.text.data(), msg, r.length);
    static_cast<void>(slot.reservation.commit());  // false only once the logger is closing
  }

 private:
  void run() {
    std::string batch;
    for (;;) {
      if (channel_.wait() == ringmpsc::Status::closed) break;
      channel_.try_consume([&](const Record& r) {
        batch += std::to_string(r.thread);
        batch += ' ';
        batch.append(r.text.data(), r.length);
        batch += '\n';
      });
      out_ << batch;  // one write per batch, not per record
      batch.clear();
    }
    out_.flush();
  }

  ringmpsc::Channel<Record> channel_;
  ringmpsc::Channel<Record>::producer_type self_;
  std::ofstream out_;
  std::thread writer_;
};

int main(int argc, char** argv) {
  const std::string_view arg = argc > 1 ? argv[1] : "";
  if (argc > 2 || arg.starts_with('-')) {  // options: --help only
    const bool help = argc == 2 && arg == "--help";
    if (!help) std::fprintf(stderr, "%s: takes a log file name or --help\n", argv[0]);
    std::fprintf(help ? stdout : stderr,
                 "usage: %s [--help] [LOG_FILE]\n"
                 "Four threads log 10,000 records each through the channel; one writer\n"
                 "thread batches them to LOG_FILE (default logging_pipeline.log).\n",
                 argv[0]);
    return help ? 0 : 2;
  }
  const std::string path = arg.empty() ? "logging_pipeline.log" : std::string(arg);
  {
    AsyncLogger logger(path);
    std::vector<std::thread> threads;
    for (std::uint32_t t = 0; t < 4; ++t) {
      threads.emplace_back([&logger, t] {
        auto p = logger.handle();
        char msg[64];
        for (int i = 0; i < 10'000; ++i) {
          std::snprintf(msg, sizeof msg, "record %d of thread %u", i, t);
          AsyncLogger::log(p, t, msg);
        }
      });
    }
    for (auto& t : threads) t.join();
  }  // the logger drains and closes the file
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  std::printf("logging_pipeline: %zu lines written to %s\n", lines, path.c_str());
  return lines == 40'000 ? 0 : 1;
}
