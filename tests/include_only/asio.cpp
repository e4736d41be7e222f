// Compiles asio.hpp on its own where standalone Asio is installed (it is optional).
#if __has_include(<asio/version.hpp>)
#include <ringmpsc/asio.hpp>
#include <ringmpsc/asio.hpp>  // and include-guarded
#endif
