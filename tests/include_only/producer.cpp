// Compiles producer.hpp on its own: every public header is self-contained.
#include <ringmpsc/producer.hpp>
#include <ringmpsc/producer.hpp>  // and include-guarded
