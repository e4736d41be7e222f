// Compiles metrics.hpp on its own: every public header is self-contained.
#include <ringmpsc/metrics.hpp>
#include <ringmpsc/metrics.hpp>  // and include-guarded
