// Compiles ringmpsc.hpp on its own: every public header is self-contained.
#include <ringmpsc/ringmpsc.hpp>
#include <ringmpsc/ringmpsc.hpp>  // and include-guarded
