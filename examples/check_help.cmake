# cmake -DEXE=<example binary> -P check_help.cmake
# `EXE --help` exits 0 and prints a usage line on stdout; an unknown option exits non-zero
# with a message on stderr.
execute_process(COMMAND ${EXE} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "usage")
  message(FATAL_ERROR "${EXE} --help: exit ${rc}, expected 0 and a usage line on stdout:\n${out}${err}")
endif()
execute_process(COMMAND ${EXE} --no-such-option RESULT_VARIABLE rc OUTPUT_VARIABLE out2 ERROR_VARIABLE err)
if(rc EQUAL 0 OR err STREQUAL "")
  message(FATAL_ERROR "${EXE} --no-such-option: exit ${rc}, expected an error on stderr:\n${out2}${err}")
endif()
message(STATUS "${out}")
