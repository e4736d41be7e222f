// Must not compile: StackRing capacity that is not a power of two.
#include <ringmpsc/stack_ring.hpp>
int main() { ringmpsc::StackRing<int, 12> r; return static_cast<int>(r.capacity()); }
