// A downstream project. It checks how the library is found, not its API: it includes the
// umbrella header, names one type, and checks that the headers it compiled against are
// the version the test installed (an older copy elsewhere on the include path would not be).
#include <ringmpsc/ringmpsc.hpp>

#include <cstdio>
#include <cstring>

int main() {
  constexpr ringmpsc::Config config{.ring_bits = 4};
  std::printf("consumer: ringmpsc %s, ring_bits %u\n", RINGMPSC_VERSION_STRING,
              static_cast<unsigned>(config.ring_bits));
#ifdef RINGMPSC_EXPECTED_VERSION
  if (std::strcmp(RINGMPSC_VERSION_STRING, RINGMPSC_EXPECTED_VERSION) != 0) {
    std::printf("consumer: expected ringmpsc %s\n", RINGMPSC_EXPECTED_VERSION);
    return 1;
  }
#endif
  return 0;
}
