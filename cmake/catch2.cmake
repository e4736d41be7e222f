# Catch2: v3 if installed (or fetched on request), else Debian's 2.13.
find_package(Catch2 3 QUIET CONFIG)
if(NOT Catch2_FOUND AND RINGMPSC_FETCH_CATCH2)
  include(FetchContent)
  FetchContent_Declare(Catch2
    GIT_REPOSITORY https://github.com/catchorg/Catch2.git
    GIT_TAG v3.7.1)
  FetchContent_MakeAvailable(Catch2)
  list(APPEND CMAKE_MODULE_PATH ${catch2_SOURCE_DIR}/extras)
  set(RINGMPSC_CATCH2_MAJOR 3)
elseif(Catch2_FOUND)
  set(RINGMPSC_CATCH2_MAJOR 3)
else()
  find_package(Catch2 2 REQUIRED CONFIG)
  set(RINGMPSC_CATCH2_MAJOR 2)
endif()
include(Catch)
message(STATUS "ringmpsc tests: Catch2 v${RINGMPSC_CATCH2_MAJOR}")
