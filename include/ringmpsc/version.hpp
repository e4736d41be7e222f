// ringmpsc - lock-free multi-producer single-consumer channels.
// SPDX-License-Identifier: MIT
#pragma once

// Kept equal to project(VERSION) in CMakeLists.txt; tests/version_test.cpp checks it.
#define RINGMPSC_VERSION_MAJOR 0
#define RINGMPSC_VERSION_MINOR 2
#define RINGMPSC_VERSION_PATCH 0
#define RINGMPSC_VERSION_STRING "0.2.0"

namespace ringmpsc {
inline constexpr int version_major = RINGMPSC_VERSION_MAJOR;
inline constexpr int version_minor = RINGMPSC_VERSION_MINOR;
inline constexpr int version_patch = RINGMPSC_VERSION_PATCH;
}  // namespace ringmpsc
