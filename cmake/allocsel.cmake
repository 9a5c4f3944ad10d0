# allocsel.cmake — the CMake API of allocsel (DESIGN §6), one module for both
# uses:
#   installed   find_package(allocsel CONFIG) loads allocselConfig.cmake,
#               which sets the installed paths and includes this file;
#   in-tree     include(<allocsel source>/cmake/allocsel.cmake), or
#               include(allocsel) with that directory in CMAKE_MODULE_PATH,
#               without installing allocsel. The tool is ALLOCSEL_EXECUTABLE
#               if set (an allocsel build tree's bin/allocsel), else the
#               `allocsel` target of a project that vendors allocsel
#               (add_subdirectory before the include: every link then waits
#               for the tool and for allocsel's allocators), else allocsel
#               on PATH.
#
#   allocsel_add_allocator(<name> ...)          AllocselAddAllocator.cmake
#   allocsel_enable()                           every C/C++ link through allocsel
#   allocsel_target_allocator(<target> <name>)  one target's allocator
#   allocsel_final_library(<target> [ALLOCATOR <name>])
#                                               a static library for foreign
#                                               consumers, allocator bundled
#
# How a link reaches allocsel: CMake's <LANG>_LINKER_LAUNCHER (3.21+) runs
# `<launcher> <compiler> <link flags> -o out ...` for executables, shared
# libraries and modules (never for `ar`), which is allocsel's launcher form
# (`allocsel [options] gcc ...`). The options travel as launcher arguments:
# `allocsel;--mode=warn;--allocator=tcmalloc`. CMAKE_<LANG>_LINKER_LAUNCHER
# only initialises the property of targets created after it is set, so call
# allocsel_enable() before the first add_executable/add_library.
#
# Cache variables (all empty = allocsel's own defaults):
#   ALLOCSEL_DEFAULT_EXE     default allocator of executables  (--default-exe)
#   ALLOCSEL_DEFAULT_SHARED  default allocator of shared libs  (--default-shared)
#   ALLOCSEL_MODE            enforce | warn | off              (--mode)
#   ALLOCSEL_EXECUTABLE      the allocsel program
# The allocators shipped with the tool are the ones it finds itself,
# <dir of the allocsel binary>/../lib/allocsel (installed and in a build
# tree alike), unless allocselConfig.cmake names them.
#
# Allocators a project declares with allocsel_add_allocator() are built into
# ALLOCSEL_ALLOCATOR_OUTPUT_DIR (default <build>/allocsel-allocators/<name>/),
# which the launcher puts in front of the installed allocators
# (--allocator-path), so a project allocator is chosen like a shipped one.

include_guard(GLOBAL)

if(NOT DEFINED ALLOCSEL_ALLOCATOR_OUTPUT_DIR)
  set(ALLOCSEL_ALLOCATOR_OUTPUT_DIR "${CMAKE_BINARY_DIR}/allocsel-allocators")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/AllocselAddAllocator.cmake")

set(ALLOCSEL_DEFAULT_EXE "" CACHE STRING
    "Default allocator of executables (empty: allocsel's, jemalloc)")
set(ALLOCSEL_DEFAULT_SHARED "" CACHE STRING
    "Default allocator of shared libraries (empty: allocsel's, system)")
set(ALLOCSEL_MODE "" CACHE STRING "enforce, warn or off (empty: enforce)")
set_property(CACHE ALLOCSEL_MODE PROPERTY STRINGS "" enforce warn off)
if(NOT ALLOCSEL_MODE MATCHES "^(|enforce|warn|off)$")
  message(FATAL_ERROR "ALLOCSEL_MODE is enforce, warn or off, not '${ALLOCSEL_MODE}'")
endif()

# The tool: the installed program (allocselConfig.cmake), the target of the
# same build, or one on PATH.
if(NOT ALLOCSEL_EXECUTABLE)
  if(TARGET allocsel)
    # CMake 3.25 does not evaluate generator expressions in launchers: the
    # path is the one allocsel's own build gives its binary.
    get_target_property(_allocsel_bindir allocsel RUNTIME_OUTPUT_DIRECTORY)
    set(ALLOCSEL_EXECUTABLE "${_allocsel_bindir}/allocsel")
    unset(_allocsel_bindir)
  else()
    find_program(ALLOCSEL_EXECUTABLE allocsel REQUIRED)
  endif()
endif()
# Where that tool finds its allocators by itself. The launcher's
# --allocator-path replaces that search, so it has to name the directory.
if(NOT ALLOCSEL_INSTALLED_ALLOCATOR_DIR)
  # allocsel looks beside its real path (/proc/self/exe), not a symlink's.
  file(REAL_PATH "${ALLOCSEL_EXECUTABLE}" _allocsel_real)
  cmake_path(GET _allocsel_real PARENT_PATH _allocsel_bindir)
  cmake_path(GET _allocsel_bindir PARENT_PATH _allocsel_prefix)
  set(ALLOCSEL_INSTALLED_ALLOCATOR_DIR "${_allocsel_prefix}/lib/allocsel")
  unset(_allocsel_real)
  unset(_allocsel_bindir)
  unset(_allocsel_prefix)
endif()

# The launcher list for one allocator choice (empty: the defaults).
function(_allocsel_launcher out allocator)
  set(launcher "${ALLOCSEL_EXECUTABLE}")
  if(ALLOCSEL_MODE)
    list(APPEND launcher "--mode=${ALLOCSEL_MODE}")
  endif()
  if(ALLOCSEL_DEFAULT_EXE)
    list(APPEND launcher "--default-exe=${ALLOCSEL_DEFAULT_EXE}")
  endif()
  if(ALLOCSEL_DEFAULT_SHARED)
    list(APPEND launcher "--default-shared=${ALLOCSEL_DEFAULT_SHARED}")
  endif()
  # Project allocators first, then the installed ones (the path replaces
  # allocsel's default directory, so both are named).
  list(APPEND launcher "--allocator-path=${ALLOCSEL_ALLOCATOR_OUTPUT_DIR}:${ALLOCSEL_INSTALLED_ALLOCATOR_DIR}")
  if(allocator)
    list(APPEND launcher "--allocator=${allocator}")
  endif()
  set(${out} "${launcher}" PARENT_SCOPE)
endfunction()

# Every C and C++ link of the targets created from here on goes through
# allocsel with the cache defaults.
macro(allocsel_enable)
  _allocsel_launcher(_allocsel_l "")
  set(CMAKE_C_LINKER_LAUNCHER "${_allocsel_l}")
  set(CMAKE_CXX_LINKER_LAUNCHER "${_allocsel_l}")
  unset(_allocsel_l)
  # Links need the tool (in-tree) and the project's allocators built first,
  # whichever targets exist by the end of the configure step.
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}"
                 CALL _allocsel_add_link_dependencies "${CMAKE_SOURCE_DIR}")
endmacro()

# The allocator of one target. For an executable or shared library, its link
# launcher gets --allocator=<name> (an allocator the project declares, or an
# installed one); for a static library, see allocsel_final_library.
function(allocsel_target_allocator target name)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    allocsel_final_library(${target} ALLOCATOR ${name})
    return()
  endif()
  if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
    message(FATAL_ERROR "allocsel_target_allocator(${target}): a ${type} is "
                        "not linked; allocators are chosen for executables, "
                        "shared libraries and final static libraries")
  endif()
  _allocsel_launcher(launcher "${name}")
  set_target_properties(${target} PROPERTIES C_LINKER_LAUNCHER "${launcher}"
                                             CXX_LINKER_LAUNCHER "${launcher}")
  _allocsel_depend_on_allocator(${target} ${name})
endfunction()

# A final static library (DESIGN §2): after CMake archives the target, its
# members, the allocator's members (default system) and a selection stamp
# are merged into one archive by `allocsel archive`, in place.
function(allocsel_final_library target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "ALLOCATOR" "")
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "STATIC_LIBRARY")
    message(FATAL_ERROR "allocsel_final_library(${target}): not a static library")
  endif()
  set(name "${ARG_ALLOCATOR}")
  if(NOT name)
    set(name system)
  endif()
  _allocsel_launcher(launcher "${ARG_ALLOCATOR}")
  list(POP_FRONT launcher tool)
  list(FILTER launcher INCLUDE REGEX "^--allocator")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${tool}" archive ${launcher} -o "$<TARGET_FILE:${target}>"
            "$<TARGET_FILE:${target}>"
    COMMENT "allocsel: bundling allocator ${name} into $<TARGET_FILE_NAME:${target}>"
    VERBATIM)
  _allocsel_depend_on_allocator(${target} ${name})
endfunction()

function(_allocsel_depend_on_allocator target name)
  if(TARGET allocsel-${name})
    add_dependencies(${target} allocsel-${name})
    set_property(TARGET ${target} APPEND PROPERTY
                 LINK_DEPENDS "$<TARGET_FILE:allocsel-${name}>")
  endif()
  if(TARGET allocsel)
    add_dependencies(${target} allocsel)
  endif()
endfunction()

# The allocator targets of this build that the tool finds by itself, in
# ALLOCSEL_INSTALLED_ALLOCATOR_DIR: allocsel's own, when it is vendored.
function(_allocsel_shipped_allocators out)
  # Both sides resolved alike (ALLOCSEL_INSTALLED_ALLOCATOR_DIR comes from a
  # real path).
  file(REAL_PATH "${ALLOCSEL_INSTALLED_ALLOCATOR_DIR}" shipped_dir)
  get_property(allocators GLOBAL PROPERTY ALLOCSEL_ALLOCATOR_TARGETS)
  set(shipped)
  foreach(target IN LISTS allocators)
    get_target_property(dir ${target} ARCHIVE_OUTPUT_DIRECTORY)
    file(REAL_PATH "${dir}/.." dir)
    if(dir STREQUAL shipped_dir)
      list(APPEND shipped ${target})
    endif()
  endforeach()
  set(${out} "${shipped}" PARENT_SCOPE)
endfunction()

# Deferred to the end of the top directory: every linked target waits for
# the allocators the defaults name, and for the tool and the allocators it
# ships when they are built here (a built-in default, jemalloc, is one of
# them: a link that ran before its archive exists would quietly fall back
# to system). A changed default allocator also relinks.
function(_allocsel_add_link_dependencies dir)
  _allocsel_shipped_allocators(shipped)
  _allocsel_add_link_dependencies_in("${dir}" "${shipped}")
endfunction()

function(_allocsel_add_link_dependencies_in dir shipped)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(launcher ${target} CXX_LINKER_LAUNCHER)
    if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$"
       OR NOT launcher)
      continue()
    endif()
    if(shipped)
      add_dependencies(${target} ${shipped})
    endif()
    foreach(name IN ITEMS ${ALLOCSEL_DEFAULT_EXE} ${ALLOCSEL_DEFAULT_SHARED})
      _allocsel_depend_on_allocator(${target} ${name})
    endforeach()
    if(TARGET allocsel)
      add_dependencies(${target} allocsel)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _allocsel_add_link_dependencies_in("${sub}" "${shipped}")
  endforeach()
endfunction()
