// Must not compile: raw slot access for a type that needs construction.
#include <ringmpsc/ring.hpp>
#include <string>
int main() {
  ringmpsc::Ring<std::string> r;
  auto res = r.try_reserve(1);
  return static_cast<int>(res.span().size());
}
