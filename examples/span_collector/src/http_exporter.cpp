// SPDX-License-Identifier: MIT
#include <curl/curl.h>
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstdio>
#include <stdexcept>
#include <stop_token>

#include "span_collector/exporter.hpp"

namespace span_collector {

using namespace std::chrono_literals;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

/// `s` with bytes outside printable ASCII written as \xNN, cut at `max` bytes: safe to log.
std::string printable(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (const char ch : s.substr(0, max)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F) {
      out += ch;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

bool is_token_char(unsigned char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

void validate_endpoint_url(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    throw std::invalid_argument("invalid OTLP endpoint URL '" + printable(url) + "': " + why);
  };
  std::size_t scheme_end = 0;
  if (url.rfind("http://", 0) == 0) {
    scheme_end = 7;
  } else if (url.rfind("https://", 0) == 0) {
    scheme_end = 8;
  } else {
    bad("the scheme must be http:// or https://");
  }
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); }))
    bad("it contains whitespace or control characters");
  const std::size_t path_start = url.find('/', scheme_end);
  const std::string authority =
      url.substr(scheme_end, path_start == std::string::npos ? std::string::npos : path_start - scheme_end);
  const std::size_t colon = authority.rfind(':');
  const bool bracketed = !authority.empty() && authority.front() == '[';
  const bool has_port = colon != std::string::npos && !(bracketed && authority.find(']') > colon);
  const std::string host = has_port ? authority.substr(0, colon) : authority;
  if (host.empty()) bad("the host is missing");
  if (has_port) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) == 0 ||
        std::stoi(port) > 65535)
      bad("the port must be a number in [1, 65535]");
  }
}

std::optional<std::string> header_problem(std::string_view name, std::string_view value) {
  if (name.empty()) return std::string("the header name is empty");
  for (const char ch : name) {
    if (!is_token_char(static_cast<unsigned char>(ch)))
      return "header name '" + printable(name) + "' is not an HTTP token";
  }
  static constexpr std::array<std::string_view, 7> reserved = {
      "content-type", "content-encoding", "content-length", "transfer-encoding", "host", "connection", "expect"};
  if (std::find(reserved.begin(), reserved.end(), lower(name)) != reserved.end())
    return "header '" + std::string(name) + "' is set by the exporter";
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      return "the value of header '" + std::string(name) + "' contains control character " + code;
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ Retry-After ---

namespace {

std::optional<int> number(std::string_view s, std::size_t min_digits, std::size_t max_digits) {
  if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
  int n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<unsigned> month_number(std::string_view s) {
  static constexpr std::array<std::string_view, 12> names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) return std::nullopt;
  return static_cast<unsigned>(it - names.begin() + 1);
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The three forms RFC 9110 (section 5.6.7) says a recipient accepts:
//   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
//   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT
//   asctime      Sun Nov  6 08:49:37 1994
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  std::optional<int> day, year, hh, mm, ss;
  std::optional<unsigned> month;
  std::string_view time;
  if (const auto comma = s.find(','); comma != std::string_view::npos) {
    std::string rest(s.substr(comma + 1));
    const bool rfc850 = rest.find('-') != std::string::npos;
    std::replace(rest.begin(), rest.end(), '-', ' ');
    const auto w = words(rest);
    if (w.size() != 5 || w[4] != "GMT") return std::nullopt;
    day = number(w[0], 2, 2);
    month = month_number(w[1]);
    year = rfc850 ? number(w[2], 2, 2) : number(w[2], 4, 4);
    if (rfc850 && year) *year += *year < 70 ? 2000 : 1900;
    const std::string t(w[3]);
    if (t.size() != 8 || t[2] != ':' || t[5] != ':') return std::nullopt;
    hh = number(std::string_view(t).substr(0, 2), 2, 2);
    mm = number(std::string_view(t).substr(3, 2), 2, 2);
    ss = number(std::string_view(t).substr(6, 2), 2, 2);
  } else {
    const auto w = words(s);
    if (w.size() != 5) return std::nullopt;
    month = month_number(w[1]);
    day = number(w[2], 1, 2);
    time = w[3];
    year = number(w[4], 4, 4);
    if (time.size() != 8 || time[2] != ':' || time[5] != ':') return std::nullopt;
    hh = number(time.substr(0, 2), 2, 2);
    mm = number(time.substr(3, 2), 2, 2);
    ss = number(time.substr(6, 2), 2, 2);
  }
  if (!day || !month || !year || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{*month},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{*hh} + std::chrono::minutes{*mm} + std::chrono::seconds{*ss};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24));  // absurdly far: a day
    return std::chrono::seconds(*number(value, 1, 9));
  }
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return 0ms;
  return std::chrono::ceil<std::chrono::milliseconds>(*when - now);
}

// ------------------------------------------------------------------------- http ---

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};
void ensure_curl() { static CurlGlobal global; }

std::optional<std::string> gzip(std::string_view in) {
  if (in.size() > UINT_MAX) return std::nullopt;
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<const Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

constexpr std::size_t max_response_body = 64 * 1024;  // a receiver's answer is small; never hold more

struct Response {
  std::string body;
  std::string retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  const std::size_t len = size * n;
  r->body.append(data, std::min(len, max_response_body - std::min(max_response_body, r->body.size())));
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  const std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) r->retry_after.clear();  // a new response (after a 1xx)
  if (lower(line.substr(0, std::min<std::size_t>(line.size(), 12))) == "retry-after:")
    r->retry_after = std::string(trim(line.substr(12)));
  return size * n;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

/// The receiver's explanation in an error response (google.rpc.Status JSON), or the body.
std::string error_detail(const std::string& body) {
  if (body.empty()) return {};
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (const auto m = j.find("message"); m != j.end() && m->is_string()) return printable(m->get<std::string>());
  }
  return printable(body);
}

const nlohmann::json* member(const nlohmann::json& j, const char* camel, const char* snake) {
  if (auto it = j.find(camel); it != j.end()) return &*it;
  if (auto it = j.find(snake); it != j.end()) return &*it;
  return nullptr;
}

/// OTLP ExportTraceServiceResponse: partial_success.rejected_spans (an int64, written as a
/// string or a number) and error_message.
void read_partial_success(const std::string& body, ExportResult& r) {
  if (trim(body).empty()) return;
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    r.message = "the response body is not an ExportTraceServiceResponse in JSON: '" + printable(body, 80) + "'";
    return;
  }
  const nlohmann::json* ps = member(j, "partialSuccess", "partial_success");
  if (ps == nullptr || !ps->is_object()) return;
  if (const auto* m = member(*ps, "errorMessage", "error_message"); m != nullptr && m->is_string())
    r.message = printable(m->get<std::string>(), 1000);
  if (const auto* n = member(*ps, "rejectedSpans", "rejected_spans")) {
    std::optional<std::uint64_t> count;
    if (n->is_number_unsigned()) count = n->get<std::uint64_t>();
    if (n->is_string()) {
      const auto s = n->get<std::string>();
      if (!s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), ::isdigit)) count = std::stoull(s);
    }
    if (count) {
      r.rejected = *count;
    } else if (!(n->is_number_integer() && n->get<std::int64_t>() == 0)) {
      r.message += (r.message.empty() ? "" : "; ") + std::string("unreadable rejectedSpans ") + printable(n->dump(), 40);
    }
  }
}

bool local_curl_error(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_FAILED_INIT:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct HttpExporter::Connection {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
};

void HttpExporter::ConnectionDeleter::operator()(Connection* c) const noexcept {
  if (c->multi != nullptr) curl_multi_cleanup(c->multi);
  if (c->easy != nullptr) curl_easy_cleanup(c->easy);
  delete c;
}

HttpExporter::HttpExporter(HttpConfig config, Resource resource)
    : config_(std::move(config)), resource_(std::move(resource)) {
  validate_endpoint_url(config_.endpoint);
  for (const auto& [name, value] : config_.headers)
    if (const auto why = header_problem(name, value)) throw std::invalid_argument("HttpExporter: " + *why);
  if (config_.timeout.count() <= 0) throw std::invalid_argument("HttpExporter: the timeout must be positive");
  ensure_curl();
}

HttpExporter::~HttpExporter() = default;

HttpExporter::ConnectionPtr HttpExporter::acquire() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!pool_.empty()) {
      ConnectionPtr c = std::move(pool_.back());
      pool_.pop_back();
      return c;
    }
  }
  ConnectionPtr c(new Connection);
  c->multi = curl_multi_init();
  c->easy = curl_easy_init();
  if (c->multi == nullptr || c->easy == nullptr) return nullptr;
  return c;
}

void HttpExporter::release(ConnectionPtr c) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (pool_.size() < 8) pool_.push_back(std::move(c));  // kept: its connection stays alive
}

ExportResult HttpExporter::export_spans(std::span<const Span> spans, const ExportContext& context) {
  const std::string where = "OTLP/HTTP export to " + config_.endpoint;
  if (context.stop_requested()) return ExportResult::failure(ExportError::cancelled, where + ": stopped before it began");
  std::string body = encode_otlp_json(spans, resource_);
  if (config_.compression == Compression::gzip) {
    auto z = gzip(body);
    if (!z) return ExportResult::failure(ExportError::local, where + ": gzip compression failed");
    body = std::move(*z);
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(context.deadline() - Clock::now());
  if (left <= 0ms) return ExportResult::failure(ExportError::timeout, where + ": no time left before the deadline", true);
  const long timeout_ms = static_cast<long>(std::min(left, config_.timeout).count());

  ConnectionPtr conn = acquire();
  if (!conn) return ExportResult::failure(ExportError::local, where + ": libcurl could not create a handle");
  CURL* easy = conn->easy;
  CURLM* multi = conn->multi;
  curl_easy_reset(easy);
  std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  // "Expect:" turns off curl's 100-continue round trip for larger bodies.
  for (const char* h : {"Expect:", config_.compression == Compression::gzip ? "Content-Encoding: gzip" : nullptr})
    if (h != nullptr) headers.reset(curl_slist_append(headers.release(), h));
  for (const auto& [k, v] : config_.headers) headers.reset(curl_slist_append(headers.release(), (k + ": " + v).c_str()));
  Response response;
  char curl_error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, config_.endpoint.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response);

  // The multi interface, so that a stop request (shutdown's deadline) ends the request at
  // once: the stop callback wakes curl_multi_poll, and the loop gives up the transfer.
  curl_multi_add_handle(multi, easy);
  bool cancelled = false;
  CURLMcode multi_rc = CURLM_OK;
  {
    std::stop_callback wake(context.stop_token(), [multi] { curl_multi_wakeup(multi); });
    for (;;) {
      int running = 0;
      multi_rc = curl_multi_perform(multi, &running);
      if (multi_rc != CURLM_OK || running == 0) break;
      if (context.stop_requested()) {
        cancelled = true;
        break;
      }
      curl_multi_poll(multi, nullptr, 0, 100, nullptr);  // sooner for curl's timers or a wake-up
    }
  }
  CURLcode rc = CURLE_OK;
  bool finished = false;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg == CURLMSG_DONE) {
      rc = msg->data.result;
      finished = true;
    }
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_multi_remove_handle(multi, easy);  // ends an unfinished transfer and closes its connection
  release(std::move(conn));

  if (cancelled) return ExportResult::failure(ExportError::cancelled, where + ": aborted by a stop request");
  if (multi_rc != CURLM_OK || !finished)
    return ExportResult::failure(ExportError::local, where + ": libcurl failed: " + curl_multi_strerror(multi_rc));
  ExportResult r;
  r.http_status = static_cast<int>(status);
  if (rc != CURLE_OK) {
    const std::string detail = curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc);
    r.error = rc == CURLE_OPERATION_TIMEDOUT ? ExportError::timeout
              : local_curl_error(rc)         ? ExportError::local
                                             : ExportError::network;
    r.retryable = r.error != ExportError::local;
    r.message = where + " failed: " + detail;
    return r;
  }
  if (status >= 200 && status < 300) {
    read_partial_success(response.body, r);
    return r;
  }
  r.retryable = status == 429 || status == 502 || status == 503 || status == 504;
  r.error = status == 429 || status >= 500 ? ExportError::server_error : ExportError::client_error;
  if (r.retryable)
    r.retry_after = parse_retry_after(response.retry_after, std::chrono::system_clock::now()).value_or(0ms);
  r.message = where + " returned HTTP " + std::to_string(status);
  if (const std::string detail = error_detail(response.body); !detail.empty()) r.message += ": " + detail;
  return r;
}

}  // namespace span_collector
