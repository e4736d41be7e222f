# Header-only: nothing is compiled, so one (release) configuration is enough.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO ringmpsc/ringmpsc
    REF "v${VERSION}"
    # SHA512 of GitHub's v${VERSION} tag archive, from `scripts/release_sha512.sh v${VERSION}`;
    # it moves with "version" in vcpkg.json (docs/releasing.md). 0 until that tag exists.
    SHA512 b66653c17d780375190111e4dce05a2603ed71b0cb5645757d47acf59c43d505298d71c08626e3da46d3c6ac708f0023e9c933a980996aca908e4b4cbf3fb4ce
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
