# Fuzz harnesses (tests/fuzz/fuzz_*.c). Always: each harness linked with
# tests/fuzz/replay.c as replay_<name>, and a ctest regress_<name> replaying
# tests/regress/<name>/ (inputs that once crashed or hung). With R50_FUZZ=ON
# (clang): libFuzzer executables fuzz_<name> and the seed builder mkseeds,
# used by tests/fuzz/run.sh.
set(R50_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
# name -> sources, libraries, definitions
set(R50_FUZZERS model bmp pnm png jpeg text)
set(R50_FUZZ_model_SRC ${R50_FUZZ_DIR}/fuzz_model.c)
set(R50_FUZZ_model_LIB r50lib)
set(R50_FUZZ_text_SRC ${R50_FUZZ_DIR}/fuzz_text.c ${CMAKE_SOURCE_DIR}/tools/cli_text.c)
set(R50_FUZZ_text_LIB r50lib)
set(_fmt 0)
foreach(f bmp pnm png jpeg)
  set(R50_FUZZ_${f}_SRC ${R50_FUZZ_DIR}/fuzz_image.c)
  set(R50_FUZZ_${f}_LIB r50img)
  set(R50_FUZZ_${f}_DEF R50_FUZZ_FORMAT=${_fmt})
  math(EXPR _fmt "${_fmt} + 1")
endforeach()

foreach(f ${R50_FUZZERS})
  set(targets replay_${f})
  if(R50_FUZZ)
    list(APPEND targets fuzz_${f})
  endif()
  foreach(t ${targets})
    if(t MATCHES "^replay_")
      add_executable(${t} ${R50_FUZZ_${f}_SRC} ${R50_FUZZ_DIR}/replay.c)
    else()
      add_executable(${t} ${R50_FUZZ_${f}_SRC})
      target_link_options(${t} PRIVATE -fsanitize=fuzzer)
    endif()
    target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tools)
    target_link_libraries(${t} PRIVATE ${R50_FUZZ_${f}_LIB})
    if(R50_FUZZ_${f}_DEF)
      target_compile_definitions(${t} PRIVATE ${R50_FUZZ_${f}_DEF})
    endif()
  endforeach()
  add_test(NAME regress_${f} COMMAND replay_${f} ${CMAKE_SOURCE_DIR}/tests/regress/${f})
endforeach()

add_executable(mkseeds ${R50_FUZZ_DIR}/mkseeds.c)
target_include_directories(mkseeds PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(mkseeds PRIVATE r50img)
