// Compiles reservation.hpp on its own: every public header is self-contained.
#include <ringmpsc/reservation.hpp>
#include <ringmpsc/reservation.hpp>  // and include-guarded
