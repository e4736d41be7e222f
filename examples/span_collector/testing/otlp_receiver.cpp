// SPDX-License-Identifier: MIT
#include "otlp_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace otlp_testing {

using nlohmann::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// ------------------------------------------------------------------- validation ---

using Problem = std::optional<std::string>;

Problem fail(const std::string& path, const std::string& why) { return path + ": " + why; }

Problem only_keys(const json& j, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return fail(path, "must be an object");
  for (const auto& item : j.items())
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
      return fail(path, "unknown field '" + item.key() + "'");
  return std::nullopt;
}

bool is_lower_hex(const json& j, std::size_t digits) {
  if (!j.is_string()) return false;
  const auto& s = j.get_ref<const std::string&>();
  return s.size() == digits && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         }) && s.find_first_not_of('0') != std::string::npos;
}

// A 64-bit integer: the JSON mapping writes it as a decimal string (a number is accepted
// by parsers too, but the OTLP exporters write strings; this receiver wants strings).
bool is_int64_string(const json& j, bool is_signed) {
  if (!j.is_string()) return false;
  std::string s = j.get<std::string>();
  bool negative = false;
  if (is_signed && !s.empty() && s[0] == '-') {
    negative = true;
    s.erase(0, 1);
  }
  if (s.empty() || s.size() > 20 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
  if (s.size() == 20 && s > "18446744073709551615") return false;
  const std::string limit = negative ? "9223372036854775808" : "9223372036854775807";
  return !is_signed || s.size() < limit.size() || (s.size() == limit.size() && s <= limit);
}

Problem any_value(const json& v, const std::string& path);

Problem key_values(const json& j, const std::string& path) {
  if (!j.is_array()) return fail(path, "must be an array");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (auto e = only_keys(j[i], p, {"key", "value"})) return e;
    if (!j[i].contains("key") || !j[i]["key"].is_string()) return fail(p + ".key", "must be a string");
    if (j[i].contains("value"))
      if (auto e = any_value(j[i]["value"], p + ".value")) return e;
  }
  return std::nullopt;
}

Problem any_value(const json& v, const std::string& path) {
  if (auto e = only_keys(v, path, {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue",
                                   "bytesValue"}))
    return e;
  if (v.size() != 1) return fail(path, "must hold exactly one value");
  const std::string key = v.begin().key();
  const json& x = v.begin().value();
  const std::string p = path + "." + key;
  if (key == "stringValue" || key == "bytesValue") return x.is_string() ? Problem{} : fail(p, "must be a string");
  if (key == "boolValue") return x.is_boolean() ? Problem{} : fail(p, "must be true or false");
  if (key == "intValue") return is_int64_string(x, true) ? Problem{} : fail(p, "must be an int64 as a decimal string");
  if (key == "doubleValue") {
    if (x.is_number()) return std::nullopt;
    if (x.is_string() && (x == "NaN" || x == "Infinity" || x == "-Infinity")) return std::nullopt;
    return fail(p, "must be a number, \"NaN\", \"Infinity\" or \"-Infinity\" (got " + x.dump() + ")");
  }
  if (auto e = only_keys(x, p, {"values"})) return e;
  if (!x.contains("values")) return std::nullopt;
  if (key == "kvlistValue") return key_values(x["values"], p + ".values");
  if (!x["values"].is_array()) return fail(p + ".values", "must be an array");
  for (std::size_t i = 0; i < x["values"].size(); ++i)
    if (auto e = any_value(x["values"][i], p + ".values[" + std::to_string(i) + "]")) return e;
  return std::nullopt;
}

Problem span(const json& s, const std::string& path, std::vector<std::string>* names) {
  if (auto e = only_keys(s, path, {"traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
                                   "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount",
                                   "events", "droppedEventsCount", "links", "droppedLinksCount", "status"}))
    return e;
  if (!s.contains("traceId") || !is_lower_hex(s["traceId"], 32))
    return fail(path + ".traceId", "must be 32 lowercase hex digits, not all zero");
  if (!s.contains("spanId") || !is_lower_hex(s["spanId"], 16))
    return fail(path + ".spanId", "must be 16 lowercase hex digits, not all zero");
  if (s.contains("parentSpanId") && !is_lower_hex(s["parentSpanId"], 16))
    return fail(path + ".parentSpanId", "must be 16 lowercase hex digits, not all zero");
  if (!s.contains("name") || !s["name"].is_string()) return fail(path + ".name", "must be a string");
  if (s.contains("kind") && !(s["kind"].is_number_integer() && s["kind"] >= 0 && s["kind"] <= 5))
    return fail(path + ".kind", "must be an integer in [0, 5]");
  for (const char* t : {"startTimeUnixNano", "endTimeUnixNano"})
    if (!s.contains(t) || !is_int64_string(s[t], false))
      return fail(path + "." + t, "must be a uint64 as a decimal string");
  if (s.contains("attributes"))
    if (auto e = key_values(s["attributes"], path + ".attributes")) return e;
  if (s.contains("events")) {
    if (!s["events"].is_array()) return fail(path + ".events", "must be an array");
    for (std::size_t i = 0; i < s["events"].size(); ++i) {
      const json& ev = s["events"][i];
      const std::string p = path + ".events[" + std::to_string(i) + "]";
      if (auto e = only_keys(ev, p, {"timeUnixNano", "name", "attributes", "droppedAttributesCount"})) return e;
      if (!ev.contains("timeUnixNano") || !is_int64_string(ev["timeUnixNano"], false))
        return fail(p + ".timeUnixNano", "must be a uint64 as a decimal string");
      if (ev.contains("attributes"))
        if (auto e = key_values(ev["attributes"], p + ".attributes")) return e;
    }
  }
  if (s.contains("status")) {
    if (auto e = only_keys(s["status"], path + ".status", {"message", "code"})) return e;
    const json& st = s["status"];
    if (st.contains("code") && !(st["code"].is_number_integer() && st["code"] >= 0 && st["code"] <= 2))
      return fail(path + ".status.code", "must be an integer in [0, 2]");
  }
  if (names != nullptr) names->push_back(s["name"].get<std::string>());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> otlp_json_problem(const json& body, std::vector<std::string>* names) {
  if (auto e = only_keys(body, "body", {"resourceSpans"})) return e;
  if (!body.contains("resourceSpans") || !body["resourceSpans"].is_array())
    return fail("resourceSpans", "must be an array");
  for (std::size_t r = 0; r < body["resourceSpans"].size(); ++r) {
    const json& rs = body["resourceSpans"][r];
    const std::string rp = "resourceSpans[" + std::to_string(r) + "]";
    if (auto e = only_keys(rs, rp, {"resource", "scopeSpans", "schemaUrl"})) return e;
    if (rs.contains("resource")) {
      if (auto e = only_keys(rs["resource"], rp + ".resource", {"attributes", "droppedAttributesCount"})) return e;
      if (rs["resource"].contains("attributes"))
        if (auto e = key_values(rs["resource"]["attributes"], rp + ".resource.attributes")) return e;
    }
    if (!rs.contains("scopeSpans") || !rs["scopeSpans"].is_array()) return fail(rp + ".scopeSpans", "must be an array");
    for (std::size_t s = 0; s < rs["scopeSpans"].size(); ++s) {
      const json& ss = rs["scopeSpans"][s];
      const std::string sp = rp + ".scopeSpans[" + std::to_string(s) + "]";
      if (auto e = only_keys(ss, sp, {"scope", "spans", "schemaUrl"})) return e;
      if (ss.contains("scope"))
        if (auto e = only_keys(ss["scope"], sp + ".scope", {"name", "version", "attributes", "droppedAttributesCount"}))
          return e;
      if (!ss.contains("spans") || !ss["spans"].is_array()) return fail(sp + ".spans", "must be an array");
      for (std::size_t i = 0; i < ss["spans"].size(); ++i)
        if (auto e = span(ss["spans"][i], sp + ".spans[" + std::to_string(i) + "]", names)) return e;
    }
  }
  return std::nullopt;
}

std::optional<std::string> gunzip(std::string_view in) {
  if (in.size() > UINT_MAX) return std::nullopt;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<const Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::array<char, 16384> buf{};
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated input
  }
  const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

std::string partial_success_body(std::uint64_t rejected, const std::string& message) {
  return json{{"partialSuccess", {{"rejectedSpans", std::to_string(rejected)}, {"errorMessage", message}}}}.dump();
}

std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[static_cast<std::size_t>(tm.tm_wday)],
                tm.tm_mday, months[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<std::string> ReceivedRequest::header(std::string_view name) const {
  const std::string want = lower(name);
  for (const auto& [k, v] : headers)
    if (lower(k) == want) return v;
  return std::nullopt;
}

// ------------------------------------------------------------------------ server ---

OtlpReceiver::OtlpReceiver(Script script, std::uint16_t port) : script_(std::move(script)) {
  if (!script_) {
    script_ = [](const ReceivedRequest& r, std::size_t) {
      if (r.problem.empty()) return Reply{};
      return Reply{400, json{{"code", 3}, {"message", r.problem}}.dump()};
    };
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("OtlpReceiver: socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("OtlpReceiver: cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

OtlpReceiver::~OtlpReceiver() { stop(); }

std::string OtlpReceiver::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }

void OtlpReceiver::stop() {
  std::vector<std::thread> connections;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks their reads
    ::shutdown(listen_fd_, SHUT_RDWR);                          // unblocks accept
  }
  cv_.notify_all();
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& t : connections) t.join();
}

void OtlpReceiver::accept_loop() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0) {
      if (stopping_ || (errno != EINTR && errno != ECONNABORTED)) return;
      continue;
    }
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    ++connections_accepted_;
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

bool OtlpReceiver::read_request(int fd, ReceivedRequest& r) {
  std::string data;
  char buf[16384];
  std::size_t header_end = std::string::npos, content_length = 0;
  for (;;) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    const ssize_t k = ::recv(fd, buf, sizeof buf, 0);
    if (k <= 0) return false;  // closed, reset or stopped
    data.append(buf, static_cast<std::size_t>(k));
    if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string_view head(data.data(), header_end);
      std::size_t pos = head.find("\r\n");
      const std::string_view first = head.substr(0, pos);
      r.method = std::string(first.substr(0, first.find(' ')));
      const auto p1 = first.find(' '), p2 = first.rfind(' ');
      if (p1 != std::string_view::npos && p2 > p1) r.path = std::string(first.substr(p1 + 1, p2 - p1 - 1));
      while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const auto next = head.find("\r\n", pos + 2);
        const std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos)
          r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
        pos = next;
      }
      if (const auto cl = r.header("content-length")) content_length = std::stoul(*cl);
    }
  }
  const std::string raw = data.substr(header_end + 4, content_length);
  r.wire_size = raw.size();
  if (lower(r.header("content-encoding").value_or("")) == "gzip") {
    auto plain = gunzip(raw);
    if (!plain) {
      r.problem = "Content-Encoding: gzip, but the body is not a valid gzip stream";
      return true;
    }
    r.body = std::move(*plain);
  } else {
    r.body = raw;
  }
  if (r.method != "POST") {
    r.problem = "method " + r.method + " is not POST";
  } else if (lower(r.header("content-type").value_or("")) != "application/json") {
    r.problem = "Content-Type is not application/json";
  } else {
    const json j = json::parse(r.body, nullptr, false);  // rejects ill-formed UTF-8 too
    if (j.is_discarded()) {
      r.problem = "the body is not valid JSON (or not valid UTF-8)";
    } else if (auto e = otlp_json_problem(j, &r.span_names)) {
      r.problem = *e;
      r.span_names.clear();
    }
  }
  return true;
}

void OtlpReceiver::serve(int fd) {
  for (;;) {
    ReceivedRequest request;
    if (!read_request(fd, request)) break;
    Reply reply;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      const std::size_t index = requests_.size();
      requests_.push_back(request);
      if (!request.problem.empty()) ++invalid_;
      cv_.notify_all();
      lock.unlock();
      reply = script_(request, index);
    }
    if (reply.drop) break;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (reply.hang) cv_.wait(lock, [&] { return stopping_; });
      if (reply.delay.count() > 0) cv_.wait_for(lock, reply.delay, [&] { return stopping_; });
      if (stopping_) break;
      if (reply.status >= 200 && reply.status < 300 && request.problem.empty()) {
        std::uint64_t rejected = 0;
        const json answer = json::parse(reply.body.empty() ? "{}" : reply.body, nullptr, false);
        if (answer.is_object() && answer.contains("partialSuccess")) {
          const std::string n = answer["partialSuccess"].value("rejectedSpans", std::string("0"));
          if (!n.empty() && n.size() < 20 && std::all_of(n.begin(), n.end(), ::isdigit)) rejected = std::stoull(n);
        }
        accepted_ += request.span_names.size() - std::min<std::uint64_t>(rejected, request.span_names.size());
      }
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\nContent-Type: application/json\r\n" +
                      "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    for (const auto& h : reply.headers) out += h + "\r\n";
    out += "\r\n" + reply.body;
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

std::vector<ReceivedRequest> OtlpReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::size_t OtlpReceiver::request_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}

std::uint64_t OtlpReceiver::spans_accepted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return accepted_;
}

std::size_t OtlpReceiver::invalid_bodies() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return invalid_;
}

std::size_t OtlpReceiver::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_accepted_;
}

bool OtlpReceiver::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

}  // namespace otlp_testing
