// SPDX-License-Identifier: MIT
#include "span_collector/span.hpp"

#include <chrono>
#include <cstdio>
#include <variant>

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

namespace {
// Length of the well-formed UTF-8 sequence at the start of `s` (1 to 4), or, as a negative
// number, the length of its maximal ill-formed subpart (at least 1 byte), following the
// table of well-formed byte sequences in the Unicode standard (section 3.9).
int utf8_step(std::string_view s) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  int length = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range allowed for the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) lo = 0xA0;  // no overlong forms
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) lo = 0x90;  // no overlong forms
    if (lead == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return -1;
  }
  for (int i = 1; i < length; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (k >= s.size()) return -i;
    const unsigned char c = byte(k);
    const bool fits = i == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    if (!fits) return -i;
  }
  return length;
}

bool sanitize_in_place(std::string& s) {
  if (is_valid_utf8(s)) return false;
  s = to_valid_utf8(s);
  return true;
}

std::size_t sanitize_attributes(std::vector<Attribute>& attrs) {
  std::size_t changed = 0;
  for (Attribute& a : attrs) {
    changed += sanitize_in_place(a.key);
    if (auto* str = std::get_if<std::string>(&a.value)) changed += sanitize_in_place(*str);
    if (auto* strs = std::get_if<std::vector<std::string>>(&a.value))
      for (std::string& x : *strs) changed += sanitize_in_place(x);
  }
  return changed;
}
}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII runs are the common case: skip them without decoding.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const int step = utf8_step(s.substr(i));
    if (step < 0) return false;
    i += static_cast<std::size_t>(step);
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    const int step = utf8_step(s.substr(i));
    if (step > 0) {
      out.append(s.substr(i, static_cast<std::size_t>(step)));
      i += static_cast<std::size_t>(step);
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      i += static_cast<std::size_t>(-step);
    }
  }
  return out;
}

std::size_t Span::sanitize_utf8() {
  if (!details) return 0;
  std::size_t changed = sanitize_in_place(details->name) + sanitize_in_place(details->status_message);
  changed += sanitize_attributes(details->attributes);
  for (Event& e : details->events) changed += sanitize_in_place(e.name) + sanitize_attributes(e.attributes);
  return changed;
}

std::uint64_t now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace span_collector
