// SPDX-License-Identifier: MIT
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "span_collector/exporter.hpp"

namespace span_collector {

FileExporter::FileExporter(const std::string& path, Resource resource, FileMode mode)
    : file_(std::fopen(path.c_str(), mode == FileMode::append ? "a" : "w")),
      resource_(std::move(resource)),
      path_(path) {
  if (file_ == nullptr)
    throw std::runtime_error("FileExporter: cannot open '" + path + "' for " +
                             (mode == FileMode::append ? "appending" : "writing") + ": " + std::strerror(errno));
}

FileExporter::~FileExporter() { std::fclose(file_); }

ExportResult FileExporter::export_spans(std::span<const Span> spans, const ExportContext&) {
  const std::string line = encode_otlp_json(spans, resource_) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  errno = 0;
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    const int error = errno;
    std::clearerr(file_);  // a later batch tries again (the disk may have room by then)
    return ExportResult::failure(ExportError::local,
                                 "FileExporter: write to '" + path_ + "' failed: " + std::strerror(error));
  }
  return ExportResult::success();
}

ExportResult StdoutExporter::export_spans(std::span<const Span> spans, const ExportContext&) {
  const std::string line = encode_otlp_json(spans, resource_);
  std::lock_guard<std::mutex> lock(mutex_);
  std::cout << line << '\n' << std::flush;
  return std::cout ? ExportResult::success() : ExportResult::failure(ExportError::local, "stdout write failed");
}

}  // namespace span_collector
