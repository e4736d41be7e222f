// Compiles ring.hpp on its own: every public header is self-contained.
#include <ringmpsc/ring.hpp>
#include <ringmpsc/ring.hpp>  // and include-guarded
