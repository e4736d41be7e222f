# Resolves RINGMPSC_BUILD_TESTS (AUTO, or a CMake boolean) into RINGMPSC_WITH_TESTS (ON or
# OFF), finding Catch2 when the tests may be built: v3 if installed (or fetched on
# request), else Debian's 2.13, with RINGMPSC_CATCH2_MAJOR set to 3 or 2. Only an
# explicit ON makes a missing Catch2 an error. Included at the top level: find_package and
# include(Catch) must run in directory scope for the tests to see what they define.
string(TOUPPER "${RINGMPSC_BUILD_TESTS}" _ringmpsc_tests)
set(RINGMPSC_WITH_TESTS OFF)
if(_ringmpsc_tests MATCHES "^(OFF|FALSE|NO|N|0)$" OR (_ringmpsc_tests STREQUAL "AUTO" AND NOT RINGMPSC_TOP_LEVEL))
  return()
endif()
if(NOT _ringmpsc_tests MATCHES "^(AUTO|ON|TRUE|YES|Y|1)$")
  message(FATAL_ERROR "RINGMPSC_BUILD_TESTS must be AUTO, ON or OFF, not '${RINGMPSC_BUILD_TESTS}'")
endif()

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
  find_package(Catch2 2 QUIET CONFIG)
  if(Catch2_FOUND)
    set(RINGMPSC_CATCH2_MAJOR 2)
  endif()
endif()

if(NOT RINGMPSC_CATCH2_MAJOR)
  set(_ringmpsc_hint "install Catch2 v2.13 or v3 (Debian: catch2) or configure with -DRINGMPSC_FETCH_CATCH2=ON")
  if(_ringmpsc_tests STREQUAL "AUTO")
    message(STATUS "ringmpsc: Catch2 not found, so the tests are off; ${_ringmpsc_hint}")
    return()
  endif()
  message(FATAL_ERROR "ringmpsc: RINGMPSC_BUILD_TESTS is ON but Catch2 was not found; "
                      "${_ringmpsc_hint}, or set -DRINGMPSC_BUILD_TESTS=OFF")
endif()
include(Catch)
message(STATUS "ringmpsc tests: Catch2 v${RINGMPSC_CATCH2_MAJOR}")
set(RINGMPSC_WITH_TESTS ON)
