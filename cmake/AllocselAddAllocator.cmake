# AllocselAddAllocator.cmake — allocsel_add_allocator(): declares an allocator
# (DESIGN §1, §6) as a tagged static archive `liballocsel-<name>.a`.
#
#   allocsel_add_allocator(<name>
#     [SOURCES <src>... [ABI] | IMPORTED <archive>]
#     [CLASS overriding|deferring|shared-object]
#     [SHARED_LIB <lib>]
#     [LIBS <lib>...]
#     [ORIGIN <text>]
#     [DESTINATION <dir>])
#
# The archive always holds one generated *marker member* (a tiny C file using
# ALLOCSEL_ALLOCATOR_MARKER) and, depending on the form:
#   SOURCES ... ABI   the sources implement the five allocsel ABI functions;
#                     the shim's members (allocators/shim) are added, so the
#                     archive defines the whole C and C++ surface. The marker
#                     gets ALLOCSEL_FLAG_ABI, which is what rule AS004 checks.
#   SOURCES ...       the sources define the entry points themselves.
#   IMPORTED <a.a>    the members of an existing archive (Debian's
#                     libjemalloc_pic.a, say) are merged in at build time,
#                     SOURCES may add what that archive lacks.
#   neither           a marker-only archive: the `deferring` system allocator,
#                     or a shared-object backed one (SHARED_LIB).
# CLASS defaults to `shared-object` with SHARED_LIB, else `overriding`.
# SHARED_LIB names the backing library as for -l (`mimalloc`; `libmimalloc.so`
# is accepted too); it becomes the first of the marker's libs. LIBS are the
# libraries the allocator needs after its archive (`m pthread`).
#
# Everything is compiled without LTO (-fno-lto): a note inside an LLVM bitcode
# member is invisible before code generation (DESIGN §1), and -fPIC, since an
# allocator may be linked into a shared library. The archive is installed to
# <DESTINATION>/<name>/ (default ${ALLOCSEL_ALLOCATOR_DIR}, else lib/allocsel)
# next to `allocator.json`, which records class, ABI, libs and origin for
# `allocsel list`.
#
# Knobs a project may set before calling: ALLOCSEL_INCLUDE_DIR (where
# allocsel/allocator.h lives), ALLOCSEL_SHIM_DIR (the shim's sources),
# ALLOCSEL_ALLOCATOR_OUTPUT_DIR (archives go to <dir>/<name>/ instead of the
# current binary dir, which mirrors the installed layout).
#
# The same file doubles as the build-time merge script (`cmake -P`), so the
# function stays one self-contained file for the CMake package.

if(CMAKE_SCRIPT_MODE_FILE AND ALLOCSEL_MERGE_ARCHIVE)
  # Build-time step: append every member of ALLOCSEL_MERGE_IMPORTED to
  # ALLOCSEL_MERGE_ARCHIVE. `ar x` alone is not enough: archives may hold
  # several members of the same name (extracting them into one directory keeps
  # only the last), so each member is extracted by its occurrence count
  # (`ar xN <k>`) into a directory of its own, and appended with `ar q`, which
  # never replaces an existing member. Order and names are kept, so
  # diagnostics can name `liballocsel-jemalloc.a(jemalloc.pic.o)`.
  set(ar "${ALLOCSEL_MERGE_AR}")
  set(work "${ALLOCSEL_MERGE_WORK}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  execute_process(COMMAND "${ar}" t "${ALLOCSEL_MERGE_IMPORTED}"
                  OUTPUT_VARIABLE members RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "allocsel: cannot list '${ALLOCSEL_MERGE_IMPORTED}'")
  endif()
  string(REPLACE "\n" ";" members "${members}")
  set(index 0)
  set(files)
  foreach(member IN LISTS members)
    if(member STREQUAL "")
      continue()
    endif()
    string(MAKE_C_IDENTIFIER "seen_${member}" key)
    if(NOT DEFINED ${key})
      set(${key} 0)
    endif()
    math(EXPR ${key} "${${key}} + 1")
    set(dir "${work}/${index}")
    file(MAKE_DIRECTORY "${dir}")
    execute_process(COMMAND "${ar}" xN ${${key}} "${ALLOCSEL_MERGE_IMPORTED}"
                            "${member}"
                    WORKING_DIRECTORY "${dir}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${dir}/${member}")
      message(FATAL_ERROR "allocsel: cannot extract '${member}' "
                          "(#${${key}}) from '${ALLOCSEL_MERGE_IMPORTED}'")
    endif()
    list(APPEND files "${dir}/${member}")
    math(EXPR index "${index} + 1")
  endforeach()
  if(files)
    execute_process(COMMAND "${ar}" q "${ALLOCSEL_MERGE_ARCHIVE}" ${files}
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "allocsel: cannot append to '${ALLOCSEL_MERGE_ARCHIVE}'")
    endif()
  endif()
  # A fresh symbol index over all members, the merged ones included.
  execute_process(COMMAND "${ar}" s "${ALLOCSEL_MERGE_ARCHIVE}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "allocsel: cannot index '${ALLOCSEL_MERGE_ARCHIVE}'")
  endif()
  file(REMOVE_RECURSE "${work}")
  return()
endif()

include_guard(GLOBAL)

# A directory of allocsel's sources: the knob `var` if the project (or the
# installed package) set it, else `relative` to this file in allocsel's
# source tree. Looked up when a function runs, not when this file is
# included: a project that vendors allocsel (add_subdirectory) first
# includes it from allocsel's own directory, whose variables the project's
# directories never see.
function(_allocsel_source_dir out var relative)
  if(${var})
    set(${out} "${${var}}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../${relative}" PARENT_SCOPE)
  endif()
endfunction()

# The shim as one object library, created on first use and shared by every
# ABI-based allocator of the project. Its C and C++ halves are separate
# members, so a plain C link never extracts the operators (and never needs
# libstdc++).
function(_allocsel_shim_target out)
  if(NOT TARGET allocsel_shim)
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if(NOT "CXX" IN_LIST languages OR NOT "C" IN_LIST languages)
      message(FATAL_ERROR "allocsel_add_allocator: an ABI allocator needs the "
                          "C and CXX languages enabled (the shim is C and C++)")
    endif()
    _allocsel_source_dir(shim ALLOCSEL_SHIM_DIR allocators/shim)
    add_library(allocsel_shim OBJECT "${shim}/shim.c" "${shim}/shim_cxx.cpp")
    _allocsel_allocator_flags(allocsel_shim)
    # ISO C++17 aligned new; the shim is built at that level whatever the
    # project uses.
    set_target_properties(allocsel_shim PROPERTIES CXX_STANDARD 17
                                                   CXX_STANDARD_REQUIRED ON)
  endif()
  set(${out} allocsel_shim PARENT_SCOPE)
endfunction()

# Flags every allocator object gets: no LTO (notes and ABI members must be
# real ELF), PIC, and no builtin knowledge of malloc & co., so the compiler
# does not turn the allocator's own code back into calls of the entry points
# it defines (gcc rewrites malloc+memset into calloc, for one).
function(_allocsel_allocator_flags target)
  _allocsel_source_dir(include ALLOCSEL_INCLUDE_DIR allocators/include)
  target_include_directories(${target} PRIVATE "${include}")
  target_compile_options(${target} PRIVATE -fno-lto -fno-builtin)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
                                             INTERPROCEDURAL_OPTIMIZATION OFF)
endfunction()

function(allocsel_add_allocator name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "ABI"
                        "IMPORTED;CLASS;SHARED_LIB;ORIGIN;DESTINATION"
                        "SOURCES;LIBS")
  set(fn "allocsel_add_allocator(${name})")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${fn}: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  string(LENGTH "${name}" length)
  if(NOT name MATCHES "^[A-Za-z0-9_]+$" OR length GREATER 63)
    message(FATAL_ERROR "${fn}: an allocator name is [A-Za-z0-9_]+, at most 63 bytes")
  endif()
  if(ARG_ABI AND NOT ARG_SOURCES)
    message(FATAL_ERROR "${fn}: ABI needs SOURCES that define the allocsel ABI")
  endif()
  if(ARG_ABI AND ARG_IMPORTED)
    message(FATAL_ERROR "${fn}: ABI and IMPORTED exclude each other")
  endif()

  # The class, as DESIGN §1 numbers it in the marker's flags.
  if(NOT ARG_CLASS)
    if(ARG_SHARED_LIB)
      set(ARG_CLASS shared-object)
    else()
      set(ARG_CLASS overriding)
    endif()
  endif()
  if(ARG_CLASS STREQUAL "overriding")
    set(flags 0)
  elseif(ARG_CLASS STREQUAL "deferring")
    set(flags 1)
  elseif(ARG_CLASS STREQUAL "shared-object")
    set(flags 2)
    if(NOT ARG_SHARED_LIB)
      message(FATAL_ERROR "${fn}: CLASS shared-object needs SHARED_LIB")
    endif()
  else()
    message(FATAL_ERROR "${fn}: CLASS is overriding, deferring or shared-object, "
                        "not '${ARG_CLASS}'")
  endif()
  if(ARG_SHARED_LIB AND NOT ARG_CLASS STREQUAL "shared-object")
    message(FATAL_ERROR "${fn}: SHARED_LIB implies CLASS shared-object")
  endif()
  if(ARG_CLASS STREQUAL "deferring" AND (ARG_SOURCES OR ARG_IMPORTED))
    message(FATAL_ERROR "${fn}: a deferring allocator is a marker only")
  endif()
  if(ARG_ABI)
    math(EXPR flags "${flags} | 4")
  endif()

  # The marker's libs: the backing library of a shared-object allocator
  # first, as the wrapper adds it with --no-as-needed.
  set(libs)
  if(ARG_SHARED_LIB)
    set(backing "${ARG_SHARED_LIB}")
    if(backing MATCHES "^(.*/)?lib([^/]+)\\.so(\\..*)?$")
      set(backing "${CMAKE_MATCH_2}")
    endif()
    list(APPEND libs "${backing}")
  endif()
  list(APPEND libs ${ARG_LIBS})
  foreach(lib IN LISTS libs)
    if(NOT lib MATCHES "^[A-Za-z0-9_.+-]+$")
      message(FATAL_ERROR "${fn}: '${lib}' is not a library name as for -l")
    endif()
  endforeach()
  list(JOIN libs " " libs_string)

  # The generated marker member: one translation unit, one macro.
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/allocsel-${name}")
  set(marker "${gen}/allocsel_marker_${name}.c")
  file(CONFIGURE OUTPUT "${marker}" @ONLY CONTENT
"/* Generated by allocsel_add_allocator(${name}): the marker member of the
 * allocator `${name}`, class ${ARG_CLASS}, flags ${flags}. Do not edit. */
#include <allocsel/allocator.h>

ALLOCSEL_ALLOCATOR_MARKER(${name}, ${flags}, \"${libs_string}\");
")

  set(target allocsel-${name})
  add_library(${target} STATIC "${marker}" ${ARG_SOURCES})
  _allocsel_allocator_flags(${target})
  if(ARG_ABI)
    _allocsel_shim_target(shim)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${shim}>)
  endif()
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME allocsel-${name}
    ALLOCSEL_ALLOCATOR_NAME ${name}
    ALLOCSEL_ALLOCATOR_CLASS ${ARG_CLASS}
    ALLOCSEL_ALLOCATOR_LIBS "${libs}")
  # allocsel_enable() orders links after the allocators the tool ships,
  # when they are built with the project (allocsel.cmake).
  set_property(GLOBAL APPEND PROPERTY ALLOCSEL_ALLOCATOR_TARGETS ${target})
  if(ALLOCSEL_ALLOCATOR_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES
      ARCHIVE_OUTPUT_DIRECTORY "${ALLOCSEL_ALLOCATOR_OUTPUT_DIR}/${name}")
  endif()

  if(ARG_IMPORTED)
    get_filename_component(imported "${ARG_IMPORTED}" ABSOLUTE)
    if(NOT EXISTS "${imported}")
      message(FATAL_ERROR "${fn}: IMPORTED archive '${imported}' not found")
    endif()
    # CMake recreates the archive from its objects on every relink; the merge
    # runs right after, in the same build step. A changed imported archive
    # recompiles the marker, which relinks the archive.
    set_source_files_properties("${marker}" PROPERTIES OBJECT_DEPENDS "${imported}")
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND "${CMAKE_COMMAND}" -DALLOCSEL_MERGE_ARCHIVE=$<TARGET_FILE:${target}>
              "-DALLOCSEL_MERGE_IMPORTED=${imported}"
              "-DALLOCSEL_MERGE_AR=${CMAKE_AR}"
              "-DALLOCSEL_MERGE_WORK=${gen}/merge"
              -P "${CMAKE_CURRENT_FUNCTION_LIST_FILE}"
      COMMENT "Merging ${imported} into liballocsel-${name}.a"
      VERBATIM)
  endif()

  # Linking the target directly (without the wrapper) behaves as the wrapper
  # would: the marker forced in, the libraries after the archive.
  target_link_options(${target} INTERFACE
    "LINKER:-u,__allocsel_allocator_${name}")
  if(ARG_SHARED_LIB)
    target_link_libraries(${target} INTERFACE
      "-Wl,--push-state,--no-as-needed" ${libs} "-Wl,--pop-state")
  else()
    target_link_libraries(${target} INTERFACE ${libs})
  endif()

  # Installed layout: <prefix>/<DESTINATION>/<name>/liballocsel-<name>.a and
  # the allocator's description.
  if(ARG_DESTINATION)
    set(destination "${ARG_DESTINATION}")
  elseif(DEFINED ALLOCSEL_ALLOCATOR_DIR)
    set(destination "${ALLOCSEL_ALLOCATOR_DIR}")
  else()
    set(destination "lib/allocsel")
  endif()
  if(ARG_ORIGIN)
    set(origin "${ARG_ORIGIN}")
  elseif(ARG_IMPORTED)
    set(origin "imported: ${imported}")
  elseif(ARG_SHARED_LIB)
    set(origin "shared object: lib${backing}.so")
  elseif(ARG_SOURCES)
    set(origin "sources: ${PROJECT_NAME}")
  else()
    set(origin "marker only")
  endif()
  if(ARG_ABI)
    set(abi true)
  else()
    set(abi false)
  endif()
  set(json_libs "")
  foreach(lib IN LISTS libs)
    string(APPEND json_libs "\"${lib}\", ")
  endforeach()
  string(REGEX REPLACE ", $" "" json_libs "${json_libs}")
  string(REPLACE "\\" "\\\\" origin "${origin}")
  string(REPLACE "\"" "\\\"" origin "${origin}")
  file(CONFIGURE OUTPUT "${gen}/allocator.json" @ONLY CONTENT
"{\"name\": \"${name}\", \"class\": \"${ARG_CLASS}\", \"abi\": ${abi}, \
\"libs\": [${json_libs}], \"origin\": \"${origin}\", \
\"archive\": \"liballocsel-${name}.a\"}
")
  if(ALLOCSEL_ALLOCATOR_OUTPUT_DIR)
    file(COPY "${gen}/allocator.json"
         DESTINATION "${ALLOCSEL_ALLOCATOR_OUTPUT_DIR}/${name}")
  endif()
  install(TARGETS ${target} ARCHIVE DESTINATION "${destination}/${name}")
  install(FILES "${gen}/allocator.json" DESTINATION "${destination}/${name}")
endfunction()
