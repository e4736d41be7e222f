// Must not compile: an invalid constexpr Config.
#include <ringmpsc/config.hpp>
constexpr auto cfg = ringmpsc::Config{.max_producers = 0}.validate();
int main() { return static_cast<int>(cfg.max_producers); }
