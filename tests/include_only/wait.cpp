// Compiles wait.hpp on its own: every public header is self-contained.
#include <ringmpsc/wait.hpp>
#include <ringmpsc/wait.hpp>  // and include-guarded
