# Runs the real ports/ringmpsc/portfile.cmake under `cmake -P` with stand-ins for the
# vcpkg helpers (vcpkg itself cannot be installed here): the source tree stands in for the
# download. Then checks the layout vcpkg expects and builds a consumer against it.
# cmake -DSOURCE=<repo> -DWORK=<dir> -DCXX=<compiler> -P run_vcpkg_port.cmake
cmake_minimum_required(VERSION 3.24)
file(REMOVE_RECURSE ${WORK})
set(PORT ringmpsc)
set(CURRENT_PACKAGES_DIR ${WORK}/packages/ringmpsc_x64-linux)
set(CURRENT_BUILDTREES_DIR ${WORK}/buildtrees)
file(READ ${SOURCE}/ports/ringmpsc/vcpkg.json manifest)
string(JSON VERSION GET "${manifest}" version)

include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

# --- stand-ins, argument checking included -------------------------------------------
function(vcpkg_from_github)
  cmake_parse_arguments(A "" "OUT_SOURCE_PATH;REPO;REF;SHA512;HEAD_REF" "PATCHES" ${ARGN})
  foreach(k OUT_SOURCE_PATH REPO REF SHA512)
    if(NOT DEFINED A_${k})
      message(FATAL_ERROR "vcpkg_from_github: ${k} missing")
    endif()
  endforeach()
  if(NOT A_REF STREQUAL "v${VERSION}")
    message(FATAL_ERROR "vcpkg_from_github: REF ${A_REF} does not match version ${VERSION}")
  endif()
  set(src ${CURRENT_BUILDTREES_DIR}/src)
  file(COPY ${SOURCE}/ DESTINATION ${src} PATTERN ".git" EXCLUDE PATTERN "build" EXCLUDE
       PATTERN "node_modules" EXCLUDE)
  set(${A_OUT_SOURCE_PATH} ${src} PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(A "" "SOURCE_PATH" "OPTIONS" ${ARGN})
  run(${CMAKE_COMMAND} -S ${A_SOURCE_PATH} -B ${CURRENT_BUILDTREES_DIR}/rel
      -DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR} -DCMAKE_CXX_COMPILER=${CXX} ${A_OPTIONS})
endfunction()

function(vcpkg_cmake_install)
  run(${CMAKE_COMMAND} --build ${CURRENT_BUILDTREES_DIR}/rel)
  run(${CMAKE_COMMAND} --install ${CURRENT_BUILDTREES_DIR}/rel)
endfunction()

function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(A "" "CONFIG_PATH;PACKAGE_NAME" "" ${ARGN})
  if(NOT EXISTS ${CURRENT_PACKAGES_DIR}/${A_CONFIG_PATH}/ringmpscConfig.cmake)
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: no config in ${A_CONFIG_PATH}")
  endif()
endfunction()

function(vcpkg_fixup_pkgconfig)
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(A "" "" "FILE_LIST" ${ARGN})
  file(READ ${A_FILE_LIST} text)
  file(WRITE ${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright "${text}")
endfunction()

# --- the real portfile ----------------------------------------------------------------
set(CMAKE_CURRENT_LIST_DIR_SAVED ${CMAKE_CURRENT_LIST_DIR})
include(${SOURCE}/ports/ringmpsc/portfile.cmake)

# --- the layout vcpkg's post-build checks expect --------------------------------------
foreach(f include/ringmpsc/ringmpsc.hpp share/ringmpsc/ringmpscConfig.cmake
          share/ringmpsc/ringmpscConfigVersion.cmake share/ringmpsc/copyright share/ringmpsc/usage)
  if(NOT EXISTS ${CURRENT_PACKAGES_DIR}/${f})
    message(FATAL_ERROR "port did not install ${f}")
  endif()
endforeach()
foreach(d debug lib bin)
  if(EXISTS ${CURRENT_PACKAGES_DIR}/${d})
    message(FATAL_ERROR "port left ${d}/ (a header-only port must not)")
  endif()
endforeach()

# --- a consumer finds it ---------------------------------------------------------------
run(${CMAKE_COMMAND} -S ${SOURCE}/tests/packaging/consumer -B ${WORK}/consumer
    -DCMAKE_CXX_COMPILER=${CXX} -DRINGMPSC_CONSUME=package -DCMAKE_PREFIX_PATH=${CURRENT_PACKAGES_DIR})
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
run(${WORK}/consumer/consumer)
message(STATUS "vcpkg port layout ok; ${LAST_OUTPUT}")
