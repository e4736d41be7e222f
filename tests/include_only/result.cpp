// Compiles result.hpp on its own: every public header is self-contained.
#include <ringmpsc/result.hpp>
#include <ringmpsc/result.hpp>  // and include-guarded
