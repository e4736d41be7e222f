// Compiles readiness.hpp on its own: every public header is self-contained.
#include <ringmpsc/readiness.hpp>
#include <ringmpsc/readiness.hpp>  // and include-guarded
