// A downstream project: uses the library the way its README says.
#include <ringmpsc/ringmpsc.hpp>

#include <cstdio>

int main() {
  static_assert(RINGMPSC_VERSION_MAJOR >= 0);
  ringmpsc::Channel<int> ch(ringmpsc::Config{.ring_bits = 4, .max_producers = 2});
  auto p = ch.register_producer().value();
  if (!p.try_push(41)) return 1;
  int got = 0;
  ch.try_consume([&](const int& v) { got = v + 1; });
  std::printf("consumer: %d (ringmpsc %s)\n", got, RINGMPSC_VERSION_STRING);
  return got == 42 ? 0 : 1;
}
