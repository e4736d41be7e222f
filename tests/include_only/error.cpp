// Compiles error.hpp on its own: every public header is self-contained.
#include <ringmpsc/error.hpp>
#include <ringmpsc/error.hpp>  // and include-guarded
