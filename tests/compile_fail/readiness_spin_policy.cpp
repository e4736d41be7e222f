// Must not compile: a readiness fd for a channel whose wait policy never parks (nothing
// would ever write the fd).
#include <ringmpsc/channel.hpp>
#include <ringmpsc/readiness.hpp>
int main() {
  ringmpsc::Channel<int, ringmpsc::wait::Yielding> ch;
  return ringmpsc::consumer_readiness(ch).fd();
}
