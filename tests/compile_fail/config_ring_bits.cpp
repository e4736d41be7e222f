// Must not compile: an invalid constexpr Config.
#include <ringmpsc/config.hpp>
constexpr auto cfg = ringmpsc::Config{.ring_bits = 40}.validate();
int main() { return static_cast<int>(cfg.ring_bits); }
