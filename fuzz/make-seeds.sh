#!/usr/bin/env bash
# Makes the seed corpora of allocsel's fuzz targets, from the same kinds of
# input the test suite synthesizes: objects, archives and shared objects
# from the compilers, markers from allocator.h, a gcc -flto object, LLVM
# bitcode, yaml2obj files, the system's libc.so script and the linker
# command lines gcc and clang hand to ld (`-###`). Nothing is checked in.
#
#   fuzz/make-seeds.sh OUT_DIR    -> OUT_DIR/{notes,command-line,...}/
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: fuzz/make-seeds.sh OUT_DIR}
llvm=/usr/lib/llvm-14/bin
export PATH="$llvm:$PATH"
rm -rf "$out"
mkdir -p "$out"/{notes,command-line,linker-script,gcc-lto,inputs}
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
inc="$src/allocators/include"
have() { command -v "$1" >/dev/null 2>&1; }

## Objects, archives, shared objects, bitcode.
cat > a.c <<'C'
#include <stdlib.h>
int counter;
__thread int tls;
void *grab(size_t n) { return malloc(n) ? malloc(n) : calloc(1, n); }
__attribute__((weak)) void hook(void) {}
int main(void) { free(grab(8)); return tls + counter; }
C
cat > marker.c <<'C'
#include "allocsel/allocator.h"
ALLOCSEL_ALLOCATOR_MARKER(myalloc, ALLOCSEL_CLASS_OVERRIDING | ALLOCSEL_FLAG_ABI, "pthread m");
ALLOCSEL_NEEDS_ALLOCATOR_MARKER(mylib);
void *malloc(__SIZE_TYPE__ n) { (void)n; return 0; }
void free(void *p) { (void)p; }
C
cat > b.cpp <<'C'
#include <new>
void *operator new(std::size_t) { static char c; return &c; }
void operator delete(void *) noexcept {}
int use() { return *new int(3); }
C
gcc -O1 -c a.c -o gcc.o
clang -O1 -c a.c -o clang.o
gcc -O1 -fPIC -I"$inc" -c marker.c -o marker.o
g++ -O1 -c b.cpp -o cxx.o
gcc -O1 -flto -c a.c -o gcc-lto.o
clang -O1 -flto -c a.c -o clang-lto.bc
clang -O1 -flto=thin -c a.c -o clang-thinlto.bc
gcc -shared -fPIC -I"$inc" marker.c -o marker.so
gcc -shared -fPIC -Wl,-soname,libv.so.1 -Wl,--version-script=/dev/stdin a.c -o versioned.so <<'V'
V1 { global: grab; local: *; };
V
gcc -O1 gcc.o -o exe
llvm-ar rcs objects.a gcc.o marker.o cxx.o
llvm-ar rcs lto.a gcc-lto.o clang-lto.bc
llvm-ar rcsT thin.a gcc.o marker.o
llvm-ar rcs --format=bsd bsd.a gcc.o
: > empty.o && llvm-ar rcs empty.a
gcc -m32 -c a.c -o m32.o 2>/dev/null || true
for y in "$src"/test/inspect/Inputs/shoff.yaml; do
  yaml2obj "$y" -o "yaml-$(basename "$y" .yaml).o"
done
# Big-endian and 32-bit ELF from yaml2obj: the other byte order's readers.
for class in ELFCLASS32 ELFCLASS64; do for data in ELFDATA2LSB ELFDATA2MSB; do
  cat > e.yaml <<Y
--- !ELF
FileHeader: { Class: $class, Data: $data, Type: ET_REL, Machine: EM_NONE }
Sections:
  - Name: .note.allocsel
    Type: SHT_NOTE
    AddressAlign: 4
    Content: "$(if [ $data = ELFDATA2LSB ]; then echo 09000000140000000100000061; else echo 00000009000000140000000161; fi)6c6c6f6373656c0000000001000000000000006d79616c6c6f630000000000"
  - Name: .text
    Type: SHT_PROGBITS
Symbols:
  - { Name: malloc, Type: STT_FUNC, Section: .text, Binding: STB_GLOBAL }
  - { Name: free, Binding: STB_GLOBAL }
Y
  yaml2obj e.yaml -o "yaml-$class-$data.o"
done; done
cp -- *.o *.a *.so *.bc exe "$out/inputs/" 2>/dev/null

## GCC LTO: whole objects, and their tables alone (wrapped by the target).
cp gcc-lto.o lto.a "$out/gcc-lto/"
gcc -O1 -flto -ffat-lto-objects -c a.c -o fat.o && cp fat.o "$out/gcc-lto/"
g++ -O1 -flto -c b.cpp -o cxx-lto.o && cp cxx-lto.o "$out/gcc-lto/"
for o in gcc-lto.o cxx-lto.o; do
  sec=$(llvm-readelf -S "$o" | grep -o '\.gnu\.lto_\.symtab\.[0-9a-f]*' | head -1)
  llvm-objcopy --dump-section "$sec=$o.symtab" "$o" /dev/null 2>/dev/null ||
    llvm-objcopy -O binary --only-section="$sec" "$o" "$o.symtab"
  cp "$o.symtab" "$out/gcc-lto/table-$o"
done
cat "$out/gcc-lto/table-gcc-lto.o" <(printf '\377\377\377\377') \
    "$out/gcc-lto/table-cxx-lto.o" > "$out/gcc-lto/two-tables"

## Notes: the mode byte (bit 0 little-endian, bit 1 section, bit 2 8-aligned)
## then the note bytes.
note() { { printf "\\$(printf %03o "$1")"; cat; } > "$out/notes/$2"; }
llvm-objcopy --dump-section .note.allocsel=marker.notes marker.o /dev/null
note 3 marker < marker.notes
for f in /bin/true "$out/inputs/exe"; do
  for s in .note.gnu.build-id .note.ABI-tag .note.gnu.property; do
    llvm-objcopy --dump-section "$s=n" "$f" /dev/null 2>/dev/null || continue
    note 1 "$(basename "$f")$s" < n
    note 5 "$(basename "$f")$s-8" < n
  done
done
# The descriptors of test/inspect/malformed-notes.test, and a stamp.
grep -o 'CONTENT=[0-9a-f]*' "$src/test/inspect/malformed-notes.test" | cut -d= -f2 |
  sort -u | while read -r hex; do
    printf '%s' "$hex" | xxd -r -p | note 3 "test-$hex"
  done
printf '09000000240000000300000061%s' \
  '6c6c6f6373656c00000000010000000000000001000000010000006d79616c6c6f6300302e312e3000000000' |
  xxd -r -p | note 3 stamp

## Command lines: what gcc and clang hand to the linker, one argument a
## line, after a flavour byte; and the same as a response file.
cmdline() { # NAME FLAVOUR-BYTE COMMAND...
  local name=$1 fl=$2
  shift 2
  "$@" -### 2>&1 | grep -E '^ *"?[^ ]*(collect2|/ld(\.[a-z]+)?|ld\.lld|ld\.mold)"? ' | tail -1 |
    python3 -c '
import shlex, sys
args = shlex.split(sys.stdin.read())[1:]
sys.stdout.write("\n".join(args))' > args || return 0
  { printf "\\$(printf %03o "$fl")"; cat args; } > "$out/command-line/$name"
  { printf "\\$(printf %03o "$fl")@r.rsp\n@@@@\n"; python3 -c '
import shlex, sys
print(" ".join(shlex.quote(a) for a in open("args").read().split("\n")))'; } \
    > "$out/command-line/$name-rsp"
}
cmdline gcc 0 gcc gcc.o -o exe -lm
cmdline gcc-shared 0 gcc -shared -Wl,--as-needed gcc.o -o x.so -Wl,--start-group -lc -Wl,--end-group
cmdline gcc-static 0 gcc -static gcc.o -Wl,--whole-archive objects.a -Wl,--no-whole-archive
cmdline gcc-static-pie 0 gcc -static-pie gcc.o -Wl,-u,malloc -Wl,--defsym,x=y
cmdline gcc-gold 1 gcc -fuse-ld=gold gcc.o -Wl,--start-lib marker.o -Wl,--end-lib
cmdline gcc-lto 0 gcc -flto gcc-lto.o -Wl,--push-state,--as-needed,-lm,--pop-state
cmdline clang-lld 2 clang -fuse-ld=lld clang.o -Wl,--wrap=malloc -Wl,-e,main
cmdline gcc-mold 3 gcc -fuse-ld=mold gcc.o -Wl,-r
printf '\000-r\n-shared\nx.o' > "$out/command-line/reject-r-shared"
printf '\000--end-group' > "$out/command-line/reject-end-group"
printf '\000@r.rsp\n@@@@\n@r.rsp' > "$out/command-line/reject-self-include"
printf '\002-T\nscript.ld\n-l:libc.a\n--library=m\n-Bstatic\n-lz\n-Bdynamic' > "$out/command-line/misc"

## Linker scripts: the system's, and each command allocsel reads.
for f in /usr/lib/x86_64-linux-gnu/libc.so /usr/lib/x86_64-linux-gnu/libm.so \
         /usr/lib/x86_64-linux-gnu/libpthread.so /usr/lib/x86_64-linux-gnu/libgcc_s.so; do
  [ -f "$f" ] && head -c 4096 "$f" | grep -q GROUP && cp "$f" "$out/linker-script/$(basename "$f")"
done
printf 'INPUT(-lfoo bar.o "quoted name.o" -l:libx.a)\nSEARCH_DIR(dir)\n' > "$out/linker-script/input"
printf 'GROUP ( a.so AS_NEEDED ( b.so.2 ) c.a )\nOUTPUT_FORMAT(elf64-x86-64)\nOUTPUT_ARCH(i386:x86-64)\n' > "$out/linker-script/group"
printf 'INCLUDE inc.ld\nINPUT(a.o)\n@@@@\nINPUT(b.o)\nINCLUDE "inc.ld"\n' > "$out/linker-script/include-loop"
printf 'INCLUDE inc.ld\n@@@@\nGROUP(x.a)\n' > "$out/linker-script/include"
printf 'SECTIONS { .text : { *(.text) } }\nfoo = 1;\n' > "$out/linker-script/full"
printf 'TARGET(elf64-x86-64) /* comment */ INPUT(=/sysroot/a.o) ENTRY(main)\n' > "$out/linker-script/misc"

for t in notes command-line linker-script gcc-lto inputs; do
  echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
