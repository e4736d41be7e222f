// The ways users write a consumer, each one consumer API call per harness call, for any
// consumer with ringmpsc's member names: ringmpsc::Ring and Channel, and the in-house
// ring and fan-in (inhouse_ring.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol.hpp"

namespace bench {

enum class Take { pop, recv, consume, recv_for };

struct ConsumerStyle {
  std::string name;
  Take take;
  std::size_t n;  // span size (recv, recv_for) or max (consume; 0: everything published)
};

/// The timeout of the blocking style: long enough to park, short enough that the final
/// empty call of a run (which waits it out) costs little.
inline constexpr std::chrono::milliseconds recv_timeout{1};

inline std::vector<ConsumerStyle> consumer_styles() {
  return {{"try_pop", Take::pop, 1},
          {"try_recv [1]", Take::recv, 1},
          {"try_recv [16]", Take::recv, 16},
          {"try_recv [256]", Take::recv, 256},
          {"try_consume (all)", Take::consume, 0},
          {"try_consume (max 64)", Take::consume, 64},
          {"try_recv_for [256], 1 ms", Take::recv_for, 256}};
}

/// Calls f(std::integral_constant<Take, k>{}): the style chosen at run time, the call
/// compiled for it.
template <class F>
decltype(auto) with_take(Take k, F&& f) {
  switch (k) {
    case Take::pop:
      return f(std::integral_constant<Take, Take::pop>{});
    case Take::recv:
      return f(std::integral_constant<Take, Take::recv>{});
    case Take::consume:
      return f(std::integral_constant<Take, Take::consume>{});
    case Take::recv_for:
      break;
  }
  return f(std::integral_constant<Take, Take::recv_for>{});
}

template <class R>
std::size_t count_of(const R& r) {
  if constexpr (std::is_integral_v<R>) {
    return r;
  } else {
    return r.count;  // ringmpsc::BatchResult
  }
}

/// One call of consumer c in style K; every item taken goes through v. `buf` holds the
/// span of the recv styles; n is the style's size.
template <Take K, class C, class T>
RINGMPSC_ALWAYS_INLINE std::size_t take_once(C& c, Verifier<T>& v, std::span<T> buf,
                                          std::size_t n) {
  if constexpr (K == Take::pop) {
    T x{};
    if (!c.try_pop(x)) return 0;
    v(x);
    return 1;
  } else if constexpr (K == Take::consume) {
    return n ? c.try_consume(v, n) : c.try_consume(v);
  } else {
    std::size_t got;
    if constexpr (K == Take::recv) {
      got = c.try_recv(buf);
    } else {
      got = count_of(c.try_recv_for(buf, recv_timeout));
    }
    for (std::size_t i = 0; i < got; ++i) v(buf[i]);
    return got;
  }
}

}  // namespace bench
