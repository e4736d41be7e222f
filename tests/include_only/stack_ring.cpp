// Compiles stack_ring.hpp on its own: every public header is self-contained.
#include <ringmpsc/stack_ring.hpp>
#include <ringmpsc/stack_ring.hpp>  // and include-guarded
