// Model-based test: replays Quint traces of tla/ChannelMPSC.qnt against the real
// Channel<T>: registration outcomes (and the slot each producer gets), drops, sends,
// per-ring consumption, close; after every step the live count, every ring's length, the
// closed flag and the delivered sequence must equal the specification's.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../catch.hpp"
#include "../support.hpp"
#include "itf.hpp"

using json = nlohmann::json;
namespace fs = std::filesystem;
using itf::big;
using itf::map_get;

namespace {

ringmpsc::Errc errc_of(const std::string& result) {
  if (result == "channel_closed") return ringmpsc::Errc::channel_closed;
  if (result == "too_many_producers") return ringmpsc::Errc::too_many_producers;
  if (result == "rings_not_drained") return ringmpsc::Errc::rings_not_drained;
  throw std::runtime_error("unknown register result " + result);
}

std::size_t replay(const fs::path& file) {
  std::ifstream in(file);
  const json trace = json::parse(in);
  const auto& states = trace.at("states");
  using Ch = ringmpsc::Channel<std::uint64_t>;
  Ch ch(ringmpsc::Config{.ring_bits = 1, .max_producers = 2});  // SLOTS = 2, CAP = 2
  std::map<std::int64_t, std::optional<Ch::producer_type>> producers;  // spec id -> handle
  std::map<std::int64_t, std::uint64_t> sent;
  std::vector<std::pair<std::int64_t, std::uint64_t>> delivered;

  for (std::size_t i = 1; i < states.size(); ++i) {
    const json& st = states[i];
    const std::string act = st.at("act").get<std::string>();
    const std::int64_t arg = big(st.at("arg"));
    INFO(file.filename().string() << " step " << i << ": " << act << "(" << arg << ")");
    if (act == "Register") {
      auto r = ch.register_producer();
      const std::string expect = st.at("lastResult").get<std::string>();
      if (expect == "ok") {
        REQUIRE(r.has_value());
        REQUIRE(static_cast<std::int64_t>(r->id()) == big(map_get(st.at("producers"), arg).at("slot")));
        producers[arg].emplace(std::move(*r));
      } else {
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == errc_of(expect));
      }
    } else if (act == "Drop") {
      producers.at(arg).reset();
    } else if (act == "Send") {
      const bool ok = producers.at(arg)->try_push((static_cast<std::uint64_t>(arg) << 32) | sent[arg]);
      REQUIRE(ok == (static_cast<std::uint64_t>(big(map_get(st.at("producers"), arg).at("sent"))) == sent[arg] + 1));
      if (ok) ++sent[arg];
    } else if (act == "Consume") {
      const auto slot = static_cast<std::uint32_t>(arg / 100);
      const auto n = static_cast<std::size_t>(arg % 100);
      if (auto* ring = test::TestAccess::ring_of(ch, slot)) {
        auto deliver = [&](const std::uint64_t& v) {
          delivered.emplace_back(static_cast<std::int64_t>(v >> 32), v & 0xffffffffu);
        };
        ring->drain(n, deliver);
      }
    } else if (act == "Close") {
      ch.close();
    } else {
      FAIL("unknown action " << act);
    }
    REQUIRE(static_cast<std::int64_t>(ch.producer_count()) == big(st.at("live")));
    REQUIRE(ch.is_closed() == st.at("closed").get<bool>());
    for (std::uint32_t s = 0; s < 2; ++s) {
      auto* ring = test::TestAccess::ring_of(ch, s);
      REQUIRE((ring ? ring->was_size() : 0) == map_get(st.at("ring"), s).size());
    }
    const json& spec_delivered = st.at("delivered");
    REQUIRE(delivered.size() == spec_delivered.size());
    for (std::size_t k = 0; k < delivered.size(); ++k) {
      REQUIRE(delivered[k].first == big(spec_delivered[k].at("id")));
      REQUIRE(static_cast<std::int64_t>(delivered[k].second) == big(spec_delivered[k].at("seq")));
    }
  }
  return states.size() - 1;
}

}  // namespace

TEST_CASE("Channel<T> follows ChannelMPSC.qnt step by step on every trace", "[mbt]") {
  const auto files = itf::trace_files("channel");
  REQUIRE(files.size() >= 1);
  std::size_t steps = 0;
  for (const auto& f : files) steps += replay(f);
  INFO("replayed " << files.size() << " traces, " << steps << " steps");
  REQUIRE(steps > 0);
}
