// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "span.hpp"

namespace span_collector {

/// Who is sending: becomes the OTLP resource (service.name first, then `attributes`) and
/// the instrumentation scope.
struct Resource {
  std::string service_name = "unknown_service";
  std::vector<Attribute> attributes;  ///< further resource attributes (not service.name)
  std::string scope_name = "ringmpsc.span_collector";
  std::string scope_version = "0.2.0";

  /// `default_service_name`, overridden by a service.name in OTEL_RESOURCE_ATTRIBUTES,
  /// overridden in turn by OTEL_SERVICE_NAME; the other OTEL_RESOURCE_ATTRIBUTES entries
  /// ("k1=v1,k2=v2", keys and values percent-decoded) become string attributes. An
  /// OTEL_RESOURCE_ATTRIBUTES value with any malformed entry is discarded as a whole, with
  /// a warning through the error handler naming the variable. Never throws.
  static Resource from_env(std::string default_service_name = "unknown_service");
};

/// Encodes spans as one OTLP `TracesData` JSON object, following the OTLP/JSON rules:
/// lowerCamelCase keys, trace and span ids as lowercase hex, 64-bit integers as decimal
/// strings, enums as integers, non-finite doubles as "NaN", "Infinity" and "-Infinity".
/// One resourceSpans with one scopeSpans.
[[nodiscard]] nlohmann::json to_otlp_json(std::span<const Span> spans, const Resource& resource);

/// to_otlp_json(...) serialised. Never throws for any span content: an ill-formed UTF-8
/// sequence that reached this point (a span not submitted through a Collector) is
/// written as U+FFFD.
[[nodiscard]] std::string encode_otlp_json(std::span<const Span> spans, const Resource& resource);

}  // namespace span_collector
