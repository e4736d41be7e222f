// Must not compile: StackChannel with no producers.
#include <ringmpsc/stack_channel.hpp>
int main() { ringmpsc::StackChannel<int, 16, 0> c; return static_cast<int>(c.capacity()); }
