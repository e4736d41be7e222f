// Compiles consumer_api.hpp on its own: every public header is self-contained.
#include <ringmpsc/consumer_api.hpp>
#include <ringmpsc/consumer_api.hpp>  // and include-guarded
