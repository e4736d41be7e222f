// Compiles allocator.hpp on its own: every public header is self-contained.
#include <ringmpsc/allocator.hpp>
#include <ringmpsc/allocator.hpp>  // and include-guarded
