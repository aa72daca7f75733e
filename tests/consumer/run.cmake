# Installs the ganlite source tree to a scratch prefix and builds tests/consumer against it three
# ways: with find_package(ganlite), with `pkg-config --cflags --libs ganlite`, and against the
# tree of the .deb that `cpack -G DEB` makes (extracted with dpkg-deb, where dpkg-deb exists).
# Each consumer program must run and succeed.
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCXX=... -P run.cmake
file(REMOVE_RECURSE ${WORK_DIR})
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc WORKING_DIRECTORY ${WORK_DIR})
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " said "${ARGN}")
    message(FATAL_ERROR "consumer test step failed (${rc}): ${said}")
  endif()
endfunction()
file(MAKE_DIRECTORY ${WORK_DIR})
step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/lib -DGANLITE_BUILD_TESTS=OFF -DGANLITE_BUILD_EXAMPLES=OFF -DGANLITE_BUILD_BENCHMARKS=OFF
     -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix)
step(${CMAKE_COMMAND} --install ${WORK_DIR}/lib)

# A prefix's three ways in: CMake's package, pkg-config (its prefix taken from where the .pc file
# lies), and the program each builds.
function(consume root tag)
  step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/consumer_${tag} -DCMAKE_PREFIX_PATH=${root})
  step(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer_${tag})
  step(${WORK_DIR}/consumer_${tag}/consumer)
  file(GLOB_RECURSE pc ${root}/*/ganlite.pc)
  if(NOT pc)
    message(FATAL_ERROR "no ganlite.pc under ${root}")
  endif()
  get_filename_component(pc_dir ${pc} DIRECTORY)
  step(sh -c "PKG_CONFIG_PATH='${pc_dir}' '${CXX}' -std=c++17 -O1 '${SOURCE_DIR}/tests/consumer/main.cpp' \
$(PKG_CONFIG_PATH='${pc_dir}' pkg-config --cflags --libs ganlite) -o '${WORK_DIR}/consumer_${tag}_pc'")
  step(${WORK_DIR}/consumer_${tag}_pc)
endfunction()
consume(${WORK_DIR}/prefix installed)

find_program(DPKG_DEB dpkg-deb)
if(DPKG_DEB)
  step(${CMAKE_CPACK_COMMAND} -G DEB -B ${WORK_DIR}/deb_out --config ${WORK_DIR}/lib/CPackConfig.cmake)
  file(GLOB deb ${WORK_DIR}/deb_out/*.deb)
  if(NOT deb)
    message(FATAL_ERROR "cpack -G DEB made no .deb in ${WORK_DIR}/deb_out")
  endif()
  step(${DPKG_DEB} -x ${deb} ${WORK_DIR}/deb_root)
  consume(${WORK_DIR}/deb_root/usr deb)
  message(STATUS "consumer: built and ran against the installed tree, by find_package and pkg-config, and against ${deb}")
else()
  message(STATUS "consumer: built and ran against the installed tree, by find_package and pkg-config (no dpkg-deb: the .deb not checked)")
endif()
