# cmake -DSOURCE=<repo> -DWORK=<dir> -DCXX=<compiler> -DVERSION=<project version> -P run_vcpkg.cmake
# A real vcpkg install of ports/ringmpsc, offline, as a release would be installed:
#  1. packs the source as GitHub serves a tag archive (git archive | gzip -n) from the
#     tracked files of the working tree, uncommitted edits included (`git stash create`,
#     or HEAD when there are none; untracked files are not packed);
#  2. serves it from a local asset cache, named by its SHA512;
#  3. runs `vcpkg install ringmpsc` with a copy of ports/ whose portfile differs from the
#     committed one only in that SHA512; vcpkg's post-build checks must report nothing;
#  4. builds and runs a consumer through vcpkg's toolchain file, and with pkg-config.
# The vcpkg root comes from RINGMPSC_VCPKG_ROOT (an unpacked root),
# RINGMPSC_VCPKG_ROOT_TARBALL (a packed one), VCPKG_ROOT, or vcpkg-root.tar.gz in the tools
# folder next to the repository (<repo>/../shared/tools), in that order; without one the
# test is skipped.
cmake_minimum_required(VERSION 3.24)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

# --- where vcpkg is -----------------------------------------------------------------------
set(root "")
set(tarball "")
if(DEFINED ENV{RINGMPSC_VCPKG_ROOT})
  set(root "$ENV{RINGMPSC_VCPKG_ROOT}")
elseif(DEFINED ENV{RINGMPSC_VCPKG_ROOT_TARBALL})
  set(tarball "$ENV{RINGMPSC_VCPKG_ROOT_TARBALL}")
elseif(DEFINED ENV{VCPKG_ROOT})
  set(root "$ENV{VCPKG_ROOT}")
elseif(EXISTS "${SOURCE}/../shared/tools/vcpkg-root.tar.gz")
  get_filename_component(tarball "${SOURCE}/../shared/tools/vcpkg-root.tar.gz" ABSOLUTE)
endif()
if(root STREQUAL "" AND tarball STREQUAL "")
  get_filename_component(tools "${SOURCE}/../shared/tools" ABSOLUTE)
  message(STATUS "SKIPPED: no vcpkg root: none of RINGMPSC_VCPKG_ROOT, RINGMPSC_VCPKG_ROOT_TARBALL, "
                 "VCPKG_ROOT is set and there is no ${tools}/vcpkg-root.tar.gz")
  return()
endif()
if(NOT tarball STREQUAL "" AND NOT EXISTS "${tarball}")
  message(FATAL_ERROR "RINGMPSC_VCPKG_ROOT_TARBALL names ${tarball}, which does not exist")
endif()
if(NOT EXISTS "${SOURCE}/.git")
  message(STATUS "SKIPPED: ${SOURCE} is not a git checkout, so there is no source archive to pack")
  return()
endif()
foreach(tool git gzip patchelf ninja)
  find_program(have_${tool} ${tool})
  if(NOT have_${tool})
    message(FATAL_ERROR "vcpkg offline needs ${tool} on PATH (scripts/setup.sh test installs it)")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/assets ${WORK}/classic)
if(NOT tarball STREQUAL "")
  run(${CMAKE_COMMAND} -E chdir ${WORK} ${CMAKE_COMMAND} -E tar xzf ${tarball})
  set(root ${WORK}/root)
endif()
if(NOT EXISTS "${root}/vcpkg" OR NOT EXISTS "${root}/scripts/buildsystems/vcpkg.cmake")
  message(FATAL_ERROR "${root} is not a vcpkg root with a built vcpkg executable")
endif()

# --- the port's version is the project's ---------------------------------------------------
file(READ ${SOURCE}/ports/ringmpsc/vcpkg.json manifest)
string(JSON port_version GET "${manifest}" version)
if(NOT port_version STREQUAL VERSION)
  message(FATAL_ERROR "ports/ringmpsc/vcpkg.json says version ${port_version}, CMakeLists.txt "
                      "${VERSION}: they move together (docs/releasing.md)")
endif()

# --- 1. the source archive, shaped as GitHub serves tag v<version> -------------------------
run(git -C ${SOURCE} stash create)
string(STRIP "${LAST_OUTPUT}" ref)
set(what "the working tree (uncommitted edits to tracked files included)")
if(ref STREQUAL "")
  set(ref HEAD)
  set(what "HEAD")
endif()
execute_process(
  COMMAND git -C ${SOURCE} archive --format=tar --prefix=ringmpsc-${VERSION}/ ${ref}
  COMMAND gzip -n
  OUTPUT_FILE ${WORK}/ringmpsc-${VERSION}.tar.gz
  RESULTS_VARIABLE rcs ERROR_VARIABLE err)
if(NOT rcs STREQUAL "0;0")
  message(FATAL_ERROR "git archive | gzip -n failed (${rcs}): ${err}")
endif()
file(SHA512 ${WORK}/ringmpsc-${VERSION}.tar.gz sha512)
file(COPY_FILE ${WORK}/ringmpsc-${VERSION}.tar.gz ${WORK}/assets/${sha512})
message(STATUS "packed ${what} as ringmpsc-${VERSION}.tar.gz, SHA512 ${sha512}")

# --- 2. the overlay port: the committed one with that SHA512 -------------------------------
file(COPY ${SOURCE}/ports/ringmpsc DESTINATION ${WORK}/ports)
file(READ ${WORK}/ports/ringmpsc/portfile.cmake portfile)
string(REGEX MATCHALL "SHA512 [0-9a-fA-F]+" hashes "${portfile}")
list(LENGTH hashes n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "ports/ringmpsc/portfile.cmake should hold one 'SHA512 <hex>', found ${n}")
endif()
string(REGEX REPLACE "SHA512 [0-9a-fA-F]+" "SHA512 ${sha512}" portfile "${portfile}")
file(WRITE ${WORK}/ports/ringmpsc/portfile.cmake "${portfile}")

# --- 3. vcpkg install, offline, every state folder under WORK ------------------------------
set(ENV{VCPKG_ROOT} ${root})
set(ENV{VCPKG_FORCE_SYSTEM_BINARIES} 1)
set(ENV{VCPKG_DISABLE_METRICS} 1)
set(ENV{VCPKG_BINARY_SOURCES} clear)
set(ENV{X_VCPKG_ASSET_SOURCES} "x-azurl,file://${WORK}/assets,,read;x-block-origin")
execute_process(
  COMMAND ${root}/vcpkg install ringmpsc --overlay-ports=${WORK}/ports
          --x-install-root=${WORK}/installed --x-buildtrees-root=${WORK}/buildtrees
          --x-packages-root=${WORK}/packages --downloads-root=${WORK}/downloads
  WORKING_DIRECTORY ${WORK}/classic  # no vcpkg.json here: classic mode
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vcpkg install failed (${rc}):\n${out}\n${err}")
endif()
if("${out}${err}" MATCHES "post-build check problem|portfile.cmake: warning")
  message(FATAL_ERROR "vcpkg's post-build checks reported problems:\n${out}\n${err}")
endif()
file(GLOB triplet_dirs LIST_DIRECTORIES true ${WORK}/installed/*-*)
list(FILTER triplet_dirs EXCLUDE REGEX "vcpkg$")
list(LENGTH triplet_dirs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one triplet folder in ${WORK}/installed, found: ${triplet_dirs}")
endif()
get_filename_component(triplet ${triplet_dirs} NAME)
foreach(f include/ringmpsc/ringmpsc.hpp share/ringmpsc/ringmpscConfig.cmake
          share/ringmpsc/copyright share/ringmpsc/usage share/pkgconfig/ringmpsc.pc)
  if(NOT EXISTS ${triplet_dirs}/${f})
    message(FATAL_ERROR "vcpkg installed no ${f} for ${triplet}")
  endif()
endforeach()
message(STATUS "vcpkg install ringmpsc:${triplet}: ok, post-build checks clean")

# --- 4. consumers: vcpkg's toolchain file, then pkg-config --------------------------------
run(${CMAKE_COMMAND} -S ${SOURCE}/tests/packaging/consumer -B ${WORK}/consumer -G Ninja
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_TOOLCHAIN_FILE=${root}/scripts/buildsystems/vcpkg.cmake
    -DVCPKG_INSTALLED_DIR=${WORK}/installed -DVCPKG_TARGET_TRIPLET=${triplet}
    -DRINGMPSC_CONSUME=package -DRINGMPSC_EXPECTED_VERSION=${VERSION})
if(NOT LAST_OUTPUT MATCHES "ringmpsc found at ${triplet_dirs}/share/ringmpsc")
  message(FATAL_ERROR "the consumer did not find ringmpsc in vcpkg's tree:\n${LAST_OUTPUT}")
endif()
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
run(${WORK}/consumer/consumer)
message(STATUS "toolchain consumer: ${LAST_OUTPUT}")

set(ENV{PKG_CONFIG_PATH} ${triplet_dirs}/share/pkgconfig)
run(pkg-config --cflags --libs ringmpsc)
string(STRIP "${LAST_OUTPUT}" flags)
separate_arguments(flag_list UNIX_COMMAND "${flags}")
run(${CXX} ${flag_list} "-DRINGMPSC_EXPECTED_VERSION=\"${VERSION}\""
    ${SOURCE}/tests/packaging/consumer/main.cpp -o ${WORK}/consumer-pc)
run(${WORK}/consumer-pc)
message(STATUS "pkg-config consumer (${flags}): ${LAST_OUTPUT}")
