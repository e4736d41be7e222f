// Compiles stack_channel.hpp on its own: every public header is self-contained.
#include <ringmpsc/stack_channel.hpp>
#include <ringmpsc/stack_channel.hpp>  // and include-guarded
