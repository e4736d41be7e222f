# Header-only: nothing is compiled, so one (release) configuration is enough.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO ringmpsc/ringmpsc
    REF "v${VERSION}"
    # SHA512 of GitHub's v${VERSION} tag archive, from `scripts/release_sha512.sh v${VERSION}`;
    # it moves with "version" in vcpkg.json (docs/releasing.md). 0 until that tag exists.
    SHA512 c79bc368d50d0acd2bfa412308ad965c9fd649e144016bfe16f9d3f61af7c73bfaebd8e85de2918b4dbac02f109709dfbe58f3abbec30ec900a5ff0a8a95f81d
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
