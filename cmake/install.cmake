include(CMakePackageConfigHelpers)

set(RINGMPSC_CMAKE_DIR "${CMAKE_INSTALL_DATADIR}/ringmpsc" CACHE STRING
    "Where ringmpscConfig.cmake is installed, relative to the prefix")

install(TARGETS ringmpsc EXPORT ringmpscTargets)
install(DIRECTORY include/ringmpsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ringmpscTargets NAMESPACE ringmpsc:: DESTINATION ${RINGMPSC_CMAKE_DIR})

configure_package_config_file(
  ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ringmpscConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpscConfig.cmake
  INSTALL_DESTINATION ${RINGMPSC_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpscConfigVersion.cmake
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpscConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpscConfigVersion.cmake
  DESTINATION ${RINGMPSC_CMAKE_DIR})

# pkg-config: header-only, so arch-independent (share/pkgconfig). The prefix is written
# relative to the .pc file, so `cmake --install --prefix X` after any configure is right.
set(RINGMPSC_PKGCONFIG_DIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING
    "Where ringmpsc.pc is installed, relative to the prefix")
if(IS_ABSOLUTE "${RINGMPSC_PKGCONFIG_DIR}")
  message(FATAL_ERROR "RINGMPSC_PKGCONFIG_DIR must be relative to the prefix, not ${RINGMPSC_PKGCONFIG_DIR}")
endif()
file(RELATIVE_PATH RINGMPSC_PC_TO_PREFIX "/prefix/${RINGMPSC_PKGCONFIG_DIR}" "/prefix")
string(REGEX REPLACE "/$" "" RINGMPSC_PC_TO_PREFIX "${RINGMPSC_PC_TO_PREFIX}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(RINGMPSC_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(RINGMPSC_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/ringmpsc.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpsc.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ringmpsc.pc DESTINATION ${RINGMPSC_PKGCONFIG_DIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ringmpsc)
