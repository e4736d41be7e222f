# cmake -DSOURCE=<repo> -DWORK=<dir> -DCXX=<compiler> -DVERSION=<project version>
#       -P run_readme_fetchcontent.cmake
# Runs the README's FetchContent snippet as written, except that GIT_REPOSITORY points at
# a scratch copy of this repository (a file:// URL), at the tag the snippet names.
# The scratch copy holds HEAD and, when this repository has it, that tag; when the tag is
# missing (a clone without tags), it is created there on HEAD and the output says so. This
# test never tags this repository itself. With the real tag, the fetched sources must report
# the tag's version.
cmake_minimum_required(VERSION 3.24)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

if(NOT EXISTS "${SOURCE}/.git")
  message(STATUS "SKIPPED: ${SOURCE} is not a git checkout, so there is no tag to fetch")
  return()
endif()

# --- the snippet -------------------------------------------------------------------------
file(READ ${SOURCE}/README.md readme)
string(FIND "${readme}" "**CMake FetchContent**" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md has no **CMake FetchContent** section")
endif()
string(SUBSTRING "${readme}" ${at} -1 rest)
if(NOT rest MATCHES "```cmake\n([^`]*)```")
  message(FATAL_ERROR "README.md: no ```cmake block after **CMake FetchContent**")
endif()
set(snippet "${CMAKE_MATCH_1}")
if(NOT snippet MATCHES "GIT_REPOSITORY[ \t]+([^ \t\n]+)")
  message(FATAL_ERROR "README FetchContent snippet has no GIT_REPOSITORY:\n${snippet}")
endif()
set(url "${CMAKE_MATCH_1}")
if(NOT snippet MATCHES "GIT_TAG[ \t]+([^ \t\n]+)")
  message(FATAL_ERROR "README FetchContent snippet has no GIT_TAG:\n${snippet}")
endif()
set(tag "${CMAKE_MATCH_1}")
if(NOT tag MATCHES "^v([0-9]+\\.[0-9]+\\.[0-9]+)$")
  message(FATAL_ERROR "README FetchContent snippet: GIT_TAG ${tag} is not a release tag vX.Y.Z")
endif()
set(tag_version "${CMAKE_MATCH_1}")

# --- a scratch repository with HEAD and the tag --------------------------------------------
file(REMOVE_RECURSE ${WORK})
set(origin ${WORK}/origin.git)
run(git init --quiet --bare ${origin})
run(git -C ${origin} config receive.shallowUpdate true)  # CI checkouts may be shallow
run(git -C ${SOURCE} rev-parse HEAD)
string(STRIP "${LAST_OUTPUT}" head)
run(git -C ${SOURCE} push --quiet ${origin} ${head}:refs/heads/main)
execute_process(COMMAND git -C ${SOURCE} rev-parse -q --verify refs/tags/${tag}
                RESULT_VARIABLE missing OUTPUT_QUIET ERROR_QUIET)
if(missing)
  message(STATUS "tag ${tag} is not in ${SOURCE}: created in the scratch copy only, on HEAD "
                 "${head}; the version check is skipped")
  run(git -C ${origin} -c user.name=ringmpsc-test -c user.email=test@invalid
      tag -a ${tag} -m "${tag} (scratch copy, for the README test)" ${head})
  set(expected "")
else()
  run(git -C ${SOURCE} push --quiet ${origin} refs/tags/${tag}:refs/tags/${tag})
  set(expected ${tag_version})
endif()
run(git -C ${origin} rev-parse ${tag}^{commit})
string(STRIP "${LAST_OUTPUT}" tag_commit)

# --- a consumer built from the snippet -----------------------------------------------------
string(REPLACE "${url}" "file://${origin}" snippet "${snippet}")
file(MAKE_DIRECTORY ${WORK}/app)
file(COPY_FILE ${SOURCE}/tests/packaging/consumer/main.cpp ${WORK}/app/main.cpp)
file(WRITE ${WORK}/app/CMakeLists.txt
"cmake_minimum_required(VERSION 3.24)
project(readme_fetchcontent LANGUAGES CXX)
add_executable(app main.cpp)
if(RINGMPSC_EXPECTED_VERSION)
  target_compile_definitions(app PRIVATE RINGMPSC_EXPECTED_VERSION=\"\${RINGMPSC_EXPECTED_VERSION}\")
endif()
# --- README.md, **CMake FetchContent** ---
${snippet}")
# NEVER: an installed ringmpsc must not stand in for the download under test.
run(${CMAKE_COMMAND} -S ${WORK}/app -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX}
    -DFETCHCONTENT_TRY_FIND_PACKAGE_MODE=NEVER -DRINGMPSC_EXPECTED_VERSION=${expected})
run(git -C ${WORK}/build/_deps/ringmpsc-src rev-parse HEAD)
string(STRIP "${LAST_OUTPUT}" fetched)
if(NOT fetched STREQUAL tag_commit)
  message(FATAL_ERROR "FetchContent checked out ${fetched}, not ${tag} (${tag_commit})")
endif()
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${WORK}/build/app)
message(STATUS "README FetchContent at ${tag} (${tag_commit}): ${LAST_OUTPUT}")
