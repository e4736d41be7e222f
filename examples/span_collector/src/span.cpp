// SPDX-License-Identifier: MIT
#include "span_collector/span.hpp"

#include <chrono>
#include <cstdio>

namespace span_collector {

namespace {
void append_hex(std::string& out, std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xf];
}
}  // namespace

std::string TraceId::hex() const {
  std::string s;
  s.reserve(32);
  append_hex(s, hi);
  append_hex(s, lo);
  return s;
}

std::string span_id_hex(SpanId id) {
  std::string s;
  s.reserve(16);
  append_hex(s, id);
  return s;
}

std::optional<std::string> Span::problem() const {
  if (!trace_id.valid()) return "invalid span: trace id is all zero";
  if (span_id == 0) return "invalid span: span id is zero";
  if (end_time_unix_nano < start_time_unix_nano)
    return "invalid span: end time " + std::to_string(end_time_unix_nano) + " precedes start time " +
           std::to_string(start_time_unix_nano);
  if (!details) return "invalid span: details were moved out";
  return std::nullopt;
}

std::uint64_t now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace span_collector
