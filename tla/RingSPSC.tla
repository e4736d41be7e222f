------------------------------- MODULE RingSPSC -------------------------------
(* The ringmpsc SPSC ring with cached indices, for TLC users: the same protocol as     *)
(* RingSPSC.qnt (the source of truth for safety), reduced to single-item push and      *)
(* batch consume, plus the liveness property Quint cannot state: under weak fairness  *)
(* of the consumer, every produced value is eventually consumed.                       *)
EXTENDS Naturals, Sequences

CONSTANTS CAP, MaxValue

VARIABLES head, tail, cachedHead, cachedTail, slots, produced, consumed

vars == <<head, tail, cachedHead, cachedTail, slots, produced, consumed>>

Init ==
  /\ head = 0 /\ tail = 0 /\ cachedHead = 0 /\ cachedTail = 0
  /\ slots = [i \in 0..(CAP - 1) |-> 0]
  /\ produced = << >> /\ consumed = << >>

(* try_push: A2 (refresh the cached head) only when the cached copy says full; R1. *)
Push ==
  /\ Len(produced) < MaxValue
  /\ LET ch == IF tail - cachedHead = CAP THEN head ELSE cachedHead
     IN /\ cachedHead' = ch
        /\ IF tail - ch < CAP
             THEN /\ slots' = [slots EXCEPT ![tail % CAP] = Len(produced)]
                  /\ tail' = tail + 1
                  /\ produced' = Append(produced, Len(produced))
             ELSE UNCHANGED <<slots, tail, produced>>
  /\ UNCHANGED <<head, cachedTail, consumed>>

(* consume_batch: A1 once, read [head, tail), R2 once. *)
Consume ==
  /\ cachedTail' = tail
  /\ consumed' = consumed \o [k \in 1..(tail - head) |-> slots[(head + k - 1) % CAP]]
  /\ head' = tail
  /\ UNCHANGED <<tail, cachedHead, slots, produced>>

Next == Push \/ Consume

Spec == Init /\ [][Next]_vars /\ WF_vars(Consume)

BoundedCount == tail - head \in 0..CAP
CachesBehind == cachedHead <= head /\ head <= cachedTail /\ cachedTail <= tail
NoOverwriteOfUnconsumed == tail <= head + CAP
Fifo == /\ Len(consumed) <= Len(produced)
        /\ \A i \in 1..Len(consumed) : consumed[i] = produced[i]

EventuallyConsumed == \A v \in 0..(MaxValue - 1) :
                        (Len(produced) > v) ~> (Len(consumed) > v)
===============================================================================
