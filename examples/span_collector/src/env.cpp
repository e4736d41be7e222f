// SPDX-License-Identifier: MIT
// Configuration from the environment, following the OpenTelemetry configuration rules:
// an empty variable is an unset one; an invalid value is reported (naming the variable)
// and treated as not set, so the default applies; nothing here throws or exits.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "span_collector/collector.hpp"
#include "span_collector/diagnostics.hpp"
#include "span_collector/exporter.hpp"

namespace span_collector {

namespace {

std::optional<std::string> get(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

void warn(std::string message) { report_error(ErrorKind::config, std::move(message)); }

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

/// A decimal integer in [lo, hi], surrounding blanks allowed; nothing otherwise.
std::optional<std::uint64_t> parse_integer(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
  const std::string_view t = trim(text);
  if (t.empty() || t.size() > 19 || !std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  const std::uint64_t n = std::stoull(std::string(t));
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

std::uint64_t integer_var(const char* name, std::uint64_t fallback, std::uint64_t lo, std::uint64_t hi,
                          const char* what) {
  const auto v = get(name);
  if (!v) return fallback;
  if (const auto n = parse_integer(*v, lo, hi)) return *n;
  warn(std::string(name) + "='" + *v + "' is not " + what + " in [" + std::to_string(lo) + ", " + std::to_string(hi) +
       "]; using the default " + std::to_string(fallback));
  return fallback;
}

// Durations and timeouts: whole milliseconds, positive (0 would mean "never wait" for a
// timeout and a busy loop for a delay; neither is a meaning the specification gives it).
constexpr std::uint64_t max_millis = 2147483647;  // 2^31 - 1, the range the specification asks for

std::optional<std::chrono::milliseconds> millis_var(const char* name) {
  const auto v = get(name);
  if (!v) return std::nullopt;
  if (const auto n = parse_integer(*v, 1, max_millis)) return std::chrono::milliseconds(*n);
  warn(std::string(name) + "='" + *v + "' is not a duration in milliseconds in [1, " + std::to_string(max_millis) +
       "]; ignored");
  return std::nullopt;
}

std::chrono::milliseconds millis_var(const char* name, std::chrono::milliseconds fallback) {
  const auto v = get(name);
  if (!v) return fallback;
  if (const auto n = parse_integer(*v, 1, max_millis)) return std::chrono::milliseconds(*n);
  warn(std::string(name) + "='" + *v + "' is not a duration in milliseconds in [1, " + std::to_string(max_millis) +
       "]; using the default " + std::to_string(fallback.count()));
  return fallback;
}

bool boolean_var(const char* name) {
  const auto v = get(name);
  if (!v) return false;
  const std::string l = lower(*v);
  if (l == "true") return true;
  if (l != "false") warn(std::string(name) + "='" + *v + "' is neither true nor false; using false");
  return false;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Strict percent-decoding: every '%' starts two hex digits; nothing otherwise.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

/// The first of `signal_var`, `general_var` that is set (the signal one wins).
const char* pick(const char* signal_var, const char* general_var) {
  return get(signal_var) ? signal_var : general_var;
}

std::optional<std::string> endpoint_var(const char* name, bool append_traces_path) {
  auto v = get(name);
  if (!v) return std::nullopt;
  std::string url = *v;
  if (append_traces_path) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/v1/traces";
  }
  try {
    validate_endpoint_url(url);
  } catch (const std::invalid_argument& e) {
    warn(std::string(name) + "='" + *v + "' ignored: " + e.what());
    return std::nullopt;
  }
  return url;
}

std::map<std::string, std::string> headers_var(const char* name) {
  std::map<std::string, std::string> headers;
  const auto v = get(name);
  if (!v) return headers;
  int index = 0;
  for (std::string_view entry : split(*v, ',')) {
    ++index;
    entry = trim(entry);
    if (entry.empty()) continue;
    // Values are often credentials: warnings name the entry and header, never the value.
    const std::string where = std::string(name) + ": entry " + std::to_string(index) + " ignored: ";
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) {
      warn(where + "it is not key=value");
      continue;
    }
    const auto key = percent_decode(trim(entry.substr(0, eq)));
    const auto value = percent_decode(trim(entry.substr(eq + 1)));
    if (!key || !value) {
      warn(where + "a '%' is not followed by two hex digits");
      continue;
    }
    if (const auto why = header_problem(*key, *value)) {
      warn(where + *why + " (after percent-decoding)");
      continue;
    }
    headers[*key] = *value;
  }
  return headers;
}

}  // namespace

CollectorConfig CollectorConfig::from_env() {
  CollectorConfig c;
  c.max_queue_size = integer_var("OTEL_BSP_MAX_QUEUE_SIZE", c.max_queue_size, 1, max_queue_limit, "an integer");
  c.max_export_batch_size =
      integer_var("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", c.max_export_batch_size, 1, max_queue_limit, "an integer");
  if (c.max_export_batch_size > c.max_queue_size) {
    warn("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=" + std::to_string(c.max_export_batch_size) +
         " exceeds the queue size " + std::to_string(c.max_queue_size) + " (OTEL_BSP_MAX_QUEUE_SIZE); using " +
         std::to_string(c.max_queue_size));
    c.max_export_batch_size = c.max_queue_size;
  }
  c.schedule_delay = millis_var("OTEL_BSP_SCHEDULE_DELAY", c.schedule_delay);
  c.export_timeout = millis_var("OTEL_BSP_EXPORT_TIMEOUT", c.export_timeout);
  c.disabled = boolean_var("OTEL_SDK_DISABLED");
  return c;
}

HttpConfig HttpConfig::from_env() {
  HttpConfig c;
  if (auto url = endpoint_var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", false)) {
    c.endpoint = *url;
  } else if (auto base = endpoint_var("OTEL_EXPORTER_OTLP_ENDPOINT", true)) {
    c.endpoint = *base;
  }
  c.headers = headers_var(pick("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"));
  if (auto t = millis_var("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")) {
    c.timeout = *t;
  } else if (auto general = millis_var("OTEL_EXPORTER_OTLP_TIMEOUT")) {
    c.timeout = *general;
  }
  for (const char* name : {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"}) {
    const auto v = get(name);
    if (!v) continue;
    const std::string l = lower(trim(*v));
    if (l == "gzip" || l == "none") {
      c.compression = l == "gzip" ? Compression::gzip : Compression::none;
      break;
    }
    warn(std::string(name) + "='" + *v + "' is not gzip or none; ignored");
  }
  for (const char* name : {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
    const auto v = get(name);
    if (!v) continue;
    if (lower(trim(*v)) != "http/json")
      warn(std::string(name) + "='" + *v + "': this exporter speaks http/json only; using http/json");
    break;
  }
  return c;
}

Resource Resource::from_env(std::string default_service_name) {
  Resource r;
  r.service_name = std::move(default_service_name);
  if (const auto v = get("OTEL_RESOURCE_ATTRIBUTES")) {
    std::vector<Attribute> attrs;
    std::optional<std::string> service;
    std::string error;
    int index = 0;
    for (std::string_view entry : split(*v, ',')) {
      ++index;
      entry = trim(entry);
      if (entry.empty()) continue;
      const auto eq = entry.find('=');
      const auto key = eq == std::string_view::npos ? std::nullopt : percent_decode(trim(entry.substr(0, eq)));
      const auto value = eq == std::string_view::npos ? std::nullopt : percent_decode(trim(entry.substr(eq + 1)));
      if (eq == std::string_view::npos) {
        error = "entry " + std::to_string(index) + " '" + std::string(entry) + "' is not key=value";
      } else if (!key || !value) {
        error = "entry " + std::to_string(index) + " '" + std::string(entry) + "': a '%' is not followed by two hex digits";
      } else if (key->empty()) {
        error = "entry " + std::to_string(index) + " has an empty key";
      } else if (!is_valid_utf8(*key) || !is_valid_utf8(*value)) {
        error = "entry " + std::to_string(index) + " is not valid UTF-8 after percent-decoding";
      }
      if (!error.empty()) break;
      if (*key == "service.name") {
        service = *value;
      } else {
        attrs.push_back({*key, *value});
      }
    }
    if (error.empty()) {
      r.attributes = std::move(attrs);
      if (service) r.service_name = *service;
    } else {
      warn("OTEL_RESOURCE_ATTRIBUTES ignored as a whole: " + error);
    }
  }
  if (const auto name = get("OTEL_SERVICE_NAME")) r.service_name = *name;
  return r;
}

}  // namespace span_collector
