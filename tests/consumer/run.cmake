# Installs the ganlite source tree to a scratch prefix, then configures, builds and runs
# tests/consumer against it with find_package(ganlite).
file(REMOVE_RECURSE ${WORK_DIR})
foreach(step
    "-S;${SOURCE_DIR};-B;${WORK_DIR}/lib;-DGANLITE_BUILD_TESTS=OFF;-DGANLITE_BUILD_EXAMPLES=OFF;-DGANLITE_BUILD_BENCHMARKS=OFF;-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix"
    "--install;${WORK_DIR}/lib"
    "-S;${SOURCE_DIR}/tests/consumer;-B;${WORK_DIR}/consumer;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    "--build;${WORK_DIR}/consumer")
  execute_process(COMMAND ${CMAKE_COMMAND} ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer test step failed: cmake ${step}")
  endif()
endforeach()
execute_process(COMMAND ${WORK_DIR}/consumer/consumer RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer program failed")
endif()
