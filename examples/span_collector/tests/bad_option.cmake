# span_generator --threads abc: exit status 2 and a message naming the option and value.
execute_process(COMMAND ${PROGRAM} --threads abc RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT status EQUAL 2)
  message(FATAL_ERROR "expected exit status 2, got ${status}")
endif()
if(NOT err MATCHES "--threads: 'abc' is not")
  message(FATAL_ERROR "the message does not name the option and its value: ${err}")
endif()
