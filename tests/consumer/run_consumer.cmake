# Consumer test driver (run by CTest):
#   cmake -DMODE=package|subdirectory|fetchcontent|examples -DLOWP_SOURCE_DIR=<repo>
#         -DCONSUMER_SOURCE_DIR=<dir>
#         -DWORK_DIR=<scratch dir> -DGENERATOR=<gen> [-DMAKE_PROGRAM=..] [-DCXX_COMPILER=..]
#         [-DCONFIG=<build type>] [-DLOWP_BINARY_DIR=<lowp build dir, MODE=package>]
#         -P run_consumer.cmake
#
# package:      cmake --install <lowp build> --prefix <WORK_DIR>/prefix --component lowp, then
#               configure + build + run the consumer with find_package(lowp CONFIG REQUIRED)
#               and -DCMAKE_PREFIX_PATH=<prefix>; then, when pkg-config exists, check
#               `pkg-config --cflags lowp` against the installed lowp.pc and compile main.cpp
#               with those flags.
# subdirectory: configure + build + run the consumer with add_subdirectory(<repo>).
# fetchcontent: the same with FetchContent_Declare(lowp SOURCE_DIR <repo>) + MakeAvailable.
# examples:     install as for package, then configure <repo>/examples on its own (it is a
#               project of its own when top level: find_package(lowp)), build every example
#               and run them all through the examples' CTest tests.

cmake_minimum_required(VERSION 3.25)

foreach(_v MODE LOWP_SOURCE_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${_v}=... is required")
  endif()
endforeach()

function(run_step what)
  string(REPLACE ";" " " _pretty "${ARGN}")
  message(STATUS "[consumer:${MODE}] ${what}: ${_pretty}")
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "[consumer:${MODE}] ${what} failed (rc=${_rc}):\n${_out}")
  endif()
  set(STEP_OUTPUT "${_out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(_build_dir "${WORK_DIR}/build")
set(_source_dir "${CONSUMER_SOURCE_DIR}")
if(MODE STREQUAL "examples")
  set(_source_dir "${LOWP_SOURCE_DIR}/examples")
endif()
set(_configure_args
  -S "${_source_dir}" -B "${_build_dir}" -G "${GENERATOR}"
  "-DLOWP_CONSUMER_MODE=${MODE}"
  -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
if(MAKE_PROGRAM)
  list(APPEND _configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND _configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
set(_config_args "")
if(CONFIG)
  list(APPEND _configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
  set(_config_args --config "${CONFIG}")
endif()

if(MODE STREQUAL "package" OR MODE STREQUAL "examples")
  if(NOT LOWP_BINARY_DIR)
    message(FATAL_ERROR "run_consumer.cmake: MODE=package needs -DLOWP_BINARY_DIR=<lowp build>")
  endif()
  set(_prefix "${WORK_DIR}/prefix")
  run_step("install lowp" "${CMAKE_COMMAND}" --install "${LOWP_BINARY_DIR}"
    --prefix "${_prefix}" --component lowp ${_config_args})
  foreach(_f include/lowp/lowp.hpp)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "[consumer:package] ${_f} was not installed into ${_prefix}")
    endif()
  endforeach()
  file(GLOB_RECURSE _cfg "${_prefix}/*/lowpConfig.cmake")
  file(GLOB_RECURSE _pc "${_prefix}/*/lowp.pc")
  if(NOT _cfg OR NOT _pc)
    message(FATAL_ERROR "[consumer:package] lowpConfig.cmake or lowp.pc not installed")
  endif()
  list(APPEND _configure_args "-DCMAKE_PREFIX_PATH=${_prefix}")
elseif(MODE STREQUAL "subdirectory" OR MODE STREQUAL "fetchcontent")
  list(APPEND _configure_args "-DLOWP_SOURCE_DIR=${LOWP_SOURCE_DIR}")
else()
  message(FATAL_ERROR
    "run_consumer.cmake: MODE must be package, subdirectory, fetchcontent or examples")
endif()

run_step("configure" "${CMAKE_COMMAND}" ${_configure_args})
message("${STEP_OUTPUT}")

if(MODE STREQUAL "package" OR MODE STREQUAL "examples")
  # Make sure the lowp that was found is the one just installed, not a system copy.
  file(STRINGS "${_build_dir}/CMakeCache.txt" _dir_line REGEX "^lowp_DIR:")
  string(REGEX REPLACE "^lowp_DIR:[A-Z]+=" "" _lowp_dir "${_dir_line}")
  file(REAL_PATH "${_lowp_dir}" _lowp_dir)
  file(REAL_PATH "${_prefix}" _prefix_real)
  string(FIND "${_lowp_dir}" "${_prefix_real}/" _pos)
  if(NOT _pos EQUAL 0)
    message(FATAL_ERROR "[consumer:package] found lowp in ${_lowp_dir}, not in ${_prefix_real}")
  endif()
endif()

run_step("build" "${CMAKE_COMMAND}" --build "${_build_dir}" ${_config_args})
message("${STEP_OUTPUT}")

if(MODE STREQUAL "examples")
  # Every example runs on its default data (the examples' own CTest tests).
  run_step("run the examples" "${CMAKE_CTEST_COMMAND}" --test-dir "${_build_dir}"
    --output-on-failure ${_config_args} --no-tests=error)
  message("${STEP_OUTPUT}")
  message(STATUS "[consumer:${MODE}] OK")
  return()
endif()

set(_app "${_build_dir}/app${CMAKE_EXECUTABLE_SUFFIX}")
if(NOT EXISTS "${_app}" AND CONFIG)
  set(_app "${_build_dir}/${CONFIG}/app${CMAKE_EXECUTABLE_SUFFIX}")
endif()
run_step("run app" "${_app}")

# pkg-config check on the installed lowp.pc
if(MODE STREQUAL "package")
  find_program(_pkg_config NAMES pkg-config pkgconf)
  if(NOT _pkg_config)
    message(STATUS "[consumer:package] pkg-config not found: lowp.pc check skipped")
    return()
  endif()
  list(GET _pc 0 _pc_file)
  get_filename_component(_pc_dir "${_pc_file}" DIRECTORY)
  set(_pc_env "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${_pc_dir}" "PKG_CONFIG_LIBDIR=${_pc_dir}")

  run_step("pkg-config --modversion" ${_pc_env} "${_pkg_config}" --modversion lowp)
  string(STRIP "${STEP_OUTPUT}" _pc_version)
  if(NOT _pc_version MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+")
    message(FATAL_ERROR "[consumer:package] odd pkg-config version '${_pc_version}'")
  endif()

  run_step("pkg-config --cflags" ${_pc_env} "${_pkg_config}" --cflags lowp)
  string(STRIP "${STEP_OUTPUT}" _cflags)
  message(STATUS "[consumer:package] pkg-config --cflags lowp: ${_cflags}")
  separate_arguments(_cflags_list UNIX_COMMAND "${_cflags}")
  set(_found_header FALSE)
  foreach(_flag IN LISTS _cflags_list)
    if(_flag MATCHES "^-I(.+)$")
      set(_inc "${CMAKE_MATCH_1}")
      if(EXISTS "${_inc}/lowp/lowp.hpp")
        file(REAL_PATH "${_inc}" _inc)
        string(FIND "${_inc}/" "${_prefix_real}/" _pos)
        if(_pos EQUAL 0)
          set(_found_header TRUE)
        endif()
      endif()
    endif()
  endforeach()
  if(NOT _found_header)
    message(FATAL_ERROR "[consumer:package] `pkg-config --cflags lowp` (${_cflags}) does not "
                        "point at the headers installed in ${_prefix_real}")
  endif()

  if(CXX_COMPILER)
    set(_cxx "${CXX_COMPILER}")
  else()
    set(_cxx c++)
  endif()
  run_step("compile with pkg-config flags" "${_cxx}" -std=c++17 ${_cflags_list}
    "${CONSUMER_SOURCE_DIR}/main.cpp" -o "${WORK_DIR}/app_pkgconfig${CMAKE_EXECUTABLE_SUFFIX}")
  run_step("run app_pkgconfig" "${WORK_DIR}/app_pkgconfig${CMAKE_EXECUTABLE_SUFFIX}")
endif()

message(STATUS "[consumer:${MODE}] OK")
