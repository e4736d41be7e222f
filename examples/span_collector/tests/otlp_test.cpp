// The OTLP/JSON encoding: fields, non-finite doubles, resource attributes, and UTF-8
// sanitising (one bad string never makes a batch unencodable).
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "otlp_receiver.hpp"

using namespace test;
using json = nlohmann::json;

namespace {
const std::string fffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
}

TEST_CASE("spans exported to JSONL parse back field by field (OTLP JSON encoding)", "[otlp][file]") {
  const auto path = temp_path("fields.jsonl");
  std::filesystem::remove(path);
  {
    Resource res{.service_name = "svc", .attributes = {{"deployment.environment", std::string("test")}}};
    Collector c(fast_config(), std::make_shared<FileExporter>(path.string(), res));
    Span s;
    s.trace_id = {0x00000000000000ABULL, 0x00000000000000CDULL};
    s.span_id = 0xEF;
    s.parent_span_id = 0x12;
    s.kind = SpanKind::server;
    s.start_time_unix_nano = 1'700'000'000'000'000'001ULL;
    s.end_time_unix_nano = 1'700'000'000'000'000'999ULL;
    s.name("GET /x")
        .attribute("s", std::string("v"))
        .attribute("b", true)
        .attribute("i", std::int64_t{-9'007'199'254'740'993})
        .attribute("d", 2.5)
        .attribute("arr", std::vector<std::int64_t>{1, 2})
        .event("ev", 1'700'000'000'000'000'500ULL, {{"k", std::string("w")}})
        .set_status(StatusCode::error, "boom");
    REQUIRE(c.submit(std::move(s)) == SubmitStatus::accepted);
    REQUIRE(c.submit(make_span(7)) == SubmitStatus::accepted);  // a root span
    REQUIRE(c.shutdown().ok());
    REQUIRE(c.metrics().exported == 2);
  }
  std::ifstream in(path);
  std::vector<json> spans;
  for (std::string line; std::getline(in, line);) {
    const json td = json::parse(line);  // one TracesData per line
    REQUIRE_FALSE(otlp_testing::otlp_json_problem(td));
    const json& rs = td.at("resourceSpans").at(0);
    REQUIRE(rs.at("resource").at("attributes").at(0) == json{{"key", "service.name"}, {"value", {{"stringValue", "svc"}}}});
    REQUIRE(rs.at("resource").at("attributes").at(1) ==
            json{{"key", "deployment.environment"}, {"value", {{"stringValue", "test"}}}});
    const json& ss = rs.at("scopeSpans").at(0);
    REQUIRE(ss.at("scope").at("name") == "ringmpsc.span_collector");
    REQUIRE(ss.at("scope").at("version").is_string());
    for (const auto& sp : ss.at("spans")) spans.push_back(sp);
  }
  REQUIRE(spans.size() == 2);
  const json* full = nullptr;
  const json* root = nullptr;
  for (const auto& sp : spans) (sp.at("name") == "GET /x" ? full : root) = &sp;
  REQUIRE(full != nullptr);
  REQUIRE(root != nullptr);
  const json& f = *full;
  CHECK(f.at("traceId") == "00000000000000ab00000000000000cd");  // 32 lowercase hex
  CHECK(f.at("spanId") == "00000000000000ef");                   // 16 lowercase hex
  CHECK(f.at("parentSpanId") == "0000000000000012");
  CHECK(f.at("kind") == 2);                                   // enums as integers
  CHECK(f.at("startTimeUnixNano") == "1700000000000000001");  // 64-bit as strings
  CHECK(f.at("endTimeUnixNano") == "1700000000000000999");
  CHECK(f.at("status") == json{{"code", 2}, {"message", "boom"}});
  const json& attrs = f.at("attributes");
  CHECK(attrs.at(0) == json{{"key", "s"}, {"value", {{"stringValue", "v"}}}});
  CHECK(attrs.at(1) == json{{"key", "b"}, {"value", {{"boolValue", true}}}});
  CHECK(attrs.at(2) == json{{"key", "i"}, {"value", {{"intValue", "-9007199254740993"}}}});
  CHECK(attrs.at(3) == json{{"key", "d"}, {"value", {{"doubleValue", 2.5}}}});
  CHECK(attrs.at(4).at("value").at("arrayValue").at("values").at(1) == json{{"intValue", "2"}});
  CHECK(f.at("events").at(0).at("timeUnixNano") == "1700000000000000500");
  CHECK(f.at("events").at(0).at("attributes").at(0).at("key") == "k");
  CHECK_FALSE(root->contains("parentSpanId"));  // root spans carry none
  CHECK(root->at("status").at("code") == 0);
  std::filesystem::remove(path);
}

TEST_CASE("non-finite doubles are written as \"NaN\", \"Infinity\" and \"-Infinity\"", "[otlp]") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  spans[0]
      .attribute("nan", std::numeric_limits<double>::quiet_NaN())
      .attribute("pos", inf)
      .attribute("neg", -inf)
      .attribute("finite", -0.5)
      .attribute("arr", std::vector<double>{1.0, std::nan(""), -inf});
  const json j = json::parse(encode_otlp_json(spans, Resource{}));
  CHECK_FALSE(otlp_testing::otlp_json_problem(j));
  const json& a = j["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"];
  CHECK(a[0]["value"] == json{{"doubleValue", "NaN"}});
  CHECK(a[1]["value"] == json{{"doubleValue", "Infinity"}});
  CHECK(a[2]["value"] == json{{"doubleValue", "-Infinity"}});
  CHECK(a[3]["value"] == json{{"doubleValue", -0.5}});
  CHECK(a[4]["value"]["arrayValue"]["values"] ==
        json::array({{{"doubleValue", 1.0}}, {{"doubleValue", "NaN"}}, {{"doubleValue", "-Infinity"}}}));
}

TEST_CASE("the receiver's validator rejects what a strict OTLP receiver rejects", "[otlp][receiver]") {
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  const json good = json::parse(encode_otlp_json(spans, Resource{}));
  REQUIRE_FALSE(otlp_testing::otlp_json_problem(good));
  const auto problem_with = [&](auto&& edit) {
    json j = good;
    edit(j["resourceSpans"][0]["scopeSpans"][0]["spans"][0]);
    return otlp_testing::otlp_json_problem(j).value_or("");
  };
  CHECK(problem_with([](json& s) { s["attributes"] = {{{"key", "d"}, {"value", {{"doubleValue", nullptr}}}}}; })
            .find("doubleValue") != std::string::npos);
  CHECK(problem_with([](json& s) { s["traceId"] = "ABC"; }).find("traceId") != std::string::npos);
  CHECK(problem_with([](json& s) { s["spanId"] = "0000000000000000"; }).find("spanId") != std::string::npos);
  CHECK(problem_with([](json& s) { s["startTimeUnixNano"] = 5; }).find("startTimeUnixNano") != std::string::npos);
  CHECK(problem_with([](json& s) { s["kind"] = 9; }).find("kind") != std::string::npos);
  CHECK(problem_with([](json& s) { s["bogus"] = 1; }).find("unknown field 'bogus'") != std::string::npos);
  CHECK(problem_with([](json& s) { s["attributes"] = {{{"key", "i"}, {"value", {{"intValue", 3}}}}}; })
            .find("intValue") != std::string::npos);
}

TEST_CASE("UTF-8 validation follows the Unicode table of well-formed sequences", "[utf8]") {
  const std::vector<std::string> valid = {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80",
                                          "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF"};
  for (const auto& s : valid) {
    INFO(s);
    CHECK(is_valid_utf8(s));
    CHECK(to_valid_utf8(s) == s);
  }
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> invalid = {
      {"\xC3", fffd},                                   // truncated two-byte sequence
      {"a\xE2\x82" "b", "a" + fffd + "b"},               // truncated three-byte: one U+FFFD for the maximal subpart
      {"\xC0\xAF", fffd + fffd},                         // overlong '/'
      {"\xE0\x80\xAF", fffd + fffd + fffd},              // overlong, three bytes
      {"\xED\xA0\x80", fffd + fffd + fffd},              // a surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},   // past U+10FFFF
      {"\xFF" "x\xFE", fffd + "x" + fffd},               // never valid bytes
      {"\x80", fffd},                                    // a lone continuation byte
  };
  for (const auto& c : invalid) {
    INFO(json(std::vector<int>(c.in.begin(), c.in.end())).dump());
    CHECK_FALSE(is_valid_utf8(c.in));
    CHECK(to_valid_utf8(c.in) == c.out);
    CHECK(is_valid_utf8(to_valid_utf8(c.in)));
  }
}

TEST_CASE("Span::sanitize_utf8 repairs every string of a span", "[utf8]") {
  Span s = make_span(1);
  s.name("bad\xC3")
      .attribute("k\xFF", std::string("v"))
      .attribute("v", std::string("\xE2\x82"))
      .attribute("list", std::vector<std::string>{"ok", "\xC0"})
      .attribute("n", std::int64_t{1})
      .event("ev\x80", 1, {{"ek", std::string("\xED\xA0\x80")}})
      .set_status(StatusCode::error, "msg\xF8");
  CHECK(s.sanitize_utf8() == 7);
  CHECK(s.details->name == "bad" + fffd);
  CHECK(s.details->attributes[0].key == "k" + fffd);
  CHECK(std::get<std::string>(s.details->attributes[1].value) == fffd);
  CHECK(std::get<std::vector<std::string>>(s.details->attributes[2].value)[1] == fffd);
  CHECK(s.details->events[0].name == "ev" + fffd);
  CHECK(s.details->status_message == "msg" + fffd);
  CHECK(s.sanitize_utf8() == 0);  // idempotent
}

TEST_CASE("encoding never throws on ill-formed UTF-8 in a span built by hand", "[utf8][otlp]") {
  std::vector<Span> spans;
  spans.push_back(make_span(1));
  spans[0].name("\xC3(").attribute("k", std::string("\xFF"));
  std::string body;
  REQUIRE_NOTHROW(body = encode_otlp_json(spans, Resource{.service_name = "svc\xE2"}));
  const json j = json::parse(body);  // would throw on ill-formed UTF-8
  CHECK(j["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == fffd + "(");
}
