# Runs a Relacy test built as a protocol mutant, which must be caught: passes only when
# the run exits non-zero and Relacy's report contains EXPECT.
# cmake -DEXE=<executable> -DTEST=<test name> -DEXPECT=<text> -P expect_failure.cmake
execute_process(COMMAND "${EXE}" "${TEST}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# Relacy's report (the failing execution's history), then its summary lines.
message("${out}${err}")
string(REGEX MATCHALL "[^\n]*(${TEST}:|detected)[^\n]*" summary "${out}")
list(REMOVE_DUPLICATES summary)
string(REPLACE ";" "\n  " summary "${summary}")
if(rc EQUAL 0)
  message(FATAL_ERROR "mutant not caught: ${TEST} passed (exit status 0)")
endif()
string(FIND "${out}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "mutant ${TEST} failed (exit status ${rc}) without Relacy reporting "
    "'${EXPECT}'")
endif()
message(STATUS "mutant caught as expected (exit status ${rc}):\n  ${summary}")
