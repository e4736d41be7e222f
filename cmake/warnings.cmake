# Warnings for the project's own targets (tests, examples, benchmarks); never for users.
add_library(ringmpsc_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(ringmpsc_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wcast-align
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC cannot model atomic_thread_fence under TSan and says so; the fences order the
    # wake-up protocol only, data is synchronised by acquire/release pairs TSan does see.
    target_compile_options(ringmpsc_warnings INTERFACE $<$<BOOL:${RINGMPSC_TSAN}>:-Wno-tsan>)
  endif()
  if(RINGMPSC_WERROR)
    target_compile_options(ringmpsc_warnings INTERFACE -Werror)
  endif()
endif()
