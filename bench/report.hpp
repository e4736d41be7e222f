// The one report writer of the bench binaries: a markdown report (printed, and written
// where asked) and a JSON report with the same content, each with the environment header.
// bench/plot.py reads the JSON.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "machine.hpp"
#include "protocol.hpp"
#include "stats.hpp"

namespace bench {

// ------------------------------------------------------------------------- writers ---

__attribute__((format(printf, 1, 2))) inline std::string format(const char* f, ...) {
  char buf[256];
  va_list args;
  va_start(args, f);
  std::vsnprintf(buf, sizeof buf, f, args);
  va_end(args);
  return buf;
}

/// A markdown table: a header, an alignment per column ('l' or 'r'), rows of cells.
class Table {
 public:
  Table(std::vector<std::string> header, std::string align)
      : header_(std::move(header)), align_(std::move(align)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void write(std::ostream& out) const {
    line_(out, header_);
    for (std::size_t i = 0; i < header_.size(); ++i)
      out << "|" << (i < align_.size() && align_[i] == 'r' ? "---:" : "---");
    out << "|\n";
    for (const auto& r : rows_) line_(out, r);
    out << "\n";
  }

 private:
  static void line_(std::ostream& out, const std::vector<std::string>& cells) {
    for (const auto& c : cells) out << "| " << c << " ";
    out << "|\n";
  }
  std::vector<std::string> header_;
  std::string align_;
  std::vector<std::vector<std::string>> rows_;
};

/// Writes JSON as it goes: objects and arrays nest; numbers that are not finite become
/// null. One value per line, except arrays of numbers, which stay on one line.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  ~JsonWriter() { out_ << "\n"; }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  /// Opens an object ('{') or array ('['), as the member `key` of an enclosing object,
  /// or as the next item of an enclosing array (key empty).
  JsonWriter& open(char bracket, std::string_view key = {}) {
    begin_(key);
    out_ << bracket;
    closers_.push_back(bracket == '{' ? '}' : ']');
    first_.push_back(true);
    return *this;
  }
  JsonWriter& close() {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) out_ << "\n" << std::string(2 * first_.size(), ' ');
    out_ << closers_.back();
    closers_.pop_back();
    return *this;
  }
  template <class V>
  JsonWriter& field(std::string_view key, const V& v) {
    begin_(key);
    value_(v);
    return *this;
  }
  template <class V>
  JsonWriter& item(const V& v) {
    return field({}, v);
  }

 private:
  void begin_(std::string_view key) {
    if (!first_.empty()) {
      out_ << (first_.back() ? "\n" : ",\n") << std::string(2 * first_.size(), ' ');
      first_.back() = false;
    }
    if (!key.empty()) {
      value_(key);
      out_ << ": ";
    }
  }
  void value_(double v) {
    if (std::isfinite(v)) {
      out_ << format("%.10g", v);
    } else {
      out_ << "null";
    }
  }
  void value_(bool v) { out_ << (v ? "true" : "false"); }
  template <class I>
  requires std::is_integral_v<I>
  void value_(I v) { out_ << v; }
  void value_(std::string_view s) {
    out_ << '"';
    for (const char c : s) {
      if (c == '"' || c == '\\') {
        out_ << '\\' << c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out_ << format("\\u%04x", static_cast<unsigned>(c));
      } else {
        out_ << c;
      }
    }
    out_ << '"';
  }
  void value_(const std::string& s) { value_(std::string_view(s)); }
  void value_(const char* s) { value_(std::string_view(s)); }
  void value_(const std::vector<double>& v) {
    out_ << '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      out_ << (i ? ", " : "");
      value_(v[i]);
    }
    out_ << ']';
  }

  std::ostream& out_;
  std::vector<char> closers_;
  std::vector<bool> first_;
};

// ------------------------------------------------------------------------ summaries ---

/// The comparator of e: the group's reference entry, else the `ours` entry of e's pair.
inline const Entry* comparator(const Group& g, const Entry& e) {
  for (const auto& x : g.entries)
    if (x.reference) return &x;
  for (const auto& x : g.entries)
    if (x.ours && x.pair == e.pair) return &x;
  return nullptr;
}

/// Per-run figures of one entry.
struct Series {
  std::vector<double> value, cpu, ratio, items_per_call, failed_pop_pct, failed_push_pct,
      items_per_release, waits, wakeups;
  int unordered_runs = 0;
  bool has_evidence = false, has_metrics = false;
};

inline Series series(const Group& g, const Entry& e) {
  Series s;
  const Entry* c = comparator(g, e);
  for (std::size_t i = 0; i < e.samples.size(); ++i) {
    const Sample& x = e.samples[i];
    s.unordered_runs += !x.ordered;
    s.value.push_back(x.value);
    s.cpu.push_back(x.msgs_per_cpu_s);
    if (c != nullptr && i < c->samples.size() && x.value > 0 && c->samples[i].value > 0)
      s.ratio.push_back(c->reference ? x.value / c->samples[i].value
                                     : c->samples[i].value / x.value);
    s.items_per_call.push_back(x.evidence.items_per_call(x.items));
    s.failed_pop_pct.push_back(x.evidence.failed_pop_pct());
    s.failed_push_pct.push_back(x.evidence.failed_push_pct());
    s.items_per_release.push_back(x.evidence.items_per_release());
    s.waits.push_back(static_cast<double>(x.evidence.waits));
    s.wakeups.push_back(static_cast<double>(x.evidence.wakeups));
    s.has_evidence |= x.evidence.consumer_calls != 0;
    s.has_metrics |= x.evidence.releases != 0;
  }
  return s;
}

// ------------------------------------------------------------------------- reports ---

struct Report {
  std::string title;
  Environment env;
  int rounds = 0;
  double duration_ms = 0;
  std::vector<std::string> protocol;  // lines for the header, after the environment
  std::vector<std::pair<std::string, std::string>> settings;  // options as run
  std::vector<Group> groups;
};

namespace detail {

inline bool throughput(const Group& g) { return g.metric == Metric::throughput; }
inline double scale(const Group& g) { return throughput(g) ? 1e-6 : 1.0; }
inline const char* unit(const Group& g) { return throughput(g) ? "msgs_per_s" : "round_trip_ns"; }
inline bool has_reference(const Group& g) {
  return std::any_of(g.entries.begin(), g.entries.end(),
                     [](const Entry& e) { return e.reference; });
}
inline bool has_evidence(const Group& g) {
  return std::any_of(g.entries.begin(), g.entries.end(),
                     [&g](const Entry& e) { return series(g, e).has_evidence; });
}
inline bool has_metrics(const Group& g) {
  return std::any_of(g.entries.begin(), g.entries.end(),
                     [&g](const Entry& e) { return series(g, e).has_metrics; });
}
inline bool paired(const Group& g) { return !g.entries.empty() && !g.entries.front().pair.empty(); }

inline std::string ratio_header(const Group& g) {
  for (const auto& e : g.entries)
    if (e.reference) return "this / " + e.queue;
  return throughput(g) ? "ringmpsc / this" : "ringmpsc / this (time)";
}

inline std::string fifo(const Series& s, std::size_t runs) {
  return s.unordered_runs == 0 ? "held"
                               : format("broken in %d of %zu runs", s.unordered_runs, runs);
}

/// Per-run values: the median, and the range when the runs differ.
inline std::string runs(const std::vector<double>& v) {
  const double lo = min_of(v), hi = max_of(v);
  return format("%.1f", median(v)) +
         (format("%.1f", lo) == format("%.1f", hi) ? "" : format(" (%.1f-%.1f)", lo, hi));
}

inline std::string spread(const Group& g, const Series& s) {
  return format("%.1f (%.1f - %.1f)", median(s.value) * scale(g), min_of(s.value) * scale(g),
                max_of(s.value) * scale(g));
}

inline void one_row_per_entry(std::ostream& md, const Group& g) {
  const bool tp = throughput(g), evidence = has_evidence(g), metrics = has_metrics(g);
  std::vector<std::string> head{
      "queue", tp ? "M msg/s median (min - max)" : "round trip ns median (min - max)"};
  if (tp) head.push_back("M msg per CPU-s");
  head.push_back(ratio_header(g));
  if (tp && evidence) head.push_back("per-producer FIFO");
  if (evidence) head.insert(head.end(), {"items/call", "failed pops %", "failed pushes %"});
  if (metrics) head.push_back("items per head update (metrics)");
  std::string align = "lr" + std::string(head.size() - 2, 'r');
  if (tp && evidence) align[4] = 'l';  // the FIFO column
  Table t(head, align);
  for (const auto& e : g.entries) {
    const Series s = series(g, e);
    std::vector<std::string> r{e.ours ? "**" + e.queue + "**" : e.queue, spread(g, s)};
    if (tp) r.push_back(format("%.1f", median(s.cpu) * 1e-6));
    r.push_back(format("%.2fx", median(s.ratio)));
    if (tp && evidence) r.push_back(fifo(s, e.samples.size()));
    if (evidence) {
      r.insert(r.end(), {runs(s.items_per_call), runs(s.failed_pop_pct), runs(s.failed_push_pct)});
    }
    if (metrics) r.push_back(s.has_metrics ? format("%.1f", median(s.items_per_release)) : "-");
    t.row(std::move(r));
  }
  t.write(md);
}

/// Entries compared in pairs (a consumer style, say): one row per pair, named by the pair
/// key; the columns are named by the first pair's two queues.
inline void one_row_per_pair(std::ostream& md, const Group& g) {
  std::string a = "ringmpsc", b = "peer";
  for (const auto& e : g.entries)
    if (!e.ours && comparator(g, e) != nullptr) {
      a = comparator(g, e)->queue;
      b = e.queue;
      break;
    }
  const bool metrics = has_metrics(g);
  std::vector<std::string> head{"style",      a + ": M msg/s", b + ": M msg/s",  a + " / " + b,
                                "items/call", "failed pops %", "failed pushes %"};
  if (metrics) head.push_back("items per head update (metrics)");
  Table t(head, metrics ? "lrrrrrrr" : "lrrrrrr");
  for (const auto& e : g.entries) {
    if (e.ours) continue;
    const Entry* o = comparator(g, e);
    if (o == nullptr) continue;
    const Series so = series(g, *o), se = series(g, e);
    std::vector<std::string> r{e.pair,
                               spread(g, so),
                               spread(g, se),
                               format("%.2fx", median(se.ratio)),
                               runs(so.items_per_call) + " / " + runs(se.items_per_call),
                               runs(so.failed_pop_pct) + " / " + runs(se.failed_pop_pct),
                               runs(so.failed_push_pct) + " / " + runs(se.failed_push_pct)};
    if (metrics) r.push_back(so.has_metrics ? format("%.1f", median(so.items_per_release)) : "-");
    t.row(std::move(r));
  }
  t.write(md);
}

inline void environment_json(JsonWriter& js, const Environment& env) {
  js.open('{', "environment")
      .field("cpu", env.cpu)
      .field("cores", env.cores)
      .field("caches", env.caches)
      .field("compiler", env.compiler)
      .field("flags", env.flags)
      .field("kernel", env.kernel)
      .field("load_average", env.load)
      .field("core_to_core_ns", env.c2c.median_ns)
      .field("core_to_core_best_ns", env.c2c.best_ns)
      .field("stream_ceiling_items_per_s", env.stream.items_per_s)
      .field("stream_ceiling_verified", env.stream.verified)
      .close();
}

inline void group_json(JsonWriter& js, const Group& g) {
  const std::string u = unit(g);
  js.open('{')
      .field("name", g.name)
      .field("mode", g.mode)
      .field("type", g.type)
      .field("producers", g.producers)
      .field("batch", g.batch)
      .field("capacity", g.capacity)
      .field("oversubscribed", g.oversubscribed)
      .field("metric", u)
      .open('[', "rows");
  for (const auto& e : g.entries) {
    const Series s = series(g, e);
    js.open('{').field("queue", e.queue).field("ours", e.ours);
    if (!e.pair.empty()) js.field("pair", e.pair);
    js.field("median_" + u, median(s.value))
        .field("min_" + u, min_of(s.value))
        .field("max_" + u, max_of(s.value));
    if (throughput(g)) js.field("median_msgs_per_cpu_s", median(s.cpu));
    js.field(has_reference(g) ? "ratio_this_over_reference" : "ratio_ours_over_this",
             median(s.ratio))
        .field("unordered_runs", s.unordered_runs)
        .field("rounds_" + u, s.value);
    if (s.has_evidence) {
      js.open('{', "evidence")
          .field("items_per_call", s.items_per_call)
          .field("failed_pop_pct", s.failed_pop_pct)
          .field("failed_push_pct", s.failed_push_pct);
      if (s.has_metrics) {
        js.field("items_per_head_update", s.items_per_release)
            .field("waits", s.waits)
            .field("wakeups", s.wakeups);
      }
      js.close();
    }
    js.close();
  }
  js.close().close();
}

}  // namespace detail

/// The markdown header: the environment and the protocol lines.
inline void write_header(std::ostream& md, const Report& r) {
  const Environment& env = r.env;
  md << "# " << r.title << "\n\n"
     << "- CPU: " << env.cpu << " (" << env.cores << " logical CPUs)\n"
     << "- Caches: " << env.caches << "\n"
     << "- Compiler: " << env.compiler << ", flags: " << env.flags << "\n"
     << "- Kernel: " << env.kernel << "; load average at start: " << env.load << "\n"
     << format(
            "- Core-to-core one-way latency (CPU 0 <-> 1): %.1f ns (best chunk of 100 round "
            "trips: %.1f ns)\n",
            env.c2c.median_ns, env.c2c.best_ns)
     << format(
            "- Bare two-thread stream ceiling (no queue; %zu-item u64 batches, a flag per batch, "
            "the consumer sums every item): %.1f M items/s%s\n",
            StreamCeiling::batch, env.stream.items_per_s * 1e-6,
            env.stream.verified ? "" : " (SUM CHECK FAILED)");
  for (const auto& line : r.protocol) md << "- " << line << "\n";
  if (!r.settings.empty()) {
    md << "- Options:";
    for (const auto& [k, v] : r.settings) md << " " << k << " " << v << ";";
    md << "\n";
  }
  md << "\n";
}

/// Prints the markdown report and writes it and the JSON report where paths are given.
inline void write_report(const Report& r, const std::string& json_path,
                         const std::string& md_path) {
  std::ostringstream md;
  write_header(md, r);
  for (const Group& g : r.groups) {
    md << "## " << g.name << (g.oversubscribed ? " (oversubscribed: more threads than CPUs)" : "")
       << "\n\n";
    if (detail::paired(g)) {
      detail::one_row_per_pair(md, g);
    } else {
      detail::one_row_per_entry(md, g);
    }
  }
  std::cout << md.str() << std::flush;
  if (!md_path.empty()) std::ofstream(md_path) << md.str();
  if (json_path.empty()) return;
  std::ofstream out(json_path);
  JsonWriter js(out);
  js.open('{').field("title", r.title);
  detail::environment_json(js, r.env);
  js.field("rounds", r.rounds).field("duration_ms", r.duration_ms);
  js.open('{', "settings");
  for (const auto& [k, v] : r.settings) js.field(k, v);
  js.close().open('[', "groups");
  for (const Group& g : r.groups) detail::group_json(js, g);
  js.close().close();
}

}  // namespace bench
