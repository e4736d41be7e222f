// Compiles basic_ring.hpp on its own: every public header is self-contained.
#include <ringmpsc/basic_ring.hpp>
#include <ringmpsc/basic_ring.hpp>  // and include-guarded
