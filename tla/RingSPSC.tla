------------------------------- MODULE RingSPSC -------------------------------
(***************************************************************************)
(* The single-producer single-consumer ring of ringmpsc (BasicRing<T>,     *)
(* include/ringmpsc/detail/ring_core.hpp), the TLA+ twin of RingSPSC.qnt:  *)
(* the same actions, the same variables (the fields of the Quint record    *)
(* `st`) and the same invariants, checked exhaustively by TLC.             *)
(*                                                                         *)
(* Both cached indices are refreshed exactly as the code refreshes them:   *)
(* the producer loads head (A2) only when its cached head shows fewer free *)
(* slots than it wants, whether or not the ring is closed (the code reads  *)
(* the closed flag after its space check); the consumer loads tail (A1)    *)
(* only when its cached tail shows fewer items, from its position `pos`,   *)
(* than it wants. The consumer keeps its position apart from the head it   *)
(* publishes: it hands slots back (R2: head = pos) once it has taken       *)
(* QUANTUM items since the last hand-back, or as soon as it has taken      *)
(* everything it has seen (pos = cachedTail). A reservation never wraps:   *)
(* near the end of the ring it is shorter than asked. Values are sequence  *)
(* numbers (0, 1, 2, ...), so every slot content is distinct and a lost,   *)
(* duplicated, reordered or stale item breaks `fifo`.                      *)
(*                                                                         *)
(* Each action is one call of the C++ API: inside a call the only access   *)
(* to the other side's state is one load (A1 or A2) and one release store  *)
(* (R1 or R2), and a store of an index publishes slots the other side      *)
(* cannot touch until it loads that index, so a call is one atomic step    *)
(* (the writes of a reservation are a separate step, WriteReserved,        *)
(* because the consumer may run between reserve() and commit()).          *)
(*                                                                         *)
(* Differences from the Quint twin, none of them in the protocol:          *)
(*  - the trace-only fields act/arg and the ghosts lastHead/lastTail are   *)
(*    not variables here; `monotonic` is the action property it states;   *)
(*  - the producer has MaxItems values to write (a bound on the model:     *)
(*    Send(n) and Reserve(n) ask for at most the values it has left);      *)
(*  - a call refused without any effect (a write while the reservation is  *)
(*    open, a consume of nothing that needs no refresh) is a stuttering    *)
(*    step, omitted.                                                       *)
(*                                                                         *)
(* MUTANT selects a deliberately broken variant (the .cfg files that must  *)
(* fail): "offByOne" (free space one too many), "noWrapClamp" (reserve     *)
(* does not stop at the end of the ring), "noTailRefresh" (the consumer    *)
(* never reloads the tail: nothing is ever consumed), "noCatchUpHandBack"  *)
(* (slots are handed back only by the quantum, not when the consumer has   *)
(* taken everything it has seen), "readFromHead" (the consumer reads from  *)
(* the published head instead of its position). "none": the code.         *)
(***************************************************************************)
EXTENDS Integers, Sequences

CONSTANTS CAP,       \* slots (a power of two in the code; any CAP >= 1 here)
          QUANTUM,   \* hand-back quantum (the code: RingCore::release_quantum(CAP))
          MaxItems,  \* values the producer writes: 0 .. MaxItems - 1
          MUTANT     \* "none" or the name of a mutant (above)

VARIABLES head,        \* consumer-owned; R2 publishes it: what is handed back
          pos,         \* consumer-owned, private: where the consumer is (head <= pos)
          tail,        \* producer-owned; R1 publishes it
          cachedHead,  \* producer's copy of head (refreshed by A2 only when short)
          cachedTail,  \* consumer's copy of tail (refreshed by A1 only when short)
          slots,       \* slot index -> content (-1: never written)
          reserved,    \* slots of the open reservation (0: none)
          resWritten,  \* the open reservation's slots have been written
          nextValue,   \* the producer's next value
          produced,    \* values published, in order
          consumed,    \* values the consumer has read, in order
          viewLen,     \* length of the span the last readable() returned
          closed,
          readUnpublished,     \* ghost: a read of a slot at or beyond tail
          overwroteUnconsumed  \* ghost: a write of a slot at or beyond head + CAP

vars == <<head, pos, tail, cachedHead, cachedTail, slots, reserved, resWritten, nextValue,
          produced, consumed, viewLen, closed, readUnpublished, overwroteUnconsumed>>

ASSUME CAP \in Nat \ {0} /\ QUANTUM \in 1..CAP /\ MaxItems \in Nat
ASSUME MUTANT \in {"none", "offByOne", "noWrapClamp", "noTailRefresh", "noCatchUpHandBack",
                   "readFromHead"}

\* ---------------------------------------------------------------- helpers
Min(a, b) == IF a < b THEN a ELSE b

\* Free slots as the producer computes them from a cached head.
Free(ch) == IF MUTANT = "offByOne" THEN CAP - (tail - ch) + 1 ELSE CAP - (tail - ch)

\* free_slots_(tail, want): A2 (load head) only when the cached head shows fewer than
\* `want` free slots.
RefreshHead(want) == IF Free(cachedHead) < want THEN head ELSE cachedHead

\* The consumer's rule: A1 (load tail) only when the cached tail shows fewer than `want`
\* items from the consumer's position.
RefreshTail(want) == IF MUTANT = "noTailRefresh" THEN cachedTail
                     ELSE IF cachedTail - pos < want THEN tail ELSE cachedTail

\* slots after writing n values first, first + 1, ... from sequence `from` (n <= CAP).
Written(from, n, first) ==
  [i \in 0..(CAP - 1) |-> LET k == (i - from) % CAP IN IF k < n THEN first + k ELSE slots[i]]
\* The ghost: did that write touch a slot the consumer has not handed back?
Overwrites(from, n) == n > 0 /\ from + n - 1 >= head + CAP

\* Write n values at tail and publish them (R1: tail += n). Leaves cachedHead to the caller.
WriteAndPublish(n) ==
  /\ slots' = Written(tail, n, nextValue)
  /\ overwroteUnconsumed' = (overwroteUnconsumed \/ Overwrites(tail, n))
  /\ tail' = tail + n
  /\ produced' = produced \o [k \in 1..n |-> nextValue + k - 1]
  /\ nextValue' = nextValue + n

\* Read n items from pos and move pos on; then R2 (head = pos) once QUANTUM items are
\* taken since the last hand-back, or everything seen (ct, the cached tail after this
\* call's refresh) is taken: RingCore::release_. Sets cachedTail' = ct.
ConsumeN(n, ct) ==
  LET p        == pos + n
      from     == IF MUTANT = "readFromHead" THEN head ELSE pos
      caughtUp == p = ct /\ MUTANT /= "noCatchUpHandBack"
      handBack == n > 0 /\ (p - head >= QUANTUM \/ caughtUp)
  IN /\ consumed' = consumed \o [k \in 1..n |-> slots[(from + k - 1) % CAP]]
     /\ readUnpublished' = (readUnpublished \/ p > tail)
     /\ pos' = p
     /\ head' = IF handBack THEN p ELSE head
     /\ cachedTail' = ct

Left == MaxItems - nextValue  \* values the producer has not written yet

\* ---------------------------------------------------------------- actions
Init ==
  /\ head = 0 /\ pos = 0 /\ tail = 0 /\ cachedHead = 0 /\ cachedTail = 0
  /\ slots = [i \in 0..(CAP - 1) |-> -1]
  /\ reserved = 0 /\ resWritten = FALSE /\ nextValue = 0
  /\ produced = << >> /\ consumed = << >> /\ viewLen = 0 /\ closed = FALSE
  /\ readUnpublished = FALSE /\ overwroteUnconsumed = FALSE

\* try_push(v): refused without effect while a reservation is open (stuttering, omitted);
\* else refresh if full (A2), even on a closed ring; then, unless closed or still full,
\* construct at tail and R1.
TryPush ==
  /\ reserved = 0 /\ Left >= 1
  /\ LET ch == RefreshHead(1) IN
       /\ cachedHead' = ch
       /\ IF ~closed /\ Free(ch) >= 1
            THEN WriteAndPublish(1)
            ELSE UNCHANGED <<slots, overwroteUnconsumed, tail, produced, nextValue>>
  /\ UNCHANGED <<head, pos, cachedTail, reserved, resWritten, consumed, viewLen, closed,
                 readUnpublished>>

\* reserve(n), 1 <= n <= CAP: refresh if short (A2), even on a closed ring; empty when
\* closed or full; else min(n, free, slots to the end of the ring).
Reserve(n) ==
  /\ reserved = 0 /\ n <= Left
  /\ LET ch   == RefreshHead(n)
         free == Free(ch)
         len  == IF MUTANT = "noWrapClamp" THEN Min(n, free)
                 ELSE Min(Min(n, free), CAP - (tail % CAP))
     IN /\ cachedHead' = ch
        /\ reserved' = IF closed \/ free <= 0 THEN 0 ELSE len
        /\ resWritten' = FALSE
  /\ UNCHANGED <<head, pos, tail, cachedTail, slots, nextValue, produced, consumed, viewLen,
                 closed, readUnpublished, overwroteUnconsumed>>

\* The producer writes the reserved slots in place.
WriteReserved ==
  /\ reserved > 0 /\ ~resWritten
  /\ slots' = Written(tail, reserved, nextValue)
  /\ overwroteUnconsumed' = (overwroteUnconsumed \/ Overwrites(tail, reserved))
  /\ resWritten' = TRUE
  /\ UNCHANGED <<head, pos, tail, cachedHead, cachedTail, reserved, nextValue, produced,
                 consumed, viewLen, closed, readUnpublished>>

\* commit(k), 0 <= k <= reserved (k = 0: cancel). On a closed ring commit publishes
\* nothing and returns false (close() is final); the reservation ends either way.
Commit(k) ==
  /\ reserved > 0 /\ resWritten /\ k <= reserved
  /\ IF closed
       THEN UNCHANGED <<tail, produced, nextValue>>
       ELSE /\ tail' = tail + k
            /\ produced' = produced \o [j \in 1..k |-> nextValue + j - 1]
            /\ nextValue' = nextValue + k
  /\ reserved' = 0 /\ resWritten' = FALSE
  /\ UNCHANGED <<head, pos, cachedHead, cachedTail, slots, consumed, viewLen, closed,
                 readUnpublished, overwroteUnconsumed>>

\* send(n items): refresh if short (A2), even on a closed ring; as many as fit, one
\* publication (none when closed).
Send(n) ==
  /\ reserved = 0 /\ n <= Left
  /\ LET ch == RefreshHead(n)
         k  == IF closed THEN 0 ELSE Min(n, Free(ch))
     IN /\ cachedHead' = ch
        /\ WriteAndPublish(k)
  /\ UNCHANGED <<head, pos, cachedTail, reserved, resWritten, consumed, viewLen, closed,
                 readUnpublished>>

\* try_consume(h, max) / try_recv: A1 at most once, then R2 by the hand-back rule.
ConsumeUpTo(max) ==
  LET ct == RefreshTail(max)
      n  == Min(ct - pos, max)
  IN /\ ConsumeN(n, ct)
     /\ UNCHANGED <<tail, cachedHead, slots, reserved, resWritten, nextValue, produced,
                    viewLen, closed, overwroteUnconsumed>>

\* try_pop(out): A1 only when the cache shows nothing.
TryPop == ConsumeUpTo(1)

\* readable(): A1 only when the cache shows nothing; the span stops at the ring's end.
Readable ==
  LET ct == RefreshTail(1) IN
  /\ cachedTail' = ct
  /\ viewLen' = Min(ct - pos, CAP - (pos % CAP))
  /\ UNCHANGED <<head, pos, tail, cachedHead, slots, reserved, resWritten, nextValue,
                 produced, consumed, closed, readUnpublished, overwroteUnconsumed>>

\* advance(n), 1 <= n <= CAP: A1 once when n exceeds what the consumer has seen; then
\* consumes n if that many are published, else throws (advance_too_large) having
\* consumed nothing (the refresh stays).
Advance(n) ==
  LET ct == RefreshTail(n) IN
  IF n <= ct - pos
    THEN /\ ConsumeN(n, ct)
         /\ UNCHANGED <<tail, cachedHead, slots, reserved, resWritten, nextValue, produced,
                        viewLen, closed, overwroteUnconsumed>>
    ELSE /\ cachedTail' = ct
         /\ UNCHANGED <<head, pos, tail, cachedHead, slots, reserved, resWritten, nextValue,
                        produced, consumed, viewLen, closed, readUnpublished,
                        overwroteUnconsumed>>

Close ==
  /\ ~closed /\ closed' = TRUE
  /\ UNCHANGED <<head, pos, tail, cachedHead, cachedTail, slots, reserved, resWritten,
                 nextValue, produced, consumed, viewLen, readUnpublished, overwroteUnconsumed>>

Producer ==
  \/ TryPush
  \/ \E n \in 1..CAP : Reserve(n)
  \/ WriteReserved
  \/ \E k \in 0..CAP : Commit(k)
  \/ \E n \in 1..(CAP + 1) : Send(n)

Consumer ==
  \/ \E max \in 1..(CAP + 1) : ConsumeUpTo(max)
  \/ TryPop
  \/ Readable
  \/ \E n \in 1..CAP : Advance(n)

Next == Producer \/ Consumer \/ Close

\* Weak fairness of the consumer's batch consume: if items stay readable, it runs.
Spec == Init /\ [][Next]_vars /\ WF_vars(\E max \in 1..(CAP + 1) : ConsumeUpTo(max))

\* ---------------------------------------------------------------- invariants
TypeOK ==
  /\ head \in Nat /\ pos \in Nat /\ tail \in Nat /\ cachedHead \in Nat /\ cachedTail \in Nat
  /\ slots \in [0..(CAP - 1) -> -1..(MaxItems + CAP)]
  /\ reserved \in 0..CAP /\ resWritten \in BOOLEAN /\ nextValue \in 0..MaxItems
  /\ viewLen \in 0..CAP /\ closed \in BOOLEAN
  /\ readUnpublished \in BOOLEAN /\ overwroteUnconsumed \in BOOLEAN

boundedCount == tail - head >= 0 /\ tail - head <= CAP
\* The caches never run ahead of the real indices: a stale cache can only make the ring
\* look fuller (producer) or emptier (consumer) than it is.
cachesBehind == cachedHead <= head /\ head <= pos /\ pos <= cachedTail /\ cachedTail <= tail
\* The consumer holds back fewer than QUANTUM slots, and none once it has caught up.
handBackBounded == pos - head < QUANTUM \/ pos = head
caughtUpHandsBack == pos = cachedTail => head = pos
noReadOfUnpublished == ~readUnpublished
noOverwriteOfUnconsumed == ~overwroteUnconsumed
\* FIFO with contents: the consumer saw exactly a prefix of what was produced.
fifo == Len(consumed) <= Len(produced) /\ consumed = SubSeq(produced, 1, Len(consumed))
reservationInRange == reserved >= 0 /\ tail + reserved <= head + CAP
\* V1: a reservation never wraps around the end of the ring.
reservationNoWrap == (tail % CAP) + reserved <= CAP

safetyInvariant == boundedCount /\ cachesBehind /\ noReadOfUnpublished
                   /\ noOverwriteOfUnconsumed /\ fifo /\ reservationInRange
                   /\ reservationNoWrap /\ handBackBounded /\ caughtUpHandsBack

\* S3: head and tail never decrease (the Quint twin's `monotonic`, as an action property).
monotonic == [][head' >= head /\ tail' >= tail]_vars

\* Liveness, under weak fairness of the consumer: every published value is consumed, and
\* every slot the consumer has taken is handed back to the producer. Stated as "again and
\* again, nothing is left": since the producer writes at most MaxItems values, this is the
\* same as "each published value is eventually consumed" (and "each slot taken is
\* eventually handed back"), and TLC checks it as one property instead of one per value.
eventuallyConsumed == []<>(Len(consumed) = Len(produced))
eventuallyHandedBack == []<>(head = pos)

\* ---------------------------------------------------------------- reachability
\* Each must be violated (a .cfg with "EXPECT: reachable"): the scenario is reachable.
\* A reservation stopped at the end of the ring although more slots were free.
witnessPartialReservation == ~(reserved > 0 /\ (tail % CAP) + reserved = CAP
                               /\ tail + reserved < head + CAP)
\* Every value was consumed, in order (fifo holds everywhere).
witnessAllConsumed == ~(Len(consumed) = MaxItems)
\* The producer sees a full ring while the consumer holds taken slots back (the quantum).
witnessHeldBackFull == ~(pos > head /\ tail - head = CAP)
===============================================================================
