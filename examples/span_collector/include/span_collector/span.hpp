// span_collector: an OpenTelemetry span collector built on a ringmpsc channel.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace span_collector {

/// 128-bit trace id; all zero is invalid (as in W3C Trace Context and OTLP).
struct TraceId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  [[nodiscard]] bool valid() const noexcept { return hi != 0 || lo != 0; }
  [[nodiscard]] std::string hex() const;  // 32 lowercase hex digits
  friend bool operator==(const TraceId&, const TraceId&) = default;
  friend bool operator<(const TraceId& a, const TraceId& b) noexcept {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
  }
};

using SpanId = std::uint64_t;  ///< 64-bit span id; 0 is invalid (0 as parent: a root span)
[[nodiscard]] std::string span_id_hex(SpanId id);  // 16 lowercase hex digits

/// OTLP Span.SpanKind values.
enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
/// OTLP Status.StatusCode values.
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

/// An attribute value: the OTLP AnyValue scalars and homogeneous arrays of them.
using AttributeValue = std::variant<std::string, bool, std::int64_t, double, std::vector<std::string>,
                                    std::vector<bool>, std::vector<std::int64_t>, std::vector<double>>;

struct Attribute {
  std::string key;
  AttributeValue value;
};

struct Event {
  std::string name;
  std::uint64_t time_unix_nano = 0;
  std::vector<Attribute> attributes;
};

/// The variable-size part of a span, kept out of line so that what travels through the
/// ring is a small fixed record plus one pointer (moved, never copied).
struct SpanDetails {
  std::string name;
  std::string status_message;
  std::vector<Attribute> attributes;
  std::vector<Event> events;
};

/// A finished span. Move-only: 64 bytes of fixed fields and one owning pointer.
struct Span {
  TraceId trace_id;
  SpanId span_id = 0;
  SpanId parent_span_id = 0;  ///< 0 for a root span
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t end_time_unix_nano = 0;
  SpanKind kind = SpanKind::internal;
  StatusCode status = StatusCode::unset;
  std::unique_ptr<SpanDetails> details = std::make_unique<SpanDetails>();

  /// Why the span cannot be exported (zero trace or span id, end before start, no
  /// details), or nothing when it is valid.
  [[nodiscard]] std::optional<std::string> problem() const;

  /// Replaces every ill-formed UTF-8 sequence in the span's strings (name, status
  /// message, attribute keys and values, event names and attributes) with U+FFFD, as the
  /// OpenTelemetry SDKs do. Returns how many strings it changed.
  std::size_t sanitize_utf8();

  // Convenience for building spans.
  Span& name(std::string n) { details->name = std::move(n); return *this; }
  Span& attribute(std::string key, AttributeValue v) {
    details->attributes.push_back({std::move(key), std::move(v)});
    return *this;
  }
  Span& event(std::string n, std::uint64_t t, std::vector<Attribute> attrs = {}) {
    details->events.push_back({std::move(n), t, std::move(attrs)});
    return *this;
  }
  Span& set_status(StatusCode code, std::string message = {}) {
    status = code;
    details->status_message = std::move(message);
    return *this;
  }
};

/// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;
/// `s` with each maximal ill-formed subsequence replaced by U+FFFD (the Unicode
/// "substitution of maximal subparts" practice).
[[nodiscard]] std::string to_valid_utf8(std::string_view s);

/// Current time in Unix nanoseconds (system clock).
[[nodiscard]] std::uint64_t now_unix_nano() noexcept;

}  // namespace span_collector
