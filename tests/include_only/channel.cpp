// Compiles channel.hpp on its own: every public header is self-contained.
#include <ringmpsc/channel.hpp>
#include <ringmpsc/channel.hpp>  // and include-guarded
