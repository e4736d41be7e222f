------------------------------ MODULE ChannelMPSC ------------------------------
(***************************************************************************)
(* The MPSC channel of ringmpsc (include/ringmpsc/detail/channel_core.hpp, *)
(* producer.hpp): producer registration, drop and ring reuse, reservations *)
(* that outlive their producer, close() racing writes (the in-flight       *)
(* marker and the seal), the consumer's wait (closed, disconnected,        *)
(* reconnection) and its wake-ups. The TLA+ twin of ChannelMPSC.qnt: the   *)
(* same actions, variables and labels, checked exhaustively by TLC.        *)
(*                                                                         *)
(* Each ring is abstracted to its FIFO contents (RingSPSC specifies the    *)
(* ring itself); items carry the identity of the Producer that wrote them  *)
(* and its sequence number, since FIFO is promised per Producer. The       *)
(* steps are at the granularity where the protocol's races are:           *)
(*                                                                         *)
(*   registration  RegReserve (live CAS) -> RegClaim (one slot of the     *)
(*                 scan: A4 load of its state, the drained check head ==   *)
(*                 tail) -> RegCas (CAS of the state loaded to active, and *)
(*                 for a retired slot the drained check again; failing     *)
(*                 either, on to the next slot) -> RegAlloc (first use:    *)
(*                 allocate, may fail; SC1 ring pointer store) -> RegCheck *)
(*                 (SC1 load of closed; had_producer once it passed);      *)
(*                 every failure after RegReserve gives the live count     *)
(*                 back and wakes the consumer when that makes the channel *)
(*                 disconnected                                            *)
(*   write         BeginSend (in-flight marker, F3, load the ring's       *)
(*                 closed flag) -> EndSend (R1 publish, reaching the      *)
(*                 marker,                                                 *)
(*                 notify); the same critical section around a commit:    *)
(*                 BeginCommit -> EndCommit (R1, the reservation          *)
(*                 ends, notify; a dropped Producer's slot then retires)  *)
(*   close()       CloseStore (closed, every ring's flag; SC2 loads of the *)
(*                 ring pointers) -> Seal (F4, A9: every tail at its       *)
(*                 marker;                                                 *)
(*                 R10 sealed; wake)                                       *)
(*   consumer wait Park (sleep unless ready), or Check (no park: the       *)
(*                 readiness fd's check) -> WaitLoad (A10 sealed, then     *)
(*                 had_producer) -> WaitLive (A5 live: disconnected is     *)
(*                 had_producer and live == 0) -> WaitDecide               *)
(*                 (readability: ok, else closed if sealed, else           *)
(*                 disconnected if gone)                                   *)
(*                                                                         *)
(* Memory model: interleaving (sequential consistency). Every race here is *)
(* a Dekker pair ordered by a fence pair or seq_cst accesses (F3/F4,       *)
(* SC1/SC2) or a release/acquire chain (R1/A1, R1/A9, R4/A4, R5/A5,        *)
(* R10/A10), which is what makes interleaving sound for them; what a       *)
(* missing fence does on a store-buffer machine is Wakeup.tla's subject.   *)
(* The event count is abstracted to its proven contract (Wakeup.tla): Park *)
(* checks readiness and sleeps atomically, and a notify() after a store    *)
(* that makes the consumer ready wakes it.                                 *)
(*                                                                         *)
(* Each ring is the ring of RingSPSC seen from here: `ring[s]` is what the *)
(* consumer has not taken yet (pos .. tail). The consumer hands slots back *)
(* as soon as it has taken everything it has seen (RingSPSC's              *)
(* caughtUpHandsBack), so a ring is drained (head == tail, what            *)
(* registration checks) exactly when ring[s] is empty. With the capacity   *)
(* of these rings (CAP = 2) the code's hand-back quantum is 1, so the      *)
(* producer's view of free space is exact; with a larger quantum a write   *)
(* may be refused while slots are held back, a refusal without effect.    *)
(* The consumer is abstract: Consume takes from any ring, where the code   *)
(* chooses by ChannelCore::poll (stay on the last ring for small calls,    *)
(* round robin otherwise); no invariant here depends on that choice.       *)
(*                                                                         *)
(* MUTANT selects a deliberately broken variant (the .cfg files that must  *)
(* fail); "none" is the protocol. "claimABA" is the claim of 0.2 before    *)
(* its fix: no drained check after the CAS. "hadProducerEarly" stores     *)
(* had_producer before the closed re-check, as 0.2 did (docs/spec.md,      *)
(* "Divergences found, and fixed").                                        *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets, TLC

CONSTANTS Producers,  \* Producer handles (model values; each registers at most once)
          SLOTS,      \* max_producers: rings
          CAP,        \* slots per ring
          MAX_SENT,   \* writes per Producer (a bound on the model)
          MUTANT

ASSUME SLOTS \in Nat \ {0} /\ CAP \in Nat \ {0} /\ MAX_SENT \in Nat
ASSUME MUTANT \in {"none", "reuseBeforeDrain", "orphanReuse", "noWaitInflight",
                   "readableFirst", "unreserveNoWake", "claimABA", "hadProducerEarly",
                   "liveFirst"}

Slot == 0..(SLOTS - 1)
NoSlot == -1

VARIABLES
  slotState,   \* Slot -> "free" | "active" | "retired"          (R4/A4)
  allocated,   \* Slot -> ring pointer published                  (R7, SC1)
  ring,        \* Slot -> published, unconsumed items, oldest first
  inflight,    \* Slot -> the ring's in-flight marker lies beyond its tail (F3, R1/A9)
  reserving,   \* Slot -> a reservation is open on the ring (the producer thread's flag)
  orphaned,    \* Slot -> its Producer was dropped with the reservation open
  ringClosed,  \* Slot -> the ring's closed flag (set by close())
  producers,   \* Producers -> [status, slot, prev, sent, pc, holds]
  live,        \* live count                                      (R5/A5)
  hadProducer, \* at least one registration succeeded
  closed,      \* the channel's closed flag                       (SC1/SC2)
  sealed,      \* every write racing close() has finished         (R10/A10)
  closer,      \* the thread in close(): "open" | "sealing" | "done"
  delivered,   \* Producers -> sequence numbers delivered, in order
  consumer,    \* "idle" | "asleep" | "load" | "live" | "decide" | "closed"
  cSealed,     \* the consumer's load of sealed (A10)
  cGone,       \* its disconnected check: had_producer, then also live == 0 (A5)
  cGoneIds,    \* ghost: the Producers that had gone at the second of those loads
  cReadable,   \* the consumer's readability load (used by the mutant that loads it first)
  discIds      \* ghost: Producers gone when the consumer reported disconnected

vars == <<slotState, allocated, ring, inflight, reserving, orphaned, ringClosed, producers,
          live, hadProducer, closed, sealed, closer, delivered, consumer, cSealed, cGone,
          cGoneIds, cReadable, discIds>>
ringVars == <<slotState, allocated, ring, inflight, reserving, orphaned, ringClosed>>
consumerVars == <<consumer, cSealed, cGone, cGoneIds, cReadable, discIds>>

Item == [id : Producers, seq : 0..(MAX_SENT - 1)]
\* status: "idle" (not registered), "reserved" (holds a live count; slot: the next slot its
\* scan loads), "scanned" (slot: the one it loaded and found usable, prev: the state it
\* loaded; the CAS is next), "claimed" (holds a slot, ring not allocated), "installed"
\* (ring installed, closed not re-checked), "live", "orphan" (dropped with its reservation
\* open: still holds the slot and the live count), "dropped".
\* prev: the slot's state before the claim, restored if registration fails.
\* (Fields that are dead, prev after registration and slot after the Producer is gone
\* for good, are reset so that states differ only in what matters.)
\* pc: "none", "writing" (between BeginSend and EndSend), "committing". holds: the
\* Producer's thread holds an open Reservation (which may outlive the Producer).
Status == {"idle", "reserved", "scanned", "claimed", "installed", "live", "orphan", "dropped"}

Min(a, b) == IF a < b THEN a ELSE b
P(p) == producers[p]
SlotOf(p) == producers[p].slot
Holds(p) == P(p).status \in {"reserved", "scanned", "claimed", "installed", "live", "orphan"}
AnyReadable == \E s \in Slot : ring[s] /= << >>
Gone == live = 0 /\ hadProducer
\* What the consumer's park checks (and what a notify after each store below makes true).
ConsumerReady == sealed \/ AnyReadable \/ Gone

\* notify() on the consumer's event count: wakes it if it sleeps.
Wake == consumer' = IF consumer = "asleep" THEN "idle" ELSE consumer
\* notify() only if the live count just reached 0 (the last producer went).
WakeIfGone(newLive) == IF newLive = 0 THEN Wake ELSE UNCHANGED consumer

\* registration's drained check (RingCore::drained): head == tail. A retired slot has no
\* open reservation (retiredQuiet), so that is all it needs to check.
Drained(s) == ring[s] = << >>
Usable(s) == \/ slotState[s] = "free"
             \/ slotState[s] = "retired" /\ (Drained(s) \/ MUTANT = "reuseBeforeDrain")

\* A registration that fails after RegReserve gives its live count back (and wakes the
\* consumer it may have kept waiting, when that count was the last).
Unreserve ==
  /\ live' = live - 1
  /\ IF MUTANT = "unreserveNoWake" THEN UNCHANGED consumer ELSE WakeIfGone(live - 1)

\* ---------------------------------------------------------------- registration
Init ==
  /\ slotState = [s \in Slot |-> "free"]
  /\ allocated = [s \in Slot |-> FALSE]
  /\ ring = [s \in Slot |-> << >>]
  /\ inflight = [s \in Slot |-> FALSE]
  /\ reserving = [s \in Slot |-> FALSE]
  /\ orphaned = [s \in Slot |-> FALSE]
  /\ ringClosed = [s \in Slot |-> FALSE]
  /\ producers = [p \in Producers |-> [status |-> "idle", slot |-> NoSlot, prev |-> "free",
                                       sent |-> 0, pc |-> "none", holds |-> FALSE]]
  /\ live = 0 /\ hadProducer = FALSE
  /\ closed = FALSE /\ sealed = FALSE /\ closer = "open"
  /\ delivered = [p \in Producers |-> << >>]
  /\ consumer = "idle" /\ cSealed = FALSE /\ cGone = FALSE /\ cGoneIds = {}
  /\ cReadable = FALSE /\ discIds = {}

\* register_producer(), first step: fails with channel_closed when closed, with
\* too_many_producers when live == SLOTS (failures without effect: stuttering, omitted);
\* else the live count is reserved (CAS).
RegReserve(p) ==
  /\ P(p).status = "idle" /\ ~closed /\ live < SLOTS
  /\ live' = live + 1
  /\ producers' = [producers EXCEPT ![p].status = "reserved", ![p].slot = 0]
  /\ UNCHANGED <<ringVars, hadProducer, closed, sealed, closer, delivered, consumerVars>>

\* The scan moves on to slot s + 1; past the last slot: rings_not_drained, the live count
\* is given back.
ScanOn(p, s) ==
  IF s + 1 < SLOTS
    THEN /\ producers' = [producers EXCEPT ![p].status = "reserved", ![p].slot = s + 1,
                                           ![p].prev = "free"]
         /\ UNCHANGED <<live, consumer>>
    ELSE /\ Unreserve
         /\ producers' = [producers EXCEPT ![p].status = "idle", ![p].slot = NoSlot,
                                           ![p].prev = "free"]

\* One slot of ChannelCore::claim's scan: its state is loaded (A4); a free slot, or a
\* retired one whose ring is drained (head == tail), is tried (RegCas); else on to the next.
\* (The state load and the drained check are one step: which slot the scan tries is all
\* they decide; the CAS and the check after it decide whether the slot is taken.)
RegClaim(p) ==
  /\ P(p).status = "reserved"
  /\ LET s == SlotOf(p) IN
     IF Usable(s)
       THEN /\ producers' = [producers EXCEPT ![p].status = "scanned", ![p].prev = slotState[s]]
            /\ UNCHANGED <<live, consumer>>
       ELSE ScanOn(p, s)
  /\ UNCHANGED <<ringVars, hadProducer, closed, sealed, closer, delivered, cSealed, cGone,
                 cGoneIds, cReadable, discIds>>

\* The CAS of the state the scan loaded to active. It fails if the state changed: on to the
\* next slot. It succeeds whenever the state is that again, even if another registration
\* claimed the slot meanwhile, wrote and dropped its Producer (ABA): so, for a retired
\* slot, the drained check is made again, and a ring that is not drained is handed back
\* (retired stored again) and the scan moves on. Once the CAS succeeded the slot is this
\* registration's and only the consumer touches its ring, which only empties it; so the
\* CAS and the check after it are one step here, and the moment the slot is active in
\* between, which only makes other scans pass it over as they would a retired ring that
\* is not drained, is not a state. MUTANT "claimABA": no check after the CAS;
\* "reuseBeforeDrain": no drained check at all.
RegCas(p) ==
  /\ P(p).status = "scanned"
  /\ LET s == SlotOf(p) IN
     IF slotState[s] = P(p).prev
          /\ ~(P(p).prev = "retired" /\ ~Drained(s)
               /\ MUTANT \notin {"claimABA", "reuseBeforeDrain"})
       THEN /\ slotState' = [slotState EXCEPT ![s] = "active"]
            /\ producers' = [producers EXCEPT ![p].status = IF allocated[s] THEN "installed"
                                                             ELSE "claimed"]
            /\ UNCHANGED <<live, consumer>>
       ELSE /\ ScanOn(p, s)
            /\ UNCHANGED slotState
  /\ UNCHANGED <<allocated, ring, inflight, reserving, orphaned, ringClosed, hadProducer,
                 closed, sealed, closer, delivered, cSealed, cGone, cGoneIds, cReadable,
                 discIds>>

\* First use of a slot: its ring is allocated (SC1: the pointer is stored seq_cst), or the
\* allocation throws: the slot goes back to its previous state, the live count is given back.
RegAlloc(p) ==
  /\ P(p).status = "claimed"
  /\ LET s == SlotOf(p) IN
     \/ /\ allocated' = [allocated EXCEPT ![s] = TRUE]
        /\ producers' = [producers EXCEPT ![p].status = "installed"]
        /\ UNCHANGED <<live, consumer, slotState>>
     \/ /\ slotState' = [slotState EXCEPT ![s] = P(p).prev]
        /\ Unreserve
        /\ producers' = [producers EXCEPT ![p].status = "idle", ![p].slot = NoSlot,
                                          ![p].prev = "free"]
        /\ UNCHANGED allocated
  /\ UNCHANGED <<ring, inflight, reserving, orphaned, ringClosed, hadProducer, closed, sealed,
                 closer, delivered, cSealed, cGone, cGoneIds, cReadable, discIds>>

\* closed is loaded (SC1): closed -> the slot goes back, the live count is given back,
\* channel_closed; else had_producer is stored and the Producer is live. (MUTANT
\* "hadProducerEarly": had_producer is stored before the check, so a registration that
\* close() refuses counts as a Producer that came.)
RegCheck(p) ==
  /\ P(p).status = "installed"
  /\ hadProducer' = (hadProducer \/ ~closed \/ MUTANT = "hadProducerEarly")
  /\ IF closed
       THEN /\ slotState' = [slotState EXCEPT ![SlotOf(p)] = P(p).prev]
            /\ Unreserve
            /\ producers' = [producers EXCEPT ![p].status = "idle", ![p].slot = NoSlot,
                                              ![p].prev = "free"]
       ELSE /\ producers' = [producers EXCEPT ![p].status = "live", ![p].prev = "free"]
            /\ UNCHANGED <<slotState, live, consumer>>
  /\ UNCHANGED <<allocated, ring, inflight, reserving, orphaned, ringClosed, closed, sealed,
                 closer, delivered, cSealed, cGone, cGoneIds, cReadable, discIds>>

\* ---------------------------------------------------------------- producer side
\* The slot is retired (R4) and the live count released (R5); the last one wakes the consumer.
Retire(s) ==
  /\ slotState' = [slotState EXCEPT ![s] = "retired"]
  /\ live' = live - 1
  /\ WakeIfGone(live - 1)

\* ~Producer(). With a reservation open the ring stays active and the live count held
\* until the reservation ends ("orphan"); otherwise the slot is retired now.
Drop(p) ==
  /\ P(p).status = "live" /\ P(p).pc = "none"
  /\ LET s == SlotOf(p) IN
     IF reserving[s] /\ MUTANT /= "orphanReuse"
       THEN /\ orphaned' = [orphaned EXCEPT ![s] = TRUE]
            /\ producers' = [producers EXCEPT ![p].status = "orphan"]
            /\ UNCHANGED <<slotState, live, consumer>>
       ELSE /\ Retire(s)
            /\ producers' = [producers EXCEPT ![p].status = "dropped",
                                              ![p].slot = IF P(p).holds THEN s ELSE NoSlot]
            /\ UNCHANGED orphaned
  /\ UNCHANGED <<allocated, ring, inflight, reserving, ringClosed, hadProducer, closed,
                 sealed, closer, delivered, cSealed, cGone, cGoneIds, cReadable, discIds>>

\* A write (try_push/emplace/send) begins: the in-flight marker is set to the end of the
\* write (tail + 1), F3, the ring's
\* closed flag is loaded. Closed, full, or a reservation open: it fails without effect
\* (stuttering, omitted; in the code a write refused by `closed` raises the marker and
\* takes it back to the tail, which can only delay Seal, and the spec has no liveness
\* property to see that). Else it goes on to publish.
BeginSend(p) ==
  /\ P(p).status = "live" /\ P(p).pc = "none" /\ P(p).sent < MAX_SENT
  /\ LET s == SlotOf(p) IN
     /\ ~ringClosed[s] /\ ~reserving[s] /\ Len(ring[s]) < CAP
     /\ inflight' = [inflight EXCEPT ![s] = TRUE]
  /\ producers' = [producers EXCEPT ![p].pc = "writing"]
  /\ UNCHANGED <<slotState, allocated, ring, reserving, orphaned, ringClosed, live,
                 hadProducer, closed, sealed, closer, delivered, consumerVars>>

\* R1 (the item is published: the tail reaches the marker), notify (F1 inside).
EndSend(p) ==
  /\ P(p).pc = "writing"
  /\ LET s == SlotOf(p) IN
     /\ ring' = [ring EXCEPT ![s] = Append(ring[s], [id |-> p, seq |-> P(p).sent])]
     /\ inflight' = [inflight EXCEPT ![s] = FALSE]
  /\ producers' = [producers EXCEPT ![p].pc = "none", ![p].sent = P(p).sent + 1]
  /\ Wake
  /\ UNCHANGED <<slotState, allocated, reserving, orphaned, ringClosed, live, hadProducer,
                 closed, sealed, closer, delivered, cSealed, cGone, cGoneIds, cReadable,
                 discIds>>

\* reserve(1): empty when closed (relaxed load) or full: stuttering, omitted.
Reserve(p) ==
  /\ P(p).status = "live" /\ P(p).pc = "none" /\ P(p).sent < MAX_SENT
  /\ LET s == SlotOf(p) IN
     /\ ~ringClosed[s] /\ ~reserving[s] /\ Len(ring[s]) < CAP
     /\ reserving' = [reserving EXCEPT ![s] = TRUE]
  /\ producers' = [producers EXCEPT ![p].holds = TRUE]
  /\ UNCHANGED <<slotState, allocated, ring, inflight, orphaned, ringClosed, live,
                 hadProducer, closed, sealed, closer, delivered, consumerVars>>

\* The reservation's end, by the thread that holds it (its Producer may be gone): the
\* reservation is closed; if its Producer was dropped, the slot is retired now
\* (ChannelSlot::retire, run by RingCore::end_claim: R4, R5, wake if last).
EndReservation(p, s) ==
  /\ reserving' = [reserving EXCEPT ![s] = FALSE]
  /\ IF orphaned[s]
       THEN /\ orphaned' = [orphaned EXCEPT ![s] = FALSE]
            /\ Retire(s)
            /\ producers' = [producers EXCEPT ![p].status = "dropped", ![p].holds = FALSE,
                                              ![p].slot = NoSlot]
       ELSE /\ producers' = [producers EXCEPT ![p].holds = FALSE,
                                              ![p].slot = IF P(p).status = "dropped" THEN NoSlot
                                                          ELSE s]
            /\ UNCHANGED <<orphaned, slotState, live, consumer>>

\* The thread of p holds an open reservation and is not inside another call.
HoldsReservation(p) == P(p).holds /\ P(p).pc = "none"

\* commit() begins: marker, F3, the ring's closed flag. Closed: nothing is published, the
\* reservation ends, commit returns false.
BeginCommit(p) ==
  /\ HoldsReservation(p)
  /\ LET s == SlotOf(p) IN
     IF ringClosed[s]
       THEN /\ EndReservation(p, s)
            /\ UNCHANGED inflight
       ELSE /\ inflight' = [inflight EXCEPT ![s] = TRUE]
            /\ producers' = [producers EXCEPT ![p].pc = "committing"]
            /\ UNCHANGED <<reserving, orphaned, slotState, live, consumer>>
  /\ UNCHANGED <<allocated, ring, ringClosed, hadProducer, closed, sealed, closer, delivered,
                 cSealed, cGone, cGoneIds, cReadable, discIds>>

\* R1 (the item is published as the reserving Producer's; the tail reaches the marker), the
\* reservation ends, notify; an orphaned reservation then retires the slot (R4, R5).
EndCommit(p) ==
  /\ P(p).pc = "committing"
  /\ LET s == SlotOf(p) IN
     /\ ring' = [ring EXCEPT ![s] = Append(ring[s], [id |-> p, seq |-> P(p).sent])]
     /\ inflight' = [inflight EXCEPT ![s] = FALSE]
     /\ reserving' = [reserving EXCEPT ![s] = FALSE]
     /\ IF orphaned[s]
          THEN /\ orphaned' = [orphaned EXCEPT ![s] = FALSE]
               /\ slotState' = [slotState EXCEPT ![s] = "retired"]
               /\ live' = live - 1
               /\ producers' = [producers EXCEPT ![p].status = "dropped", ![p].pc = "none",
                                                 ![p].sent = P(p).sent + 1, ![p].holds = FALSE,
                                                 ![p].slot = NoSlot]
          ELSE /\ producers' = [producers EXCEPT ![p].pc = "none", ![p].sent = P(p).sent + 1,
                                                 ![p].holds = FALSE,
                                                 ![p].slot = IF P(p).status = "dropped" THEN NoSlot
                                                             ELSE s]
               /\ UNCHANGED <<orphaned, slotState, live>>
  /\ Wake
  /\ UNCHANGED <<allocated, ringClosed, hadProducer, closed, sealed, closer, delivered,
                 cSealed, cGone, cGoneIds, cReadable, discIds>>

\* cancel() (or the reservation destroyed uncommitted): nothing is published.
Cancel(p) ==
  /\ HoldsReservation(p)
  /\ EndReservation(p, SlotOf(p))
  /\ UNCHANGED <<allocated, ring, inflight, ringClosed, hadProducer, closed, sealed, closer,
                 delivered, cSealed, cGone, cGoneIds, cReadable, discIds>>

\* ---------------------------------------------------------------- close()
\* closed is stored (seq_cst), then every ring whose pointer it sees (SC2) is closed.
CloseStore ==
  /\ closer = "open"
  /\ closed' = TRUE
  /\ ringClosed' = [s \in Slot |-> ringClosed[s] \/ allocated[s]]
  /\ closer' = "sealing"
  /\ UNCHANGED <<slotState, allocated, ring, inflight, reserving, orphaned, producers, live,
                 hadProducer, sealed, delivered, consumerVars>>

\* F4; waits until every ring's tail has reached its in-flight marker (A9); sealed (R10);
\* wakes all.
Seal ==
  /\ closer = "sealing"
  /\ MUTANT = "noWaitInflight" \/ \A s \in Slot : ~inflight[s]
  /\ sealed' = TRUE
  /\ closer' = "done"
  /\ Wake
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, delivered, cSealed, cGone,
                 cGoneIds, cReadable, discIds>>

\* ---------------------------------------------------------------- consumer
\* Takes up to n items of ring s (RingCore::drain: A1, R2 by the hand-back rule). The
\* consumer is abstract: any ring, where the code picks one by ChannelCore::poll.
Consume(s, n) ==
  /\ consumer = "idle" /\ ring[s] /= << >>
  /\ LET k == Min(n, Len(ring[s]))
         items == SubSeq(ring[s], 1, k)
     IN /\ ring' = [ring EXCEPT ![s] = SubSeq(ring[s], k + 1, Len(ring[s]))]
        /\ delivered' = [q \in Producers |->
                           LET mine == SelectSeq(items, LAMBDA x : x.id = q)
                           IN delivered[q] \o [j \in 1..Len(mine) |-> mine[j].seq]]
  /\ UNCHANGED <<slotState, allocated, inflight, reserving, orphaned, ringClosed, producers,
                 live, hadProducer, closed, sealed, closer, consumerVars>>

\* wait(): the event count's park. Ready: go on to the loads; else sleep until notified.
Park ==
  /\ consumer = "idle"
  /\ consumer' = IF ConsumerReady THEN "load" ELSE "asleep"
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, sealed, closer, delivered,
                 cSealed, cGone, cGoneIds, cReadable, discIds>>

\* Readiness::check() (the readiness fd's check, also its re-check when arming): the loads
\* and the decision of a wait, without the park, so from any state. (A wait's park has
\* seen the channel ready; a check may run before any Producer came.)
Check ==
  /\ consumer = "idle"
  /\ consumer' = "load"
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, sealed, closer, delivered,
                 cSealed, cGone, cGoneIds, cReadable, discIds>>

\* sealed (A10) and then the two loads of ChannelCore::disconnected(), had_producer and
\* live (A5), before readability. had_producer first: it never goes back to false, so a
\* registration that ends between the two loads cannot make a channel that never lost a
\* Producer look disconnected. (MUTANT "liveFirst": live first, as 0.2 did.)
WaitLoad ==
  /\ consumer = "load"
  /\ IF MUTANT = "readableFirst"
       THEN /\ cReadable' = AnyReadable
            /\ UNCHANGED <<cSealed, cGone, cGoneIds>>
            /\ consumer' = "decide"
       ELSE LET first == IF MUTANT = "liveFirst" THEN live = 0 ELSE hadProducer
            IN /\ cSealed' = sealed
               /\ cGone' = first
               /\ UNCHANGED <<cReadable, cGoneIds>>
               \* && stops at a first load that is false
               /\ consumer' = IF first THEN "live" ELSE "decide"
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, sealed, closer, delivered,
                 discIds>>

\* The second load of the disconnected check (A5 live, or had_producer under "liveFirst").
WaitLive ==
  /\ consumer = "live"
  /\ LET gone == cGone /\ IF MUTANT = "liveFirst" THEN hadProducer ELSE live = 0
     IN /\ cGone' = gone
        /\ cGoneIds' = IF gone THEN {p \in Producers : P(p).status = "dropped"} ELSE {}
  /\ consumer' = "decide"
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, sealed, closer, delivered,
                 cSealed, cReadable, discIds>>

\* Readable -> ok; else sealed -> closed (final); else gone -> disconnected; else wait on.
WaitDecide ==
  /\ consumer = "decide"
  /\ LET readable == IF MUTANT = "readableFirst" THEN cReadable ELSE AnyReadable
         isSealed == IF MUTANT = "readableFirst" THEN sealed ELSE cSealed
         isGone   == IF MUTANT = "readableFirst" THEN Gone ELSE cGone
         goneIds  == IF MUTANT = "readableFirst"
                       THEN {p \in Producers : P(p).status = "dropped"} ELSE cGoneIds
     IN IF readable THEN consumer' = "idle" /\ UNCHANGED discIds
        ELSE IF isSealed THEN consumer' = "closed" /\ UNCHANGED discIds
        ELSE IF isGone THEN consumer' = "idle" /\ discIds' = discIds \cup goneIds
        ELSE consumer' = "idle" /\ UNCHANGED discIds
  \* The loads are dead after the decision (reset, so that states differ only in what matters).
  /\ cSealed' = FALSE /\ cGone' = FALSE /\ cGoneIds' = {} /\ cReadable' = FALSE
  /\ UNCHANGED <<ringVars, producers, live, hadProducer, closed, sealed, closer, delivered>>

\* ---------------------------------------------------------------- spec
Next ==
  \/ \E p \in Producers :
       \/ RegReserve(p) \/ RegClaim(p) \/ RegCas(p) \/ RegAlloc(p) \/ RegCheck(p)
       \/ Drop(p) \/ BeginSend(p) \/ EndSend(p)
       \/ Reserve(p) \/ BeginCommit(p) \/ EndCommit(p) \/ Cancel(p)
  \/ CloseStore \/ Seal
  \/ \E s \in Slot, n \in 1..CAP : Consume(s, n)
  \/ Park \/ Check \/ WaitLoad \/ WaitLive \/ WaitDecide

Spec == Init /\ [][Next]_vars

Symmetry == Permutations(Producers)

\* ---------------------------------------------------------------- invariants
TypeOK ==
  /\ slotState \in [Slot -> {"free", "active", "retired"}]
  /\ ring \in [Slot -> Seq(Item)]
  /\ producers \in [Producers -> [status : Status, slot : Slot \cup {NoSlot},
                                  prev : {"free", "active", "retired"},
                                  sent : 0..MAX_SENT, pc : {"none", "writing", "committing"},
                                  holds : BOOLEAN]]
  /\ live \in 0..SLOTS
  /\ consumer \in {"idle", "asleep", "load", "live", "decide", "closed"}

CountIn(l, p) == Len(SelectSeq(l, LAMBDA x : x.id = p))
InRings(p) == LET f[s \in 0..SLOTS] == IF s = 0 THEN 0 ELSE f[s - 1] + CountIn(ring[s - 1], p)
              IN f[SLOTS]

\* Each Producer's items arrive in the order it wrote them, without gaps or repeats.
perProducerFifo == \A p \in Producers : \A i \in 1..Len(delivered[p]) : delivered[p][i] = i - 1
\* Nothing lost, nothing duplicated: written = delivered + still in a ring.
conservation == \A p \in Producers : Len(delivered[p]) + InRings(p) = P(p).sent
\* A reused ring never mixes two Producers' items.
noMixing == \A s \in Slot : \A i, j \in 1..Len(ring[s]) : ring[s][i].id = ring[s][j].id
\* close() is final: once the consumer saw closed, every write that succeeded has been
\* delivered (and, since nothing is consumed after, no later write succeeds).
closeFinal == consumer = "closed" => \A p \in Producers : Len(delivered[p]) = P(p).sent
\* disconnected is final for the Producers that had gone: all they wrote was delivered,
\* and they write nothing more (an open reservation keeps its Producer counted as live).
disconnectFinal == \A p \in discIds : Len(delivered[p]) = P(p).sent
\* The consumer's disconnected check finds live == 0 and had_producer only once a Producer
\* has gone: it is about to report disconnected only if one has (a registration that
\* close() refused never counts as a Producer that came).
disconnectMeansGone == (consumer = "decide" /\ cGone) => cGoneIds /= {}
\* No lost wake-up: the consumer never sleeps while it has something to act on.
noLostWakeup == consumer = "asleep" => ~ConsumerReady
\* Bookkeeping: the live count is the Producers (and registrations) holding one; one
\* Producer per active slot; sealed only once no write is in flight.
liveCount == live = Cardinality({p \in Producers : Holds(p)}) /\ live <= SLOTS
oneProducerPerSlot == \A s \in Slot :
  Cardinality({p \in Producers : P(p).status \in {"claimed", "installed", "live", "orphan"}
                                  /\ SlotOf(p) = s})
    = IF slotState[s] = "active" THEN 1 ELSE 0
sealedQuiescent == sealed => \A s \in Slot : ~inflight[s]
\* A retired slot has no open reservation, no Producer's reservation left on it and no
\* write in flight: reuse needs only head == tail (the code does not look at the reservation;
\* R6/A6 are unused).
retiredQuiet == \A s \in Slot : slotState[s] = "retired" => ~reserving[s] /\ ~orphaned[s]
                                                          /\ ~inflight[s]

safetyInvariant == perProducerFifo /\ conservation /\ noMixing /\ closeFinal
                   /\ disconnectFinal /\ noLostWakeup /\ liveCount /\ oneProducerPerSlot
                   /\ sealedQuiescent /\ retiredQuiet /\ disconnectMeansGone

\* ---------------------------------------------------------------- reachability
\* Each must be violated (a .cfg with "EXPECT: reachable"): the scenario it negates is
\* reachable, so the invariants above are not passing for want of it.
\* A registration claimed a retired ring (after it drained) once another Producer's items
\* were delivered.
witnessReuse == ~(\E p, q \in Producers : /\ P(p).status = "installed" /\ P(p).prev = "retired"
                                         /\ Len(delivered[q]) > 0)
\* A dropped Producer's reservation is being committed (it outlived its Producer).
witnessOrphanCommit == ~(\E p \in Producers : P(p).status = "orphan" /\ P(p).pc = "committing")
\* close() stored closed while a write was in flight, and waits for it.
witnessCloseRace == ~(closer = "sealing" /\ \E s \in Slot : inflight[s])
\* The consumer reported disconnected, and a later Producer registered and wrote.
witnessReconnect == ~(discIds /= {} /\ \E p \in Producers : P(p).status = "live" /\ P(p).sent > 0)
\* A registration's CAS is about to succeed on a retired slot whose ring is not drained:
\* another registration claimed it after this one's drained check, wrote and dropped its
\* Producer (the ABA the check after the CAS catches).
witnessClaimABA == ~(\E p \in Producers : /\ P(p).status = "scanned" /\ P(p).prev = "retired"
                                          /\ slotState[SlotOf(p)] = "retired"
                                          /\ ~Drained(SlotOf(p)))
\* The consumer sleeps while a registration holds a live count it may give back.
witnessSleepDuringRegistration ==
  ~(consumer = "asleep" /\ \E p \in Producers : P(p).status \in {"reserved", "claimed", "installed"})
===============================================================================
