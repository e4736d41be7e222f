// SPDX-License-Identifier: MIT
// An OTLP/HTTP receiver on 127.0.0.1 for tests and local runs: decodes each request body
// (gzip too), validates it against the OTLP/JSON encoding of TracesData, and answers what
// a script says (a status, a body, headers, a delay, or nothing at all).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace otlp_testing {

struct ReceivedRequest {
  std::string method, path;
  std::vector<std::pair<std::string, std::string>> headers;  ///< as sent
  std::size_t wire_size = 0;           ///< body bytes as sent
  std::string body;                    ///< decoded (gunzipped when Content-Encoding: gzip)
  std::string problem;                 ///< why the body is not valid OTLP JSON; empty when valid
  std::vector<std::string> span_names;  ///< of a valid body, in order
  /// The value of the first header called `name` (any case), if any.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

/// What to answer to one request.
struct Reply {
  int status = 200;
  std::string body;                  ///< e.g. partial_success_body(...)
  std::vector<std::string> headers;  ///< extra header lines, e.g. "Retry-After: 1"
  std::chrono::milliseconds delay{0};  ///< answer after this long
  bool hang = false;                 ///< never answer (until the receiver stops)
  bool drop = false;                 ///< close the connection without answering
};

/// The answer to the `index`-th request (from 0). The default script answers 200 to a
/// valid body and 400 (with the problem as a google.rpc.Status message) to an invalid one.
using Script = std::function<Reply(const ReceivedRequest&, std::size_t index)>;

class OtlpReceiver {
 public:
  /// Listens on 127.0.0.1:`port` (0: an ephemeral port). Throws std::runtime_error if it
  /// cannot.
  explicit OtlpReceiver(Script script = {}, std::uint16_t port = 0);
  ~OtlpReceiver();
  OtlpReceiver(const OtlpReceiver&) = delete;
  OtlpReceiver& operator=(const OtlpReceiver&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const;  ///< http://127.0.0.1:PORT/v1/traces
  /// Closes the listening socket and every connection, answering nothing more: a receiver
  /// that died. Later connections are refused. Idempotent.
  void stop();

  [[nodiscard]] std::vector<ReceivedRequest> requests() const;
  [[nodiscard]] std::size_t request_count() const;
  /// Spans in valid bodies answered 2xx, less those the answer's partial_success rejected.
  [[nodiscard]] std::uint64_t spans_accepted() const;
  /// Requests whose body was not valid OTLP JSON.
  [[nodiscard]] std::size_t invalid_bodies() const;
  /// TCP connections accepted (fewer than requests when the client keeps them alive).
  [[nodiscard]] std::size_t connections() const;
  /// Waits until `n` requests have arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int fd);
  bool read_request(int fd, ReceivedRequest& r);

  Script script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<std::thread> connections_;
  std::vector<ReceivedRequest> requests_;
  std::uint64_t accepted_ = 0;
  std::size_t invalid_ = 0;
  std::size_t connections_accepted_ = 0;
  std::thread acceptor_;
};

/// Why `body` is not a TracesData (ExportTraceServiceRequest) in the OTLP/JSON encoding
/// (unknown fields, ids that are not lowercase hex of the right length, 64-bit integers
/// not written as decimal strings, a doubleValue that is neither a number nor "NaN",
/// "Infinity" or "-Infinity", ...), naming the path of the first problem; nothing when
/// valid. Appends the span names to `names` when given.
[[nodiscard]] std::optional<std::string> otlp_json_problem(const nlohmann::json& body,
                                                           std::vector<std::string>* names = nullptr);
/// The gzip-compressed `in` decompressed, or nothing if it is not a valid gzip stream.
[[nodiscard]] std::optional<std::string> gunzip(std::string_view in);
/// An ExportTraceServiceResponse body with partial_success.
[[nodiscard]] std::string partial_success_body(std::uint64_t rejected, const std::string& message);
/// `t` as an HTTP IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
[[nodiscard]] std::string http_date(std::chrono::system_clock::time_point t);

}  // namespace otlp_testing
