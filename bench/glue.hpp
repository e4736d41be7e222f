// The benchmark's per-call glue (the adapters of peers.hpp, the in-house rings, the consumer
// routines of the harness) is forced inline, for every queue alike. ringmpsc's per-item
// paths are forced inline by the library (RINGMPSC_ALWAYS_INLINE), so a user's loop runs
// them in its own frame; an adapter around them that GCC leaves out of line puts a call,
// a reload of the handle and a verifier in memory between the loop and the queue, which a
// user does not pay. Which adapters GCC left out of line depended on their size, so the
// larger queues paid it and the small ones did not (docs/benchmarks.md, "Inlining of the
// per-item paths").
#pragma once

#define BENCH_INLINE [[gnu::always_inline]] inline
// The same for a lambda, written after its parameter list.
#define BENCH_LAMBDA_INLINE __attribute__((always_inline))
