// Compiles config.hpp on its own: every public header is self-contained.
#include <ringmpsc/config.hpp>
#include <ringmpsc/config.hpp>  // and include-guarded
