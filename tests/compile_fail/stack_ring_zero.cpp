// Must not compile: StackRing of capacity 0.
#include <ringmpsc/stack_ring.hpp>
int main() { ringmpsc::StackRing<int, 0> r; return static_cast<int>(r.capacity()); }
