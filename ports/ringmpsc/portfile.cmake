# Header-only: nothing is compiled, so one (release) configuration is enough.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO ringmpsc/ringmpsc
    REF "v${VERSION}"
    # SHA512 of GitHub's v${VERSION} tag archive, from `scripts/release_sha512.sh v${VERSION}`;
    # it moves with "version" in vcpkg.json (docs/releasing.md). 0 until that tag exists.
    SHA512 7874bf2ef3eddb8336ba4e48c27d2eb512d951cc8e86d1b8a391e4fdd2d4ff8b2e1daf6a707fb56bef6fe1efb624130c5fb1ddc94317bd1257b998abc3bf92eb
    HEAD_REF main
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DRINGMPSC_BUILD_TESTS=OFF
        -DRINGMPSC_BUILD_BENCHMARKS=OFF
        -DRINGMPSC_BUILD_EXAMPLES=OFF
        -DRINGMPSC_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/ringmpsc)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
