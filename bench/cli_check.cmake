# Runs one bench binary and checks its exit code and output: a CLI contract test.
#   cmake -DCMD=<binary;args...> -DEXPECT_RC=<code> -DEXPECT=<regex> -P cli_check.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL EXPECT_RC)
  message(FATAL_ERROR "${CMD}: exit code ${rc}, expected ${EXPECT_RC}\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "${CMD}: output does not match '${EXPECT}':\n${out}${err}")
endif()
