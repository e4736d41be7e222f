// Config: defaults, presets, and the error for each invalid field.
#include <string>

#include "catch.hpp"
#include "support.hpp"

using ringmpsc::Config;

TEST_CASE("defaults and presets", "[config]") {
  STATIC_REQUIRE(Config{}.ring_bits == 16);
  STATIC_REQUIRE(Config{}.max_producers == 16);
  STATIC_REQUIRE(Config{}.metrics == ringmpsc::MetricsMode::off);
  STATIC_REQUIRE(Config{}.capacity() == 65536);
  STATIC_REQUIRE(ringmpsc::low_latency_config.capacity() == 4096);
  STATIC_REQUIRE(ringmpsc::high_throughput_config.capacity() == 262144);
  STATIC_REQUIRE(ringmpsc::high_throughput_config.max_producers == 32);
  constexpr Config ok = Config{.ring_bits = 10, .max_producers = 3}.validate();
  STATIC_REQUIRE(ok.capacity() == 1024);
}

TEST_CASE("invalid configs are rejected with the field and range named", "[config][errors]") {
  struct Case {
    Config cfg;
    const char* field;
  };
  const Case cases[] = {
      {Config{.ring_bits = 0}, "ring_bits must be in [1, 32]"},
      {Config{.ring_bits = 33}, "ring_bits must be in [1, 32]"},
      {Config{.ring_bits = 64}, "ring_bits must be in [1, 32]"},
      {Config{.max_producers = 0}, "max_producers must be in [1, 1024]"},
      {Config{.max_producers = 1025}, "max_producers must be in [1, 1024]"},
  };
  for (const Case& c : cases) {
    REQUIRE_FALSE(c.cfg.valid());
    try {
      (void)c.cfg.validate();
      FAIL("validate() accepted an invalid config");
    } catch (const ringmpsc::Error& e) {
      REQUIRE(e.errc() == ringmpsc::Errc::invalid_config);
      REQUIRE(std::string(e.what()).find(c.field) != std::string::npos);
    }
  }
  REQUIRE_THROWS_AS(ringmpsc::Ring<int>(Config{.ring_bits = 0}), ringmpsc::Error);
  REQUIRE_THROWS_AS(ringmpsc::Channel<int>(Config{.max_producers = 0}), ringmpsc::Error);
  REQUIRE_THROWS_AS(ringmpsc::Channel<int>(Config{.max_producers = 5000}), ringmpsc::Error);
}

TEST_CASE("errors carry a std::error_code in the ringmpsc category", "[config][errors]") {
  const std::error_code ec = ringmpsc::Errc::too_many_producers;
  REQUIRE(ec.category().name() == std::string("ringmpsc"));
  REQUIRE(ec.message().find("too many producers") != std::string::npos);
  REQUIRE(std::string(ringmpsc::to_string(ringmpsc::Status::timed_out)) == "timed_out");
}
