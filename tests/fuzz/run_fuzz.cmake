# Runs one libFuzzer target for a bounded time (cmake -P; called by CTest, see CMakeLists.txt):
#
#   1. replays every file regressions/<NAME without "fuzz_">-* once (a failing one fails the
#      test, after the fuzzing below has run all the same);
#   2. copies the seed corpus into WORK_DIR/corpus (libFuzzer writes new inputs into its first
#      corpus directory only, so the source corpus is never touched);
#   3. fuzzes for SECONDS seconds: FUZZER <options> WORK_DIR/corpus SEED_CORPUS;
#   4. prints one summary line: executions, corpus files at the end, PASS or FAIL.
#
# Variables: FUZZER, NAME, SEED_CORPUS, REGRESSIONS, WORK_DIR, SECONDS, EXTRA_ARGS (a list).
# The full libFuzzer log is WORK_DIR/fuzz.log; crash inputs go to WORK_DIR/ (crash-<sha1>).

foreach(var FUZZER NAME SEED_CORPUS WORK_DIR SECONDS)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_fuzz.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REGEX REPLACE "^fuzz_" "" _short "${NAME}")

# Prints the last `count` lines of `text`.
function(print_tail text count)
  string(REPLACE "\n" ";" _lines "${text}")
  list(LENGTH _lines _n)
  math(EXPR _from "${_n} - ${count}")
  if(_from LESS 0)
    set(_from 0)
  endif()
  list(SUBLIST _lines ${_from} -1 _tail)
  string(REPLACE ";" "\n" _tail "${_tail}")
  message("${_tail}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/corpus")

# 1. Regressions: each file once, in its own process, so that every failing one is named.
set(_replayed 0)
set(_regressions_failed "")
if(DEFINED REGRESSIONS AND IS_DIRECTORY "${REGRESSIONS}")
  file(GLOB _regressions LIST_DIRECTORIES false "${REGRESSIONS}/${_short}-*")
  list(SORT _regressions)
  list(LENGTH _regressions _replayed)
  foreach(_input IN LISTS _regressions)
    get_filename_component(_input_name "${_input}" NAME)
    execute_process(
      COMMAND "${FUZZER}" "${_input}"
      WORKING_DIRECTORY "${WORK_DIR}"
      RESULT_VARIABLE _rc
      OUTPUT_VARIABLE _out
      ERROR_VARIABLE _out)
    file(WRITE "${WORK_DIR}/regression-${_input_name}.log" "${_out}")
    if(NOT _rc EQUAL 0)
      list(APPEND _regressions_failed "${_input_name}")
      if(_out MATCHES "\\*\\*\\* lowp fuzz: MISMATCH\n([^\n]*\n[^\n]*)")
        message("${NAME}: regression ${_input_name} fails:\n${CMAKE_MATCH_1}")
      else()
        message("${NAME}: regression ${_input_name} fails (exit ${_rc}); log: "
                "${WORK_DIR}/regression-${_input_name}.log")
      endif()
    endif()
  endforeach()
endif()
list(LENGTH _regressions_failed _regressions_failed_n)

# 2. Scratch corpus.
set(_seed_files "")
if(IS_DIRECTORY "${SEED_CORPUS}")
  file(GLOB _seed_files LIST_DIRECTORIES false "${SEED_CORPUS}/*")
endif()
list(LENGTH _seed_files _seeds)
if(_seed_files)
  file(COPY ${_seed_files} DESTINATION "${WORK_DIR}/corpus")
endif()

# 3. Fuzz.
set(_cmd "${FUZZER}" -max_total_time=${SECONDS} -print_final_stats=1 -timeout=10
  -rss_limit_mb=2048 -artifact_prefix=${WORK_DIR}/ ${EXTRA_ARGS} "${WORK_DIR}/corpus")
if(IS_DIRECTORY "${SEED_CORPUS}")
  list(APPEND _cmd "${SEED_CORPUS}")
endif()
string(REPLACE ";" " " _shown "${_cmd}")
message("${NAME}: ${_shown}")
execute_process(
  COMMAND ${_cmd}
  WORKING_DIRECTORY "${WORK_DIR}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _log
  ERROR_VARIABLE _log)
file(WRITE "${WORK_DIR}/fuzz.log" "${_log}")

# 4. Summary.
set(_execs "?")
if(_log MATCHES "stat::number_of_executed_units: *([0-9]+)")
  set(_execs "${CMAKE_MATCH_1}")
endif()
file(GLOB _corpus LIST_DIRECTORIES false "${WORK_DIR}/corpus/*")
list(LENGTH _corpus _corpus_n)
string(CONCAT _counts "${_execs} executions, corpus ${_corpus_n} files (${_seeds} seeds), "
       "${_replayed} regressions replayed (${_regressions_failed_n} failing)")
if(_rc EQUAL 0)
  print_tail("${_log}" 12)
else()
  file(GLOB _crashes LIST_DIRECTORIES false "${WORK_DIR}/crash-*" "${WORK_DIR}/leak-*"
       "${WORK_DIR}/timeout-*" "${WORK_DIR}/oom-*" "${WORK_DIR}/slow-unit-*")
  print_tail("${_log}" 80)
  message("${NAME}: the fuzzer stopped on an input (exit ${_rc}): ${_crashes}; "
          "log: ${WORK_DIR}/fuzz.log")
endif()
if(_rc EQUAL 0 AND _regressions_failed_n EQUAL 0)
  message("${NAME}: ${_counts}, PASS")
else()
  message("${NAME}: ${_counts}, FAIL")
  message(FATAL_ERROR "${NAME}: FAIL")
endif()
