# cmake -DMODE=<package|fetchcontent|subdirectory|pkgconfig|vcpkg> -DSOURCE=<repo> -DWORK=<dir>
#       -DCXX=<compiler> -P run_consumer.cmake
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
      -DCMAKE_PREFIX_PATH=${prefix} ${ARGN})
  run(${CMAKE_COMMAND} --build ${WORK}/consumer-build)
  run(${WORK}/consumer-build/consumer)
  message(STATUS "${LAST_OUTPUT}")
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
  install_library()
  set(ENV{PKG_CONFIG_PATH} ${prefix}/share/pkgconfig)
  run(pkg-config --cflags --libs ringmpsc)
  string(STRIP "${LAST_OUTPUT}" flags)
  if(NOT flags MATCHES "-I${prefix}/include" OR NOT flags MATCHES "-std=c\\+\\+20")
    message(FATAL_ERROR "unexpected pkg-config flags: ${flags}")
  endif()
  separate_arguments(flag_list UNIX_COMMAND "${flags}")
  run(${CXX} ${flag_list} ${SOURCE}/tests/packaging/consumer/main.cpp -o ${WORK}/consumer-pc)
  run(${WORK}/consumer-pc)
  message(STATUS "pkg-config: ${flags}; ${LAST_OUTPUT}")
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
