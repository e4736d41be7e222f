// Compiles basic_channel.hpp on its own: every public header is self-contained.
#include <ringmpsc/basic_channel.hpp>
#include <ringmpsc/basic_channel.hpp>  // and include-guarded
