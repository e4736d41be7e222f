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

configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/ringmpsc.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/ringmpsc.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ringmpsc.pc
  DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ringmpsc)
