# cmake -DMODE=<package|fetchcontent|subdirectory|pkgconfig> -DSOURCE=<repo> -DWORK=<dir>
#       -DCXX=<compiler> -DVERSION=<project version> -P run_consumer.cmake
# Installs (where the mode needs it), configures, builds and runs the consumer project.
cmake_minimum_required(VERSION 3.24)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(prefix ${WORK}/prefix)

include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

function(install_library)
  run(${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/lib-build -DCMAKE_INSTALL_PREFIX=${prefix}
      -DCMAKE_CXX_COMPILER=${CXX} -DRINGMPSC_INSTALL=ON -DRINGMPSC_BUILD_TESTS=OFF
      -DRINGMPSC_BUILD_BENCHMARKS=OFF -DRINGMPSC_BUILD_EXAMPLES=OFF)
  run(${CMAKE_COMMAND} --install ${WORK}/lib-build)
endfunction()

function(build_consumer how)
  run(${CMAKE_COMMAND} -S ${SOURCE}/tests/packaging/consumer -B ${WORK}/consumer-build
      -DCMAKE_CXX_COMPILER=${CXX} -DRINGMPSC_CONSUME=${how} -DRINGMPSC_SOURCE_DIR=${SOURCE}
      -DCMAKE_PREFIX_PATH=${prefix} -DRINGMPSC_EXPECTED_VERSION=${VERSION} ${ARGN})
  run(${CMAKE_COMMAND} --build ${WORK}/consumer-build)
  run(${WORK}/consumer-build/consumer)
  message(STATUS "${LAST_OUTPUT}")
endfunction()

# Compiles and runs the consumer with the flags of <root>/share/pkgconfig/ringmpsc.pc;
# the include directory must lie under <root>.
function(compile_with_pkgconfig root label)
  set(ENV{PKG_CONFIG_PATH} ${root}/share/pkgconfig)
  run(pkg-config --cflags --libs ringmpsc)
  string(STRIP "${LAST_OUTPUT}" flags)
  separate_arguments(flag_list UNIX_COMMAND "${flags}")
  set(include_dir "")
  foreach(f ${flag_list})
    if(f MATCHES "^-I(.+)")
      get_filename_component(include_dir "${CMAKE_MATCH_1}" REALPATH)
    endif()
  endforeach()
  get_filename_component(want "${root}/include" REALPATH)
  if(NOT include_dir STREQUAL want OR NOT flags MATCHES "-std=c\\+\\+20")
    message(FATAL_ERROR "${label}: pkg-config flags '${flags}' do not name ${want} and -std=c++20")
  endif()
  run(pkg-config --modversion ringmpsc)
  string(STRIP "${LAST_OUTPUT}" pc_version)
  if(NOT pc_version STREQUAL VERSION)
    message(FATAL_ERROR "${label}: pkg-config says version ${pc_version}, the project ${VERSION}")
  endif()
  run(${CXX} ${flag_list} "-DRINGMPSC_EXPECTED_VERSION=\"${VERSION}\""
      ${SOURCE}/tests/packaging/consumer/main.cpp -o ${WORK}/consumer-${label})
  run(${WORK}/consumer-${label})
  message(STATUS "pkg-config (${label}): ${flags}; ${LAST_OUTPUT}")
endfunction()

if(MODE STREQUAL "package")
  install_library()
  foreach(f include/ringmpsc/ringmpsc.hpp include/ringmpsc/detail/ring_core.hpp
            share/ringmpsc/ringmpscConfig.cmake share/ringmpsc/ringmpscConfigVersion.cmake
            share/ringmpsc/ringmpscTargets.cmake share/pkgconfig/ringmpsc.pc)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "install is missing ${f}")
    endif()
  endforeach()
  build_consumer(package)
elseif(MODE STREQUAL "fetchcontent")
  build_consumer(fetchcontent)
elseif(MODE STREQUAL "subdirectory")
  build_consumer(subdirectory)
elseif(MODE STREQUAL "pkgconfig")
  # As the README says: configure without a prefix, choose it at install time.
  run(${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/lib-build -DCMAKE_CXX_COMPILER=${CXX}
      -DRINGMPSC_INSTALL=ON -DRINGMPSC_BUILD_TESTS=OFF -DRINGMPSC_BUILD_BENCHMARKS=OFF
      -DRINGMPSC_BUILD_EXAMPLES=OFF)
  run(${CMAKE_COMMAND} --install ${WORK}/lib-build --prefix ${prefix})
  compile_with_pkgconfig(${prefix} installed)
  # Relocatable: the same files moved elsewhere still point at their own headers.
  file(RENAME ${prefix} ${WORK}/moved)
  compile_with_pkgconfig(${WORK}/moved moved)
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
