# Header-only: nothing is compiled, so one (release) configuration is enough.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO ringmpsc/ringmpsc
    REF "v${VERSION}"
    # SHA512 of GitHub's v${VERSION} tag archive, from `scripts/release_sha512.sh v${VERSION}`;
    # it moves with "version" in vcpkg.json (docs/releasing.md). 0 until that tag exists.
    SHA512 a6fab390bf1bbaf0ac5546d091eca51b13093fcb8f23d9ef15f8cd4d095ab22f9da0511e10512f3ae4779d6994f7e72ccae99600c17637a0857b1f44b1cd645b
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
