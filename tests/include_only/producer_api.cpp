// Compiles producer_api.hpp on its own: every public header is self-contained.
#include <ringmpsc/producer_api.hpp>
#include <ringmpsc/producer_api.hpp>  // and include-guarded
