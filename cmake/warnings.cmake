# Warnings for the project's own targets (tests, examples, benchmarks); never for users.
add_library(ringmpsc_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(ringmpsc_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wcast-align
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    # Designated initialisers that leave defaulted members out are the intended style.
    -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC cannot model atomic_thread_fence under TSan and says so; the fences order the
    # wake-up protocol only, data is synchronised by acquire/release pairs TSan does see.
    target_compile_options(ringmpsc_warnings INTERFACE $<$<BOOL:${RINGMPSC_TSAN}>:-Wno-tsan>)
    # GCC 12 reports maybe-uninitialized false positives inside libstdc++ under sanitizers.
    target_compile_options(ringmpsc_warnings INTERFACE $<$<BOOL:${RINGMPSC_SANITIZED}>:-Wno-maybe-uninitialized>)
  endif()
  if(RINGMPSC_WERROR)
    target_compile_options(ringmpsc_warnings INTERFACE -Werror)
  endif()
endif()
