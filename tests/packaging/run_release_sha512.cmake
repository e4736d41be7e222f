# cmake -DSOURCE=<repo> -DWORK=<dir> -P run_release_sha512.cmake
# Checks scripts/release_sha512.sh (the working tree's copy) in a scratch clone where HEAD
# is tagged with its own version: the hash it prints is that of `git archive
# --prefix=ringmpsc-X.Y.Z/ | gzip -n`, --write puts it into the port, and bad input
# (a malformed tag, a missing tag, a tag whose sources say another version) is refused
# with a message.
cmake_minimum_required(VERSION 3.24)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

if(NOT EXISTS "${SOURCE}/.git")
  message(STATUS "SKIPPED: ${SOURCE} is not a git checkout")
  return()
endif()
file(REMOVE_RECURSE ${WORK})
set(repo ${WORK}/repo)
run(git clone --quiet ${SOURCE} ${repo})
file(COPY_FILE ${SOURCE}/scripts/release_sha512.sh ${repo}/scripts/release_sha512.sh)
file(STRINGS ${repo}/CMakeLists.txt line REGEX "^ *VERSION [0-9]+\\.[0-9]+\\.[0-9]+$" LIMIT_COUNT 1)
string(STRIP "${line}" line)
string(REPLACE "VERSION " "" version "${line}")
# -f: a clone of a released repository already holds the real tag, on an earlier commit.
set(git_tag git -C ${repo} -c user.name=ringmpsc-test -c user.email=test@invalid tag -a -f)
run(${git_tag} v${version} -m "v${version} (scratch clone)")

# The hash, against an archive made here.
run(bash ${repo}/scripts/release_sha512.sh v${version})
string(STRIP "${LAST_OUTPUT}" printed)
execute_process(
  COMMAND git -C ${repo} archive --format=tar --prefix=ringmpsc-${version}/ v${version}
  COMMAND gzip -n
  OUTPUT_FILE ${WORK}/archive.tar.gz RESULTS_VARIABLE rcs)
if(NOT rcs STREQUAL "0;0")
  message(FATAL_ERROR "git archive | gzip -n failed: ${rcs}")
endif()
file(SHA512 ${WORK}/archive.tar.gz expected)
if(NOT printed STREQUAL expected)
  message(FATAL_ERROR "release_sha512.sh printed '${printed}', the archive's SHA512 is ${expected}")
endif()

# --write: the port names that hash and version.
run(bash ${repo}/scripts/release_sha512.sh v${version} --write)
file(READ ${repo}/ports/ringmpsc/portfile.cmake portfile)
file(READ ${repo}/ports/ringmpsc/vcpkg.json manifest)
string(JSON port_version GET "${manifest}" version)
if(NOT portfile MATCHES "\n *SHA512 ${expected}\n" OR NOT port_version STREQUAL version)
  message(FATAL_ERROR "--write did not set SHA512 ${expected} and version ${version} in the port")
endif()

# Bad input: refused, with a message that says why.
run(${git_tag} v99.0.0 -m "a tag whose sources say another version")
foreach(case "1.2.3|not a release tag" "v98.0.0|no tag v98.0.0"
             "v99.0.0|names a commit whose" "v${version} --check|usage")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 args)
  list(GET case 1 why)
  separate_arguments(args UNIX_COMMAND "${args}")
  execute_process(COMMAND bash ${repo}/scripts/release_sha512.sh ${args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "${why}")
    message(FATAL_ERROR "release_sha512.sh ${args}: expected a failure saying '${why}', "
                        "got rc ${rc}:\n${out}${err}")
  endif()
endforeach()
message(STATUS "release_sha512.sh v${version}: ${printed}; --write and bad input checked")
