// Compiles version.hpp on its own: every public header is self-contained.
#include <ringmpsc/version.hpp>
#include <ringmpsc/version.hpp>  // and include-guarded
