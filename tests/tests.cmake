# Every tests/test_*.c is one ctest executable linked with libr50 (internal
# headers visible). R50_SHARED_DIR points at ../shared, read in place.
file(GLOB R50_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
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

add_test(NAME cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli.sh $<TARGET_FILE:r50> ${R50_SHARED_DIR})
add_test(NAME image_cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/image_cli.sh $<TARGET_FILE:r50> ${R50_SHARED_DIR})
# fuzz harness replays of tests/regress (and the fuzzers with R50_FUZZ=ON)
include(${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz.cmake)
# r50 codegen: generated C compiled with the host compiler, bit-exact on the goldens
add_test(NAME codegen COMMAND bash ${CMAKE_SOURCE_DIR}/tests/codegen/run.sh $<TARGET_FILE:r50>
         $<TARGET_FILE:r50lib> ${CMAKE_C_COMPILER} ${CMAKE_SOURCE_DIR} ${R50_SHARED_DIR}
         ${CMAKE_BINARY_DIR}/codegen)
