// A reference model (std::deque) and an interpreter of operation sequences, shared by
// the property-based tests (RapidCheck) and the libFuzzer harness. An operation is two
// bytes: a code and an argument. run_ring_ops() applies a sequence to a real ring and to
// the model and returns a description of the first difference, if any.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ringmpsc/ringmpsc.hpp>

namespace model {

using Op = std::pair<std::uint8_t, std::uint8_t>;

/// Applies `ops` to `ring` (empty, any capacity) and to a deque; returns the first
/// mismatch. Values pushed are 0, 1, 2, ... so a consumer can check FIFO and contents.
/// `start` is the ring's initial sequence (TestAccess::set_sequence), 0 for a new ring.
inline std::optional<std::string> run_ring_ops(ringmpsc::BasicRing<std::uint64_t>& ring, const std::vector<Op>& ops,
                                               std::uint64_t start = 0) {
  const std::size_t cap = ring.capacity();
  std::deque<std::uint64_t> model;
  std::uint64_t next = 0, tail = start;  // tail: the model's sequence counter (for the wrap rule)
  bool closed = false;
  auto fail = [&](std::size_t i, const std::string& what) {
    return "op " + std::to_string(i) + " (code " + std::to_string(ops[i].first % 8) + ", arg " +
           std::to_string(ops[i].second) + "): " + what;
  };
  auto take = [&](std::size_t i, std::uint64_t got) -> std::optional<std::string> {
    if (model.empty()) return fail(i, "consumed an item the model does not have");
    if (got != model.front()) return fail(i, "got " + std::to_string(got) + ", expected " + std::to_string(model.front()));
    model.pop_front();
    return std::nullopt;
  };
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::size_t arg = ops[i].second;
    switch (ops[i].first % 8) {
      case 0: {  // try_push
        const bool expect = !closed && model.size() < cap;
        if (ring.try_push(next) != expect) return fail(i, "try_push result differs");
        if (expect) model.push_back(next++), ++tail;
        break;
      }
      case 1: {  // try_reserve(n), write, commit(k)
        const std::size_t n = 1 + arg % cap;
        auto r = ring.try_reserve(n);
        const std::size_t expect =
            closed ? 0 : std::min({n, cap - model.size(), cap - static_cast<std::size_t>(tail % cap)});
        if (r.size() != expect) return fail(i, "try_reserve size " + std::to_string(r.size()) + ", expected " + std::to_string(expect));
        for (std::size_t k = 0; k < r.size(); ++k) r[k] = next + k;
        const std::size_t commit = r.size() == 0 ? 0 : (arg / 7) % (r.size() + 1);
        if (r.size() != 0 && !r.commit(commit)) return fail(i, "commit refused on an open ring");
        for (std::size_t k = 0; k < commit; ++k) model.push_back(next++), ++tail;
        break;
      }
      case 2: {  // try_send(n)
        const std::size_t n = 1 + arg % (cap + 2);
        std::vector<std::uint64_t> items(n);
        for (std::size_t k = 0; k < n; ++k) items[k] = next + k;
        const std::size_t expect = closed ? 0 : std::min(n, cap - model.size());
        if (ring.try_send(items) != expect) return fail(i, "try_send count differs");
        for (std::size_t k = 0; k < expect; ++k) model.push_back(next++), ++tail;
        break;
      }
      case 3: {  // try_consume(h, max)
        const std::size_t max = 1 + arg % (cap + 2);
        const std::size_t before = model.size();
        std::optional<std::string> err;
        const std::size_t got = ring.try_consume(
            [&](const std::uint64_t& v) {
              if (!err) err = take(i, v);
            },
            max);
        if (err) return err;
        if (got != std::min(max, before)) return fail(i, "try_consume took " + std::to_string(got));
        break;
      }
      case 4: {  // try_pop
        std::uint64_t v = 0;
        const bool expect = !model.empty();
        if (ring.try_pop(v) != expect) return fail(i, "try_pop result differs");
        if (expect)
          if (auto err = take(i, v)) return err;
        break;
      }
      case 5: {  // readable + advance(k)
        const auto view = ring.readable();
        const std::size_t head_idx = static_cast<std::size_t>((tail - model.size()) % cap);
        const std::size_t most = std::min(model.size(), cap - head_idx);
        // readable() reloads the tail only when its cache shows nothing, so it may show
        // fewer items than are published, but never none while some are.
        if (view.size() > most || (most != 0 && view.empty()))
          return fail(i, "readable size " + std::to_string(view.size()) + ", at most " + std::to_string(most));
        for (std::size_t k = 0; k < view.size(); ++k)
          if (view[k] != model[k]) return fail(i, "readable contents differ");
        const std::size_t k = view.empty() ? 0 : arg % (view.size() + 1);
        ring.advance(k);
        for (std::size_t j = 0; j < k; ++j) model.pop_front();
        break;
      }
      case 6: {  // try_consume (drain)
        std::optional<std::string> err;
        ring.try_consume([&](const std::uint64_t& v) {
          if (!err) err = take(i, v);
        });
        if (err) return err;
        if (!model.empty()) return fail(i, "try_consume left items");
        break;
      }
      case 7:  // close (rarely: only when the argument says so)
        if (arg > 240) {
          ring.close();
          closed = true;
        }
        break;
    }
    if (ring.was_size() != model.size()) return fail(i, "was_size " + std::to_string(ring.was_size()) + ", model " + std::to_string(model.size()));
    if (ring.was_empty() != model.empty() || ring.was_full() != (model.size() == cap)) return fail(i, "was_empty/was_full differ");
    if (ring.is_closed() != closed) return fail(i, "closed differs");
  }
  return std::nullopt;
}

}  // namespace model
