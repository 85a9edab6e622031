# Runs one example program and checks its output for its key facts.
#   cmake -DEXE=<example binary> -DFACTS=<stem>.facts [-DCHECK=<stem>_check.py -DPYTHON=<python3>]
#         [-DWORK_DIR=<scratch dir>] -P check_example.cmake
#
# FACTS: one CMake regular expression per line; every one must match the program's standard
# output (run with no arguments, in WORK_DIR). Blank lines and lines starting with `#` are
# ignored; `;` and unbalanced brackets are fine anywhere. CHECK (optional): a Python script run as `python3 CHECK EXE WORK_DIR` after the
# facts; it may run the program again with other arguments and must exit 0.
cmake_minimum_required(VERSION 3.25)

foreach(_v EXE FACTS)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "check_example.cmake: -D${_v}=... is required")
  endif()
endforeach()
if(NOT WORK_DIR)
  get_filename_component(WORK_DIR "${EXE}" DIRECTORY)
endif()
file(MAKE_DIRECTORY "${WORK_DIR}")

execute_process(COMMAND "${EXE}"
  WORKING_DIRECTORY "${WORK_DIR}"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${_rc}\n--- stdout\n${_out}\n--- stderr\n${_err}")
endif()

set(_failed 0)
set(_checked 0)
if(EXISTS "${FACTS}")
  # Read line by line with string(FIND): a CMake list would merge lines at an unbalanced `[`
  # and split them at `;`, both common in regexes and comments.
  file(READ "${FACTS}" _text)
  string(APPEND _text "\n")
  while(NOT _text STREQUAL "")
    string(FIND "${_text}" "\n" _eol)
    string(SUBSTRING "${_text}" 0 ${_eol} _re)
    math(EXPR _next "${_eol} + 1")
    string(SUBSTRING "${_text}" ${_next} -1 _text)
    string(REGEX REPLACE "\r$" "" _re "${_re}")
    if(_re STREQUAL "" OR _re MATCHES "^#")
      continue()
    endif()
    math(EXPR _checked "${_checked} + 1")
    if(NOT _out MATCHES "${_re}")
      message(SEND_ERROR "fact not found in the output: ${_re}")
      set(_failed 1)
    endif()
  endwhile()
endif()
if(_failed)
  message(FATAL_ERROR "--- output of ${EXE}\n${_out}")
endif()
message(STATUS "${EXE}: ${_checked} facts found in the output")

if(CHECK)
  execute_process(COMMAND "${PYTHON}" "${CHECK}" "${EXE}" "${WORK_DIR}"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _cout ERROR_VARIABLE _cout)
  message("${_cout}")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${CHECK} failed (exit ${_rc})")
  endif()
endif()
