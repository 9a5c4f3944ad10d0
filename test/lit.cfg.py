# lit configuration of allocsel's test suite.
import os
import shutil

import lit.formats

config.name = "allocsel"
# RUN lines run in bash: end-to-end tests compile, link and read exit
# statuses as a shell would.
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test", ".s", ".c", ".cpp"]
config.excludes = ["Inputs", "CMakeLists.txt", "unit", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.allocsel_obj_root, "test")

# The tests see the LLVM 14 tools first, then the system's.
path = [config.allocsel_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])]
config.environment["PATH"] = os.pathsep.join(path)
for var in ["HOME", "TMPDIR", "LANG"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
# allocsel must never see a caller's settings.
for var in list(config.environment):
    if var.startswith("ALLOCSEL_"):
        del config.environment[var]
if config.allocsel_sanitize:
    config.environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    config.available_features.add("sanitize")

config.substitutions.append(("%allocsel_src", config.allocsel_src_root))
config.substitutions.append(("%allocsel_include", os.path.join(config.allocsel_src_root, "allocators", "include")))
config.substitutions.append(("%allocsel_build", config.allocsel_obj_root))
# The allocator archives the build made (test/conformance links with them).
config.substitutions.append(("%allocsel_allocators", config.allocsel_allocator_dir))

# Features for the real toolchains an end-to-end test needs, and the build
# systems test/build-systems drives.
for tool, feature in [("ld.bfd", "ld.bfd"), ("ld.gold", "ld.gold"), ("ld.lld", "ld.lld"),
                      ("ld.mold", "ld.mold"), ("gcc", "gcc"), ("clang", "clang"),
                      ("meson", "meson"), ("autoreconf", "autoconf"),
                      ("automake", "automake"), ("libtoolize", "libtool")]:
    if shutil.which(tool):
        config.available_features.add(feature)
