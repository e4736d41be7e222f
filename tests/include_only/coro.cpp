// Compiles coro.hpp on its own: every public header is self-contained.
#include <ringmpsc/coro.hpp>
#include <ringmpsc/coro.hpp>  // and include-guarded
