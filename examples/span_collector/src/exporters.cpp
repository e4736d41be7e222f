// SPDX-License-Identifier: MIT
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <stdexcept>
#include <thread>

#include "span_collector/exporter.hpp"

namespace span_collector {

// ------------------------------------------------------------------- file, stdout ---

FileExporter::FileExporter(const std::string& path, Resource resource)
    : file_(std::fopen(path.c_str(), "a")), resource_(std::move(resource)), path_(path) {
  if (file_ == nullptr)
    throw std::runtime_error("FileExporter: cannot open '" + path + "' for appending: " + std::strerror(errno));
}

FileExporter::~FileExporter() { std::fclose(file_); }

ExportResult FileExporter::export_spans(std::span<const Span> spans, Clock::time_point) {
  const std::string line = to_otlp_json(spans, resource_).dump() + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    return ExportResult::failure("FileExporter: write to '" + path_ + "' failed: " + std::strerror(errno));
  return ExportResult::success();
}

ExportResult StdoutExporter::export_spans(std::span<const Span> spans, Clock::time_point) {
  const std::string line = to_otlp_json(spans, resource_).dump();
  std::lock_guard<std::mutex> lock(mutex_);
  std::cout << line << '\n' << std::flush;
  return std::cout ? ExportResult::success() : ExportResult::failure("stdout write failed");
}

// ------------------------------------------------------------------------- http ---

void validate_endpoint_url(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    throw std::invalid_argument("invalid OTLP endpoint URL '" + url + "': " + why);
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
  const std::string authority = url.substr(scheme_end, path_start == std::string::npos ? std::string::npos : path_start - scheme_end);
  const std::size_t colon = authority.rfind(':');
  const bool bracketed = !authority.empty() && authority.front() == '[';
  const std::string host = (colon == std::string::npos || (bracketed && authority.find(']') > colon)) ? authority : authority.substr(0, colon);
  if (host.empty()) bad("the host is missing");
  if (colon != std::string::npos && !(bracketed && authority.find(']') > colon)) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) == 0 ||
        std::stoi(port) > 65535)
      bad("the port must be a number in [1, 65535]");
  }
}

namespace {
std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}
}  // namespace

HttpConfig HttpConfig::from_env() {
  HttpConfig c;
  if (const char* traces = std::getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); traces && *traces) {
    c.endpoint = traces;
  } else {
    std::string base = "http://localhost:4318";
    if (const char* e = std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); e && *e) base = e;
    while (!base.empty() && base.back() == '/') base.pop_back();
    c.endpoint = base + "/v1/traces";
  }
  validate_endpoint_url(c.endpoint);
  if (const char* h = std::getenv("OTEL_EXPORTER_OTLP_HEADERS"); h && *h) {
    std::string all = h;
    std::size_t pos = 0;
    while (pos <= all.size()) {
      const auto comma = all.find(',', pos);
      const std::string entry = trim(all.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (!entry.empty()) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos || trim(entry.substr(0, eq)).empty())
          throw std::invalid_argument("OTEL_EXPORTER_OTLP_HEADERS: entry '" + entry + "' is not key=value");
        c.headers[trim(entry.substr(0, eq))] = percent_decode(trim(entry.substr(eq + 1)));
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return c;
}

namespace {
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void ensure_curl() { static CurlGlobal global; }

std::size_t discard_body(char*, std::size_t size, std::size_t n, void*) { return size * n; }
std::size_t read_header(char* data, std::size_t size, std::size_t n, void* user) {
  std::string line(data, size * n);
  auto* retry_after = static_cast<std::chrono::milliseconds*>(user);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("retry-after:", 0) == 0) {
    const std::string value = trim(line.substr(12));
    char* end = nullptr;
    const long secs = std::strtol(value.c_str(), &end, 10);
    if (end != value.c_str() && secs >= 0) *retry_after = std::chrono::seconds(secs);
  }
  return size * n;
}
}  // namespace

HttpExporter::HttpExporter(HttpConfig config, Resource resource)
    : config_(std::move(config)), resource_(std::move(resource)) {
  validate_endpoint_url(config_.endpoint);
  ensure_curl();
}

HttpExporter::~HttpExporter() = default;

ExportResult HttpExporter::export_spans(std::span<const Span> spans, Clock::time_point deadline) {
  const std::string body = to_otlp_json(spans, resource_).dump();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return ExportResult::failure("curl_easy_init failed", true);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& [k, v] : config_.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const long timeout_ms = std::max<long>(1, static_cast<long>(std::min(left, config_.timeout).count()));
  std::chrono::milliseconds retry_after{0};
  curl_easy_setopt(curl, CURLOPT_URL, config_.endpoint.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &retry_after);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  ExportResult r;
  r.http_status = static_cast<int>(status);
  r.retry_after = retry_after;
  if (rc != CURLE_OK) {
    r.retryable = true;  // network errors are retried
    r.error = std::string("OTLP/HTTP export to ") + config_.endpoint + " failed: " + curl_easy_strerror(rc);
  } else if (status >= 200 && status < 300) {
    r.ok = true;
  } else {
    r.retryable = status == 429 || status == 502 || status == 503 || status == 504;
    r.error = "OTLP/HTTP export to " + config_.endpoint + " returned HTTP " + std::to_string(status);
  }
  return r;
}

// ------------------------------------------------------------------------ retry ---

RetryExporter::RetryExporter(std::shared_ptr<Exporter> inner, Policy policy)
    : inner_(std::move(inner)), policy_(policy) {}

ExportResult RetryExporter::export_spans(std::span<const Span> spans, Clock::time_point deadline) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  ExportResult r;
  for (int attempt = 1;; ++attempt) {
    attempts_.fetch_add(1, std::memory_order_relaxed);
    r = inner_->export_spans(spans, deadline);
    if (r.ok || !r.retryable || attempt >= policy_.max_attempts) return r;
    const double cap = std::min<double>(static_cast<double>(policy_.max_backoff.count()),
                                        static_cast<double>(policy_.initial_backoff.count()) *
                                            std::pow(policy_.multiplier, attempt - 1));
    std::uniform_real_distribution<double> jitter(0.0, cap);  // full jitter
    auto wait = std::chrono::milliseconds(static_cast<long>(jitter(rng)));
    if (r.retry_after > wait) wait = r.retry_after;  // the server knows best
    if (Clock::now() + wait > deadline) {
      r.error += " (no time left for another attempt)";
      return r;
    }
    std::this_thread::sleep_for(wait);
  }
}

// -------------------------------------------------------------- circuit breaker ---

CircuitBreaker::CircuitBreaker(std::shared_ptr<Exporter> inner, Policy policy,
                               std::function<Clock::time_point()> now)
    : inner_(std::move(inner)), policy_(policy), now_(std::move(now)) {}

CircuitBreaker::State CircuitBreaker::state() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == State::open && now_() - opened_at_ >= policy_.open_timeout) {
    state_ = State::half_open;
    successes_ = 0;
  }
  return state_;
}

ExportResult CircuitBreaker::export_spans(std::span<const Span> spans, Clock::time_point deadline) {
  if (state() == State::open) return ExportResult::failure("circuit breaker is open", false);
  ExportResult r = inner_->export_spans(spans, deadline);
  std::lock_guard<std::mutex> lock(mutex_);
  if (r.ok) {
    failures_ = 0;
    if (state_ == State::half_open && ++successes_ >= policy_.success_threshold) state_ = State::closed;
  } else if (state_ == State::half_open || ++failures_ >= policy_.failure_threshold) {
    state_ = State::open;
    opened_at_ = now_();
    failures_ = 0;
  }
  return r;
}

// ----------------------------------------------------------------- rate limiter ---

RateLimiter::RateLimiter(std::shared_ptr<Exporter> inner, double spans_per_second, double burst,
                         std::function<Clock::time_point()> now, std::function<void(Clock::duration)> sleep)
    : inner_(std::move(inner)), rate_(spans_per_second), burst_(burst), tokens_(burst),
      now_(std::move(now)), sleep_(std::move(sleep)), last_(now_()) {
  if (!(rate_ > 0) || !(burst_ >= 1)) throw std::invalid_argument("RateLimiter: rate must be > 0 and burst >= 1");
}

ExportResult RateLimiter::export_spans(std::span<const Span> spans, Clock::time_point deadline) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    const double need = std::min<double>(static_cast<double>(spans.size()), burst_);
    for (;;) {
      const auto t = now_();
      tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(t - last_).count());
      last_ = t;
      if (tokens_ >= need) break;
      const auto wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((need - tokens_) / rate_));
      if (t + wait > deadline) return ExportResult::failure("rate limited: no tokens before the deadline", false);
      lock.unlock();
      sleep_(wait);
      lock.lock();
    }
    tokens_ -= static_cast<double>(spans.size());  // a batch larger than the burst borrows
  }
  return inner_->export_spans(spans, deadline);
}

}  // namespace span_collector
