// Reading Quint's ITF traces (Informal Trace Format JSON) for the model-based tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace itf {

using json = nlohmann::json;

/// ITF integers are {"#bigint": "N"}.
inline std::int64_t big(const json& j) {
  if (j.is_object() && j.contains("#bigint")) return std::stoll(j["#bigint"].get<std::string>());
  return j.get<std::int64_t>();
}

/// An ITF list of integers.
inline std::vector<std::uint64_t> int_list(const json& j) {
  std::vector<std::uint64_t> out;
  for (const auto& x : j) out.push_back(static_cast<std::uint64_t>(big(x)));
  return out;
}

/// ITF maps are {"#map": [[key, value], ...]}.
inline json map_get(const json& m, std::int64_t key) {
  for (const auto& kv : m.at("#map"))
    if (big(kv[0]) == key) return kv[1];
  throw std::runtime_error("key not in map: " + std::to_string(key));
}

/// The trace files named `<prefix>*.itf.json` in the committed directory and in every
/// directory of RINGMPSC_MBT_TRACES (':'-separated; CI generates fresh traces there).
inline std::vector<std::filesystem::path> trace_files(const std::string& prefix) {
  std::vector<std::string> dirs{RINGMPSC_MBT_COMMITTED_TRACES};
  if (const char* extra = std::getenv("RINGMPSC_MBT_TRACES")) {
    std::stringstream ss(extra);
    for (std::string d; std::getline(ss, d, ':');)
      if (!d.empty()) dirs.push_back(d);
  }
  std::vector<std::filesystem::path> files;
  for (const auto& d : dirs) {
    if (!std::filesystem::is_directory(d)) continue;
    for (const auto& e : std::filesystem::directory_iterator(d)) {
      const auto name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && name.find(".itf.json") != std::string::npos) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace itf
