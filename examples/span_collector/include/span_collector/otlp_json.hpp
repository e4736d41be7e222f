// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "span.hpp"

namespace span_collector {

/// Who is sending: becomes the OTLP resource (service.name) and instrumentation scope.
struct Resource {
  std::string service_name = "unknown_service";
  std::string scope_name = "ringmpsc.span_collector";
  std::string scope_version = "0.1.0";
};

/// Encodes spans as one OTLP `TracesData` JSON object, following the OTLP/JSON rules:
/// lowerCamelCase keys, trace and span ids as lowercase hex, 64-bit integers as decimal
/// strings, enums as integers. One resourceSpans with one scopeSpans.
[[nodiscard]] nlohmann::json to_otlp_json(std::span<const Span> spans, const Resource& resource);

}  // namespace span_collector
