-------------------------------- MODULE Wakeup --------------------------------
(***************************************************************************)
(* The blocking protocol of ringmpsc's event count                         *)
(* (include/ringmpsc/detail/event_count.hpp, asymmetric_fence.hpp), one    *)
(* notifier and one waiter, on a machine with store buffers (x86-TSO: a    *)
(* store waits in its thread's FIFO buffer until flushed; a load reads its *)
(* own buffer first, then memory; a locked read-modify-write drains the    *)
(* buffer first). The TLA+ twin of Wakeup.qnt: the same actions, variables *)
(* and labels.                                                              *)
(*                                                                         *)
(*   notifier, per publication k = 1..N        waiter, until it saw N      *)
(*     P0  data := k   (the store that makes     idle: data > consumed ?   *)
(*                      ready() true: R1, R2,          consume : wait      *)
(*                      close)                 futex (park):               *)
(*     P1  F1 fence                              C0 W1 waiters += 1 (RMW)  *)
(*     P2  if waiters > 0 ...                    C1 F2 fence               *)
(*     P3  R3 epoch += 1 (RMW); futex wake       C2 A3 e := epoch          *)
(*     P4  if armed ...                          C3 ready ? C5 : C4        *)
(*     P5  write the eventfd                     C4 futex_wait(epoch, e):  *)
(*                                                  sleep iff epoch == e   *)
(*                                               C5 waiters -= 1           *)
(*                                             readiness fd (arm):         *)
(*                                               D0 W1 waiters += 1,       *)
(*                                                  armed := TRUE (RMW)    *)
(*                                               D1 F2 fence               *)
(*                                               D2 ready ? D4 : D3        *)
(*                                               D3 poll: blocks until the *)
(*                                                  eventfd is readable    *)
(*                                               D4 disarm: waiters -= 1,  *)
(*                                                  armed := FALSE, drain  *)
(*                                                  the eventfd; then poll *)
(*                                                                         *)
(* FENCE: "asymmetric" (Linux: F1 is a compiler barrier, F2 is             *)
(* membarrier(PRIVATE_EXPEDITED), which makes every running thread         *)
(* execute a full barrier: the notifier's store buffer drains at F2);      *)
(* "symmetric" (elsewhere: both are seq_cst fences, F1 drains the          *)
(* notifier's buffer); "none" (both removed: must lose a wake-up).         *)
(* MUTANT: "noBump" (R3 wakes but does not bump the epoch), "fdEarly" (the *)
(* eventfd is written before the data store), "armLate" (the fd waiter     *)
(* checks ready() before arming and does not check again), "fdAlways" (the *)
(* eventfd is written on every publication, armed or not).                 *)
(***************************************************************************)
EXTENDS Integers, Sequences

CONSTANTS N,      \* publications
          FENCE,  \* "asymmetric" | "symmetric" | "none"
          MUTANT  \* "none" | "noBump" | "fdEarly" | "armLate" | "fdAlways"

ASSUME N \in Nat \ {0}
ASSUME FENCE \in {"asymmetric", "symmetric", "none"}
ASSUME MUTANT \in {"none", "noBump", "fdEarly", "armLate", "fdAlways"}

VARIABLES
  mem,        \* [data, waiters, epoch, armed]: what every thread reads from memory
  pbuf,       \* the notifier's store buffer: << [addr, value], ... >>, oldest first
  pc_p,       \* notifier: "store" "fence" "load" "bump" "loadArmed" "fdWrite" "done"
              \*   (fdEarly: "preArmed" "preFd" first)
  pc_c,       \* waiter: "idle" "fence" "loadEpoch" "check" "wait" "asleep" "dec"
              \*   "dfence" "dcheck" "poll" "disarm" "darm" (armLate) "done"
  seenEpoch,  \* the epoch the waiter read at A3
  fd,         \* the eventfd's counter (kernel: writes and the drain are atomic)
  published,  \* data stores the notifier has issued (the value of the last one)
  notified,   \* publications whose notify() has returned
  consumed,   \* the last data value the waiter consumed
  armedDuring,     \* ghost: a waiter was armed at some time during this notify()
  fdWriteUnarmed   \* ghost: an eventfd write in a notify() during which nobody was armed

vars == <<mem, pbuf, pc_p, pc_c, seenEpoch, fd, published, notified, consumed,
          armedDuring, fdWriteUnarmed>>

\* ---------------------------------------------------------------- helpers
Write(m, s) == [m EXCEPT ![s.addr] = s.value]
Flushed(m, buf) == LET f[i \in 0..Len(buf)] == IF i = 0 THEN m ELSE Write(f[i - 1], buf[i])
                   IN f[Len(buf)]
\* The waiter's readiness: a publication it has not consumed is visible in memory.
Ready == mem.data > consumed
\* notify() has returned: the notifier goes on to its next publication or is done.
EndNotify == /\ notified' = published
             /\ pc_p' = IF published < N THEN IF MUTANT = "fdEarly" THEN "preArmed" ELSE "store"
                        ELSE "done"
\* F2 on the waiter's side: with membarrier, every other thread's buffer drains now.
F2 == IF FENCE = "asymmetric" THEN /\ mem' = Flushed(mem, pbuf) /\ pbuf' = << >>
      ELSE UNCHANGED <<mem, pbuf>>

Init ==
  /\ mem = [data |-> 0, waiters |-> 0, epoch |-> 0, armed |-> FALSE]
  /\ pbuf = << >>
  /\ pc_p = IF MUTANT = "fdEarly" THEN "preArmed" ELSE "store"
  /\ pc_c = "idle"
  /\ seenEpoch = 0 /\ fd = 0 /\ published = 0 /\ notified = 0 /\ consumed = 0
  /\ armedDuring = FALSE /\ fdWriteUnarmed = FALSE

\* ---------------------------------------------------------------- notifier
P0_store ==
  /\ pc_p = "store"
  /\ pbuf' = Append(pbuf, [addr |-> "data", value |-> published + 1])
  /\ published' = published + 1
  /\ pc_p' = "fence"
  /\ UNCHANGED <<mem, pc_c, seenEpoch, fd, notified, consumed, armedDuring, fdWriteUnarmed>>

\* F1, where notify() begins: symmetric, a full fence (waits until the buffer drained);
\* asymmetric, a compiler barrier (orders nothing in hardware); none, nothing.
P1_fence ==
  /\ pc_p = "fence"
  /\ FENCE = "symmetric" => pbuf = << >>
  /\ pc_p' = "load"
  /\ armedDuring' = (mem.armed \/ (MUTANT = "fdEarly" /\ armedDuring))
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, fd, published, notified, consumed, fdWriteUnarmed>>

\* The relaxed load of waiters (the notifier never stores it: memory).
P2_load ==
  /\ pc_p = "load"
  /\ IF mem.waiters > 0
       THEN pc_p' = "bump" /\ UNCHANGED notified
       ELSE IF MUTANT = "fdAlways" THEN pc_p' = "fdWrite" /\ UNCHANGED notified
       ELSE EndNotify
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, fd, published, consumed, armedDuring,
                 fdWriteUnarmed>>

\* R3: epoch += 1, a locked RMW (drains the buffer first); futex_wake wakes a sleeper.
P3_bump ==
  /\ pc_p = "bump" /\ pbuf = << >>
  /\ mem' = IF MUTANT = "noBump" THEN mem ELSE [mem EXCEPT !.epoch = mem.epoch + 1]
  /\ pc_c' = IF pc_c = "asleep" THEN "dec" ELSE pc_c
  /\ IF MUTANT = "fdEarly" THEN EndNotify
     ELSE IF MUTANT = "fdAlways" THEN pc_p' = "fdWrite" /\ UNCHANGED notified
     ELSE pc_p' = "loadArmed" /\ UNCHANGED notified
  /\ UNCHANGED <<pbuf, seenEpoch, fd, published, consumed, armedDuring, fdWriteUnarmed>>

\* The relaxed load of armed: the eventfd is written only when a waiter is armed.
P4_loadArmed ==
  /\ pc_p = "loadArmed"
  /\ IF mem.armed THEN pc_p' = "fdWrite" /\ UNCHANGED notified ELSE EndNotify
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, fd, published, consumed, armedDuring,
                 fdWriteUnarmed>>

\* write(eventfd, 1): the fd becomes readable.
P5_fdWrite ==
  /\ pc_p = "fdWrite"
  /\ fd' = fd + 1
  /\ fdWriteUnarmed' = (fdWriteUnarmed \/ ~armedDuring)
  /\ EndNotify
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, published, consumed, armedDuring>>

\* Mutant fdEarly: armed is loaded and the eventfd written before the data store.
P_preArmed ==
  /\ pc_p = "preArmed"
  /\ pc_p' = IF mem.armed THEN "preFd" ELSE "store"
  /\ armedDuring' = mem.armed
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, fd, published, notified, consumed, fdWriteUnarmed>>
P_preFd ==
  /\ pc_p = "preFd"
  /\ fd' = fd + 1
  /\ pc_p' = "store"
  /\ fdWriteUnarmed' = (fdWriteUnarmed \/ ~armedDuring)
  /\ UNCHANGED <<mem, pbuf, pc_c, seenEpoch, published, notified, consumed, armedDuring>>

\* The store buffer drains in order, one store at a time, at any moment.
P_flush ==
  /\ pbuf /= << >>
  /\ mem' = Write(mem, Head(pbuf))
  /\ pbuf' = Tail(pbuf)
  /\ UNCHANGED <<pc_p, pc_c, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>

\* ---------------------------------------------------------------- waiter
\* The wait loop: while (!ready()) wait; then consume what is visible.
C_consume ==
  /\ pc_c = "idle" /\ Ready
  /\ consumed' = mem.data
  /\ pc_c' = IF mem.data = N THEN "done" ELSE "idle"
  /\ UNCHANGED <<mem, pbuf, pc_p, seenEpoch, fd, published, notified, armedDuring, fdWriteUnarmed>>

\* futex path. W1: waiters += 1 (a locked RMW: the waiter's stores never wait in a buffer).
C0_inc ==
  /\ pc_c = "idle" /\ ~Ready
  /\ mem' = [mem EXCEPT !.waiters = mem.waiters + 1]
  /\ pc_c' = "fence"
  /\ UNCHANGED <<pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>
C1_fence ==
  /\ pc_c = "fence" /\ F2 /\ pc_c' = "loadEpoch"
  /\ UNCHANGED <<pc_p, seenEpoch, fd, published, notified, consumed, armedDuring, fdWriteUnarmed>>
\* A3
C2_loadEpoch ==
  /\ pc_c = "loadEpoch" /\ seenEpoch' = mem.epoch /\ pc_c' = "check"
  /\ UNCHANGED <<mem, pbuf, pc_p, fd, published, notified, consumed, armedDuring, fdWriteUnarmed>>
C3_check ==
  /\ pc_c = "check" /\ pc_c' = IF Ready THEN "dec" ELSE "wait"
  /\ UNCHANGED <<mem, pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>
\* futex_wait compares and queues atomically: it sleeps only if the epoch is unchanged.
C4_wait ==
  /\ pc_c = "wait" /\ pc_c' = IF mem.epoch = seenEpoch THEN "asleep" ELSE "dec"
  /\ UNCHANGED <<mem, pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>
\* Back from the futex (or never slept): waiters -= 1; the wait loop checks again.
C5_dec ==
  /\ pc_c = "dec"
  /\ mem' = [mem EXCEPT !.waiters = mem.waiters - 1]
  /\ pc_c' = "idle"
  /\ UNCHANGED <<pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>

\* readiness-fd path. Arm: W1 (waiters += 1) and the armed flag, one locked RMW.
D0_arm ==
  /\ IF MUTANT = "armLate" THEN pc_c = "darm" ELSE pc_c = "idle" /\ ~Ready
  /\ mem' = [mem EXCEPT !.waiters = mem.waiters + 1, !.armed = TRUE]
  /\ armedDuring' = TRUE
  /\ pc_c' = "dfence"
  /\ UNCHANGED <<pbuf, pc_p, seenEpoch, fd, published, notified, consumed, fdWriteUnarmed>>
D1_fence ==
  /\ pc_c = "dfence" /\ F2
  /\ pc_c' = IF MUTANT = "armLate" THEN "poll" ELSE "dcheck"
  /\ UNCHANGED <<pc_p, seenEpoch, fd, published, notified, consumed, armedDuring, fdWriteUnarmed>>
\* Re-check after arming (armLate: this check comes first, before arming).
D2_check ==
  /\ IF MUTANT = "armLate" THEN pc_c = "idle" /\ ~Ready ELSE pc_c = "dcheck"
  /\ pc_c' = IF MUTANT = "armLate" THEN IF Ready THEN "idle" ELSE "darm"
             ELSE IF Ready THEN "disarm" ELSE "poll"
  /\ UNCHANGED <<mem, pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>
\* poll() on the eventfd returns once it is readable.
D3_poll ==
  /\ pc_c = "poll" /\ fd > 0 /\ pc_c' = "disarm"
  /\ UNCHANGED <<mem, pbuf, pc_p, seenEpoch, fd, published, notified, consumed, armedDuring,
                 fdWriteUnarmed>>
\* Disarm (waiters -= 1, armed cleared), drain the eventfd, then poll the channel.
D4_disarm ==
  /\ pc_c = "disarm"
  /\ mem' = [mem EXCEPT !.waiters = mem.waiters - 1, !.armed = FALSE]
  /\ fd' = 0
  /\ pc_c' = "idle"
  /\ UNCHANGED <<pbuf, pc_p, seenEpoch, published, notified, consumed, armedDuring, fdWriteUnarmed>>

Notifier == P0_store \/ P1_fence \/ P2_load \/ P3_bump \/ P4_loadArmed \/ P5_fdWrite
            \/ P_preArmed \/ P_preFd
Waiter == C_consume \/ C0_inc \/ C1_fence \/ C2_loadEpoch \/ C3_check \/ C4_wait \/ C5_dec
          \/ D0_arm \/ D1_fence \/ D2_check \/ D3_poll \/ D4_disarm

Next == Notifier \/ P_flush \/ Waiter

Spec == Init /\ [][Next]_vars /\ WF_vars(Notifier) /\ WF_vars(P_flush) /\ WF_vars(Waiter)

\* ---------------------------------------------------------------- properties
TypeOK ==
  /\ mem.data \in 0..N /\ mem.waiters \in 0..1 /\ mem.epoch \in 0..N /\ mem.armed \in BOOLEAN
  /\ Len(pbuf) <= N /\ fd \in 0..(N + 1)
  /\ consumed \in 0..N /\ notified \in 0..N /\ published \in 0..N

\* The waiter cannot run: asleep on the futex, or in poll() on an unreadable eventfd.
Blocked == pc_c = "asleep" \/ (pc_c = "poll" /\ fd = 0)
\* No lost wake-up: the waiter is never blocked once a notify() for a publication it has
\* not consumed has returned.
noLostWakeup == Blocked => consumed >= notified
waitersNonNegative == mem.waiters >= 0
\* The cost property: the eventfd is written only by a notify() during which a waiter was
\* armed (a publication with nobody armed makes no system call for the fd).
fdOnlyWhenArmed == ~fdWriteUnarmed
safetyInvariant == noLostWakeup /\ waitersNonNegative /\ fdOnlyWhenArmed

\* Liveness: under weak fairness of both threads and of the store buffer, the waiter
\* consumes every publication.
eventuallySeen == \A k \in 1..N : (notified >= k) ~> (consumed >= k)

\* ---------------------------------------------------------------- reachability
\* Each must be violated (a .cfg with "EXPECT: reachable"): the scenario is reachable.
\* An armed waiter was woken through the eventfd.
witnessFdWake == ~(pc_c = "disarm" /\ fd > 0)
\* The waiter slept on the futex and was woken by the epoch bump.
witnessFutexWake == ~(pc_c = "dec" /\ mem.epoch > seenEpoch /\ consumed < mem.data)
===============================================================================
