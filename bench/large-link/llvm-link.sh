# Sourced by bench/large-link.sh and bench/overhead.sh: the large link's
# inputs. Sets libdir, llvm_libs (every libLLVM*.a `llvm-config-14 --libs
# --link-static` names; Polly is listed but Debian does not ship it) and
# system_libs, and compiles bench/large-link/main.cpp into $1.
llvm_config=${LLVM_CONFIG:-llvm-config-14}
libdir=$($llvm_config --libdir)
llvm_libs=()
for l in $($llvm_config --libs --link-static); do
  case $l in -lLLVM*) llvm_libs+=("$l") ;; esac
done
read -r -a system_libs <<<"$($llvm_config --system-libs --link-static)"
# shellcheck disable=SC2046
clang++ $($llvm_config --cxxflags) -O1 -c "$(dirname "${BASH_SOURCE[0]}")/main.cpp" -o "$1"
