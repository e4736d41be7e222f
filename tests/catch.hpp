// Builds the suite with Catch2 v3 (find_package or FetchContent) or Debian's Catch2 2.13.
// Only macros present in both versions are used (no SKIP, no STATIC_CHECK).
#pragma once
#if defined(RINGMPSC_CATCH2_V3)
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#else
#include <catch2/catch.hpp>
#endif
