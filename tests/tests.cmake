# Every tests/test_*.c is one ctest executable linked with libr50 (internal
# headers visible). R50_SHARED_DIR points at ../shared, read in place.
file(GLOB R50_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$") # x86 kernels: test_kernels_arm on Arm
  list(FILTER R50_TEST_SOURCES EXCLUDE REGEX "/test_kernels_x86\\.c$")
endif()
if(CMAKE_CROSSCOMPILING AND NOT R50_IMGDEPS_FOUND) # tests calling libpng/libjpeg themselves
  foreach(src ${R50_TEST_SOURCES})
    file(STRINGS ${src} _libinc REGEX "#include <(png|jpeglib)\\.h>")
    if(_libinc)
      list(REMOVE_ITEM R50_TEST_SOURCES ${src})
    endif()
  endforeach()
endif()
foreach(src ${R50_TEST_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE R50_SHARED_DIR="${R50_SHARED_DIR}"
                             R50_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE r50lib r50img)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 1200)
endforeach()

# Cross builds (cmake/*.cmake toolchains): ctest runs the test executables under
# CMAKE_CROSSCOMPILING_EMULATOR (qemu-user); the shell-driven tests below would
# run target binaries directly, so they are native-only.
if(CMAKE_CROSSCOMPILING)
  include(${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz.cmake)
  set_target_properties(mkseeds PROPERTIES EXCLUDE_FROM_ALL TRUE) # fuzzing-only tool
  if(NOT R50_IMGDEPS_FOUND)
    set_tests_properties(regress_png regress_jpeg PROPERTIES DISABLED TRUE)
  endif()
  return()
endif()
add_test(NAME cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli.sh $<TARGET_FILE:r50> ${R50_SHARED_DIR})
add_test(NAME image_cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/image_cli.sh $<TARGET_FILE:r50> ${R50_SHARED_DIR})
# fuzz harness replays of tests/regress (and the fuzzers with R50_FUZZ=ON)
include(${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz.cmake)
# r50 codegen: generated C compiled with the host compiler, bit-exact on the goldens
add_test(NAME codegen COMMAND bash ${CMAKE_SOURCE_DIR}/tests/codegen/run.sh $<TARGET_FILE:r50>
         $<TARGET_FILE:r50lib> ${CMAKE_C_COMPILER} ${CMAKE_SOURCE_DIR} ${R50_SHARED_DIR}
         ${CMAKE_BINARY_DIR}/codegen)
if(R50_SANITIZE)
  # the generated code links the instrumented libr50: compile it with the same sanitizers
  set_tests_properties(codegen PROPERTIES ENVIRONMENT
                       "R50_CG_CFLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all")
endif()
