//===- Exec.h - running another program as a shell would -----------------===//
//
// allocsel sits between the build and its tools: it runs the compiler
// driver (the launcher and the allocsel-cc/allocsel-c++ fronts, which
// become the driver by execve) and the real linker (the ld personalities,
// which wait for it to verify its output). Both must behave exactly as if
// allocsel were not there, so a program runs
//   - from an argument vector with execve or posix_spawn, never through a
//     shell or system(): no word splitting, no globbing, no quoting bugs,
//     and nothing in a file name can become a command;
//   - with allocsel's own stdin, stdout and stderr, so the linker's messages
//     reach the build log byte for byte and in order;
//   - and its end is reported the way a shell reports it, since that is what
//     make, ninja and CMake read: an exit status passes through unchanged, a
//     death by signal N becomes 128+N with one line saying so, a program
//     that cannot be started becomes 127 (not found) or 126 (found, but
//     cannot be executed), as in POSIX sh.
//
// While the child runs, allocsel ignores SIGINT and SIGQUIT like system()
// does: a ^C at the terminal reaches the whole process group, the child dies
// of it, and allocsel lives to report it and remove its temporary files.
// SIGTERM and SIGHUP sent to allocsel alone are passed on to the child, so
// that killing the wrapper also stops the linker it runs.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_EXEC_H
#define ALLOCSEL_EXEC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// Exit statuses a shell gives for a command it could not run (POSIX sh,
// "Consequences of Shell Errors"): allocsel uses them for the program it
// fronts, so that a build sees the same status with or without allocsel.
enum ExecStatus : int {
  ExitCannotExecute = 126, // found, but execve failed (EACCES, ENOEXEC...)
  ExitNotFound = 127,      // no such program
  ExitSignalBase = 128,    // + N: killed by signal N
};

// A copy of the process environment to give to a child, edited by name.
class Environment {
public:
  // The current process environment.
  static Environment current();

  std::optional<std::string> get(llvm::StringRef name) const;
  void set(llvm::StringRef name, llvm::StringRef value);
  void unset(llvm::StringRef name);

  const std::vector<std::string> &entries() const { return vars; }

private:
  std::vector<std::string> vars; // "NAME=value", in environ order
};

// How a child ended.
struct ProcessStatus {
  enum class Kind { Exited, Signaled, NotStarted };
  Kind kind = Kind::NotStarted;
  int code = 0;      // Exited: the exit status; Signaled: the signal number;
                     // NotStarted: the errno of posix_spawn
  std::string error; // NotStarted: what failed
};

// Runs `program` (a path; no PATH search here, see findProgram) with
// `argv` (argv[0] included, given to the child as is) and `env` (or
// allocsel's own environment), on allocsel's stdin, stdout and stderr, and
// waits for it.
ProcessStatus spawnAndWait(llvm::StringRef program,
                           llvm::ArrayRef<std::string> argv,
                           const Environment *env = nullptr);

// The status a shell would give for `status`, printing
//   allocsel: error: <name> was killed by signal 11 (SIGSEGV)[; <aftermath>]
//   allocsel: error: cannot run <name>: <reason>
// for the cases that are not a plain exit. `aftermath` says what allocsel
// did about the death (the wrapper removes a partial output).
int shellExitStatus(const ProcessStatus &status, llvm::StringRef name,
                    const llvm::Twine &aftermath = "");

// Replaces allocsel by `program`, for a front with nothing left to do once
// the program runs (the compiler driver: the link's work is done by the
// personality it reaches; the real linker of a link in ALLOCSEL_MODE=off or
// of `ld --version`). The build then waits for the program itself,
// and sees its status and its death by a signal exactly as without
// allocsel, with one process fewer. Returns only if execve fails, with the
// shell's status for that.
int execProgram(llvm::StringRef program, llvm::ArrayRef<std::string> argv,
                const Environment &env);

// Which output of the child to read back.
enum class Capture { Stdout, Stderr };

// Runs `program` like spawnAndWait but reads one of its outputs into a
// string (the other stays allocsel's; stdin is /dev/null): for a linker's
// `--version` or a driver's `-###`. Fails unless the child exits with
// status 0.
llvm::Expected<std::string> runAndCapture(llvm::StringRef program,
                                          llvm::ArrayRef<std::string> argv,
                                          Capture which,
                                          const Environment *env = nullptr);

// The file `name` names, as execvp would find it: a name with a slash is
// taken as is; otherwise each directory of `dirs` in order, the first
// regular executable file wins. `skip` rejects candidates (allocsel itself).
std::optional<std::string>
findProgram(llvm::StringRef name, llvm::ArrayRef<std::string> dirs,
            llvm::function_ref<bool(llvm::StringRef)> skip = nullptr);

// A PATH-like list split on ':'. An empty element means the current
// directory, as in execvp.
std::vector<std::string> splitSearchPath(llvm::StringRef list);

} // namespace allocsel

#endif
