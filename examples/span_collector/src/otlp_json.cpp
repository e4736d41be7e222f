// SPDX-License-Identifier: MIT
#include "span_collector/otlp_json.hpp"

#include <cmath>

namespace span_collector {

namespace {
using nlohmann::json;

// The protobuf JSON mapping writes a non-finite double as a string; a bare NaN is not
// JSON at all, and null would be read back as 0.
json double_value(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

struct AnyValue {
  json operator()(const std::string& s) const { return {{"stringValue", s}}; }
  json operator()(bool b) const { return {{"boolValue", b}}; }
  json operator()(std::int64_t i) const { return {{"intValue", std::to_string(i)}}; }  // int64 as string
  json operator()(double d) const { return {{"doubleValue", double_value(d)}}; }
  template <class T>
  json operator()(const std::vector<T>& xs) const {
    json values = json::array();
    for (const auto& x : xs) values.push_back((*this)(static_cast<T>(x)));
    return {{"arrayValue", {{"values", values}}}};
  }
};

json any_value(const AttributeValue& v) { return std::visit(AnyValue{}, v); }

json attributes(const std::vector<Attribute>& attrs) {
  json out = json::array();
  for (const auto& a : attrs) out.push_back({{"key", a.key}, {"value", any_value(a.value)}});
  return out;
}

json encode(const Span& s) {
  json j = {
      {"traceId", s.trace_id.hex()},
      {"spanId", span_id_hex(s.span_id)},
      {"name", s.details->name},
      {"kind", static_cast<int>(s.kind)},
      {"startTimeUnixNano", std::to_string(s.start_time_unix_nano)},
      {"endTimeUnixNano", std::to_string(s.end_time_unix_nano)},
      {"attributes", attributes(s.details->attributes)},
  };
  if (s.parent_span_id != 0) j["parentSpanId"] = span_id_hex(s.parent_span_id);
  json events = json::array();
  for (const auto& e : s.details->events)
    events.push_back({{"timeUnixNano", std::to_string(e.time_unix_nano)}, {"name", e.name},
                      {"attributes", attributes(e.attributes)}});
  j["events"] = std::move(events);
  json status = {{"code", static_cast<int>(s.status)}};
  if (!s.details->status_message.empty()) status["message"] = s.details->status_message;
  j["status"] = std::move(status);
  return j;
}

json resource_json(const Resource& resource) {
  json attrs = json::array({{{"key", "service.name"}, {"value", {{"stringValue", resource.service_name}}}}});
  for (const auto& a : resource.attributes) attrs.push_back({{"key", a.key}, {"value", any_value(a.value)}});
  return {{"attributes", std::move(attrs)}};
}
}  // namespace

nlohmann::json to_otlp_json(std::span<const Span> spans, const Resource& resource) {
  json encoded = json::array();
  for (const Span& s : spans) encoded.push_back(encode(s));
  return {{"resourceSpans",
           json::array({{{"resource", resource_json(resource)},
                         {"scopeSpans",
                          json::array({{{"scope", {{"name", resource.scope_name}, {"version", resource.scope_version}}},
                                        {"spans", std::move(encoded)}}})}}})}};
}

std::string encode_otlp_json(std::span<const Span> spans, const Resource& resource) {
  return to_otlp_json(spans, resource).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace span_collector
