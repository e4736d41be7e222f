#!/usr/bin/env python3
"""Mutation testing of the library: injects one defect at a time into include/ringmpsc/,
rebuilds the test binaries and runs them. A mutant is killed when a test fails, hangs past
its time limit, or a test's compile-time check rejects it; it survives when everything
passes. Survivors are run again under ThreadSanitizer (the ordering mutants need it).

Every mutant is a one-place textual change that must apply exactly once, so a refactoring
that moves the code makes the script fail loudly instead of testing nothing.

Usage: scripts/mutate.py [--list] [--only ID[,ID...]] [--no-tsan] [--timeout S]
                         [--build-dir DIR] [--report FILE]
Needs what scripts/setup.sh test installs. About 2-4 minutes per mutant on 2 cores.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
INC = "include/ringmpsc/"
CORE = INC + "detail/ring_core.hpp"
CHAN = INC + "detail/channel_core.hpp"
EVENT = INC + "detail/event_count.hpp"

# (id, what the defect is, file, exact original text, replacement)
MUTANTS = [
    # --- the ring ---------------------------------------------------------------------
    ("free-off-by-one", "free space off by one", CORE,
     "    std::uint64_t free = p_.limit - tail;",
     "    std::uint64_t free = p_.limit + 1 - tail;"),
    ("reservation-limit-not-held", "a reservation does not hold the write limit at the tail", CORE,
     "    p_.limit = tail;  // every write takes the slow path now, which reports the misuse\n", ""),
    ("reservation-limit-not-restored", "the end of a reservation leaves the write limit at the old tail", CORE,
     "    p_.limit = p_.saved_limit;\n", ""),
    ("space-query-as-write", "a space query during an open reservation is refused as a write", CORE,
     "    if (!reservation_open()) return free_slots_(tail, want);\n",
     "    return free_slots_(tail, want);\n"),
    ("parks-bit-dropped", "a ring that parks its consumer does not mark its writes to notify", CORE,
     "data != nullptr ? m | mode_parks : m & ~mode_parks", "m & ~mode_parks"),
    ("reserve-no-wrap-clamp", "reserve ignores the end of the ring", CORE,
     "std::min({n, free, static_cast<size_type>(p_.mask + 1 - idx)})",
     "std::min({n, free})"),
    ("producer-refresh-only-full", "producer refreshes its cached head only when it looks full", CORE,
     "    if (free < want) {", "    if (free == 0) {"),
    ("consumer-refresh-only-empty", "consumer refreshes its cached tail only when it looks empty", CORE,
     "    if (avail < max) avail = refresh_tail_() - head;",
     "    if (avail == 0) avail = refresh_tail_() - head;"),
    ("r1-relaxed", "R1 tail publication relaxed", CORE,
     "p_.tail.store(tail + n, checker::r1_release);  // R1",
     "p_.tail.store(tail + n, std::memory_order_relaxed);  // R1"),
    ("a1-relaxed", "A1 tail load relaxed", CORE,
     "p_.tail.load(std::memory_order_acquire);  // A1: pairs with R1",
     "p_.tail.load(std::memory_order_relaxed);  // A1: pairs with R1"),
    ("head-before-handler", "head handed back before the handler runs", CORE,
     "    } release{*this, head};",
     "    } release{*this, head};\n    c_.head.store(head + n, std::memory_order_release);"),
    ("release-never-destroys", "consumed items are never destroyed", CORE,
     "      for (std::uint64_t s = head; s != head + n; ++s) std::destroy_at(c_.slots + (s & c_.mask));",
     "      static_cast<void>(head);"),
    ("emplace-publish-first", "try_emplace publishes before constructing", CORE,
     "      ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);\n"
     "      scope.publish();",
     "      scope.publish();\n"
     "      ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);"),
    ("size-unclamped", "was_size() not clamped to capacity()", CORE,
     "std::min<std::uint64_t>(tail - head, p_.mask + 1)", "tail - head"),
    ("reserve-ignores-close", "a reservation is granted on a closed ring", CORE,
     "    if (free == 0 || is_closed_relaxed_()) return {};", "    if (free == 0) return {};"),
    ("no-hand-back-when-caught-up", "the consumer holds slots back after taking all it saw", CORE,
     "if (static_cast<std::int64_t>(pos - c_.hand_back_at) >= 0 || pos == c_.cached_tail)",
     "if (static_cast<std::int64_t>(pos - c_.hand_back_at) >= 0)"),
    ("advance-no-refresh", "advance(n) bounded by the cached tail", CORE,
     "    if (n > c_.cached_tail - head && n > refresh_tail_() - head) return false;",
     "    if (n > c_.cached_tail - head) return false;"),
    ("write-after-close", "a write does not check the closed flag", CORE,
     "      open_ = !ring_.is_closed_relaxed_();", "      open_ = true;"),
    ("marker-at-start", "a write's in-flight marker names its start, not its end", CORE,
     "      ring_.p_.write_end.store(tail + n, std::memory_order_relaxed);",
     "      ring_.p_.write_end.store(tail, std::memory_order_relaxed);"),
    ("marker-kept-when-refused", "a write that does not publish leaves its in-flight marker set", CORE,
     "      if (!published_) ring_.p_.write_end.store(tail_, std::memory_order_relaxed);",
     "      static_cast<void>(published_);"),
    ("marker-reset-to-zero", "a write that does not publish clears its marker to 0, not to the tail", CORE,
     "      if (!published_) ring_.p_.write_end.store(tail_, std::memory_order_relaxed);",
     "      if (!published_) ring_.p_.write_end.store(0, std::memory_order_relaxed);"),
    ("fence-mode-dropped", "a ring's light fences are compiler barriers without membarrier too", CORE,
     "(AsymmetricFence::light_is_full() ? mode_full_fence : 0)", "0"),
    ("metrics-mode-dropped", "a ring with metrics on does not count its writes", CORE,
     "(metrics ? mode_metrics : 0)", "0"),
    ("hand-back-every-item", "the consumer hands slots back after every item", CORE,
     "    c_.hand_back_at = pos + c_.quantum;", "    c_.hand_back_at = pos;"),
    # --- reservations -----------------------------------------------------------------
    ("committable-size", "committable() returns size()", INC + "reservation.hpp",
     "    return writable_in_place ? size_ : written_;", "    return size_;"),
    ("commit-k-all", "commit(k) publishes everything", INC + "reservation.hpp",
     "    return finish_(k);", "    return finish_(committable());"),
    ("move-assign-no-cancel", "move-assigning over an open reservation does not cancel it",
     INC + "reservation.hpp", "      cancel();\n      data_ = std::exchange", "      data_ = std::exchange"),
    ("emplace-back-unchecked", "emplace_back past size() constructs anyway", INC + "reservation.hpp",
     "    if (written_ >= size_) return false;\n", ""),
    # --- the channel ------------------------------------------------------------------
    # (Removing only the scan's drained check is equivalent: the check after the CAS then
    # hands the slot back. This mutant removes the check itself.)
    ("reuse-undrained", "registration reuses a ring that still holds items (no drained check)", CHAN,
     "    return r == nullptr || r->drained();", "    static_cast<void>(r);\n    return true;"),
    ("close-no-notify", "close() does not wake the consumer", CHAN,
     "    sealed_.store(true, std::memory_order_release);  // R10: pairs with A10 in sealed()\n"
     "    data_.notify();",
     "    sealed_.store(true, std::memory_order_release);  // R10: pairs with A10 in sealed()"),
    ("close-no-wait-writers", "close() does not wait for writes in flight", CHAN,
     "if (RingCore<T>* r = slots_[i].ring.load(std::memory_order_acquire)) r->wait_writers();",
     "static_cast<void>(i);"),
    ("no-rotation", "large consumer calls always start at the same ring", CHAN,
     "    cursor_ = start + 1;", "    cursor_ = start;"),
    ("no-streak-limit", "small consumer calls stay on one ring without limit", CHAN,
     "      if (total == want && streak_ < streak_limit) return total;",
     "      if (total == want) return total;"),
    ("dry-ring-asked-twice", "a small consumer call asks the ring it leaves again in its scan", CHAN,
     "      asked = 1;", "      asked = 0;"),
    ("claim-no-recheck", "a claim does not check again after its CAS that the ring is drained", CHAN,
     "      if (st == SlotState::retired && !drained_(slot)) {\n"
     "        slot.state.store(st, std::memory_order_release);\n        continue;\n      }\n", ""),
    ("had-producer-before-recheck", "a registration close() refuses counts as a producer that came", CHAN,
     "      raise_high_water_(i + 1);\n",
     "      raise_high_water_(i + 1);\n      shared_.had_producer.store(true, std::memory_order_release);\n"),
    ("disconnected-live-first", "the disconnected check loads the live count before had_producer", CHAN,
     "    return shared_.had_producer.load(std::memory_order_acquire) &&\n"
     "           shared_.live.load(std::memory_order_acquire) == 0;",
     "    return shared_.live.load(std::memory_order_acquire) == 0 &&\n"
     "           shared_.had_producer.load(std::memory_order_acquire);"),
    ("no-closed-recheck", "no closed re-check after installing a ring (SC1)", CHAN,
     "      if (closed_.load(std::memory_order_seq_cst)) {", "      if (false) {"),
    ("give-back-no-wake", "a failed registration does not wake the consumer", CHAN,
     "    if (shared_.live.fetch_sub(1, std::memory_order_acq_rel) == 1 && shared_.data_event)\n"
     "      data_.notify();",
     "    shared_.live.fetch_sub(1, std::memory_order_acq_rel);"),
    ("wrong-errc", "wrong Errc for too many producers", INC + "basic_channel.hpp",
     "case detail::ChannelCore<T>::Outcome::too_many_producers: return Errc::too_many_producers;",
     "case detail::ChannelCore<T>::Outcome::too_many_producers: return Errc::rings_not_drained;"),
    ("readable-before-sealed", "the consumer checks readability before the seal", INC + "basic_channel.hpp",
     "    const bool sealed = core_.sealed();\n    const bool gone = core_.disconnected();\n"
     "    if (core_.any_readable()) return Status::ok;",
     "    if (core_.any_readable()) return Status::ok;\n    const bool sealed = core_.sealed();\n"
     "    const bool gone = core_.disconnected();"),
    ("orphan-retired-at-drop", "a producer dropped with its reservation open frees its ring at once",
     INC + "producer.hpp", "    if (core_->reservation_open()) {", "    if (false) {"),
    ("guard-ignored", "a refused role guard does not stop try_pop (debug builds)", CORE,
     "    if (!guard) return false;\n    const std::uint64_t head = c_.pos;\n"
     "    if (c_.cached_tail == head && refresh_tail_() == head) return false;",
     "    const std::uint64_t head = c_.pos;\n"
     "    if (c_.cached_tail == head && refresh_tail_() == head) return false;"),
    ("ring-close-no-wait", "Ring::close() does not wait for writes in flight", INC + "basic_ring.hpp",
     "    core_.wait_writers();\n", ""),
    ("capacity-unchecked", "Config::capacity() shifts by an unchecked ring_bits", INC + "config.hpp",
     "    return ring_bits >= min_ring_bits && ring_bits <= max_ring_bits ? std::size_t{1} << ring_bits\n"
     "                                                                    : 0;",
     "    return std::size_t{1} << ring_bits;"),
    # --- the wake-up protocol ---------------------------------------------------------
    ("wake-no-epoch-bump", "wake does not bump the epoch (R3)", EVENT,
     "      epoch_.fetch_add(1, std::memory_order_release);  // R3: pairs with A3\n", ""),
    ("park-no-f2", "F2 removed from park", EVENT,
     "    if constexpr (checker::keep_f2) AsymmetricFence::heavy();  // F2: pairs with F1\n", ""),
]

DEV_TARGETS = ["ringmpsc_tests", "ringmpsc_release_tests", "ringmpsc_mbt_tests"]


def run(cmd, cwd=ROOT, timeout=None, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=env, text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode(errors="replace")
        return "timeout", out


def configure(build, tsan):
    flags = "-O1 -g1 -fsanitize=thread" if tsan else "-O1"
    args = ["cmake", "-S", ".", "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=",
            f"-DCMAKE_CXX_FLAGS={flags}", "-DRINGMPSC_BUILD_TESTS=ON",
            "-DRINGMPSC_BUILD_BENCHMARKS=OFF", "-DRINGMPSC_BUILD_EXAMPLES=OFF",
            "-DRINGMPSC_SPEC_TESTS=OFF"]
    if tsan:
        args += ["-DRINGMPSC_SANITIZED=ON", "-DRINGMPSC_TSAN=ON"]
    rc, out = run(args)
    if rc != 0:
        sys.exit(f"mutate: configuring {build} failed:\n{out}")


def relacy_tests(build):
    rc, out = run(["ctest", "--test-dir", str(build), "-N", "-R", "^relacy\\."])
    return rc == 0 and "Total Tests: 0" not in out


def test_once(build, targets, timeout, tsan):
    """'pass', or the reason the tests failed."""
    relacy = not tsan and relacy_tests(build)
    rc, out = run(["cmake", "--build", str(build), "--target", *targets,
                   *(["ringmpsc_relacy"] if relacy else [])], timeout=3600)
    if rc != 0:
        return "does not compile (a test's compile-time check)" if "error" in out else "build failed"
    env = dict(os.environ, TSAN_OPTIONS="halt_on_error=1")
    for t in targets:
        exe = build / "tests" / t
        rc, out = run([str(exe), "--abort"], timeout=timeout, env=env)
        if rc == "timeout":
            return f"{t}: hung past {timeout} s"
        if rc != 0:
            failed = [l for l in out.splitlines() if "FAILED" in l or "ThreadSanitizer" in l]
            return f"{t}: {failed[0].strip() if failed else 'exit ' + str(rc)}"
    if relacy:  # the checks of the library, not the checker's own expected failures
        rc, out = run(["ctest", "--test-dir", str(build), "-R", "^relacy\\.", "-E", "mutant_",
                       "-j2", "--output-on-failure"], timeout=timeout)
        if rc != 0:
            return "relacy: " + next((l.strip() for l in out.splitlines() if "Failed" in l), "failed")
    return "pass"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--only", help="comma-separated mutant ids")
    ap.add_argument("--no-tsan", action="store_true", help="do not rerun survivors under TSan")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per test binary")
    ap.add_argument("--build-dir", default="build/mutate")
    ap.add_argument("--report", default=None, help="markdown report (default: BUILD/mutation.md)")
    a = ap.parse_args()

    if a.list:
        for m in MUTANTS:
            print(f"{m[0]:30} {m[1]}")
        return 0
    chosen = MUTANTS
    if a.only:
        ids = a.only.split(",")
        unknown = [i for i in ids if i not in {m[0] for m in MUTANTS}]
        if unknown:
            sys.exit(f"mutate: unknown mutant id(s): {', '.join(unknown)} (see --list)")
        chosen = [m for m in MUTANTS if m[0] in ids]

    for mid, _, path, old, _ in chosen:
        n = (ROOT / path).read_text().count(old)
        if n != 1:
            sys.exit(f"mutate: mutant {mid}: its original text occurs {n} times in {path} "
                     "(the code moved: update the mutant)")

    build = ROOT / a.build_dir
    tsan_build = ROOT / (a.build_dir + "-tsan")
    configure(build, tsan=False)
    print("mutate: baseline (unmutated) ...", flush=True)
    base = test_once(build, DEV_TARGETS, a.timeout, tsan=False)
    if base != "pass":
        sys.exit(f"mutate: the unmutated tests do not pass: {base}")
    if not a.no_tsan:
        configure(tsan_build, tsan=True)

    results = []
    for mid, what, path, old, new in chosen:
        f = ROOT / path
        original = f.read_text()
        start = time.time()
        try:
            f.write_text(original.replace(old, new, 1))
            verdict = test_once(build, DEV_TARGETS, a.timeout, tsan=False)
            how = "plain"
            if verdict == "pass" and not a.no_tsan:
                verdict = test_once(tsan_build, ["ringmpsc_tests"], a.timeout * 3, tsan=True)
                how = "tsan"
        finally:
            f.write_text(original)
        killed = verdict != "pass"
        results.append((mid, what, killed, how, verdict, time.time() - start))
        print(f"mutate: {mid:30} {'killed' if killed else 'SURVIVED'} ({how}, "
              f"{time.time() - start:.0f} s) {verdict if killed else ''}", flush=True)

    # Rebuild the unmutated binaries so nothing stale is left behind.
    run(["cmake", "--build", str(build), "--target", *DEV_TARGETS])
    killed = sum(r[2] for r in results)
    lines = ["| mutant | defect | result | by | first failure |", "|---|---|---|---|---|"]
    for mid, what, k, how, verdict, _ in results:
        lines.append(f"| `{mid}` | {what} | {'killed' if k else '**survived**'} | "
                     f"{how if k else '-'} | {verdict.replace('|', '/') if k else ''} |")
    summary = f"{killed} of {len(results)} mutants killed ({100 * killed / max(1, len(results)):.0f} %)"
    report = pathlib.Path(a.report) if a.report else build / "mutation.md"
    report.write_text(summary + "\n\n" + "\n".join(lines) + "\n")
    print("\n" + summary + f"; report: {report}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
