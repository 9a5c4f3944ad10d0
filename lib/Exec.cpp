//===- Exec.cpp - running another program as a shell would ---------------===//
//
// posix_spawn rather than fork+execve: glibc implements it with CLONE_VFORK,
// so starting the linker costs the same whether allocsel has mapped 5 MB or
// 500 MB of input files, and the child's signal dispositions and mask are
// set atomically by the spawn attributes instead of by code running between
// fork and exec.
//
//===----------------------------------------------------------------------===//
#include "Exec.h"
#include "Diagnostics.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace llvm;

namespace allocsel {

Environment Environment::current() {
  Environment env;
  for (char **p = environ; p && *p; ++p)
    env.vars.emplace_back(*p);
  return env;
}

static bool hasName(StringRef entry, StringRef name) {
  return entry.size() > name.size() && entry.startswith(name) &&
         entry[name.size()] == '=';
}

std::optional<std::string> Environment::get(StringRef name) const {
  for (const std::string &entry : vars)
    if (hasName(entry, name))
      return entry.substr(name.size() + 1);
  return std::nullopt;
}

void Environment::set(StringRef name, StringRef value) {
  std::string entry = (name + "=" + value).str();
  for (std::string &e : vars)
    if (hasName(e, name)) {
      e = std::move(entry);
      return;
    }
  vars.push_back(std::move(entry));
}

void Environment::unset(StringRef name) {
  llvm::erase_if(vars, [&](const std::string &e) { return hasName(e, name); });
}

namespace {

// NULL-terminated arrays for posix_spawn, pointing into the strings given.
std::vector<char *> cStrings(ArrayRef<std::string> strings) {
  std::vector<char *> result;
  result.reserve(strings.size() + 1);
  for (const std::string &s : strings)
    result.push_back(const_cast<char *>(s.c_str()));
  result.push_back(nullptr);
  return result;
}

// The child of the current spawnAndWait, for the forwarding handler.
std::atomic<pid_t> runningChild{0};
std::atomic<int> pendingSignal{0};

extern "C" void forwardSignal(int sig) {
  pid_t pid = runningChild.load();
  if (pid > 0)
    ::kill(pid, sig);
  else
    pendingSignal.store(sig);
}

// Signal dispositions while a child runs (see Exec.h), restored on exit.
class SignalGuard {
public:
  SignalGuard() {
    struct sigaction ignore = {}, forward = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    forward.sa_handler = forwardSignal;
    sigemptyset(&forward.sa_mask);
    forward.sa_flags = SA_RESTART;
    for (size_t i = 0; i < std::size(signals); ++i)
      sigaction(signals[i], i < 2 ? &ignore : &forward, &saved[i]);
  }
  ~SignalGuard() {
    runningChild.store(0);
    for (size_t i = 0; i < std::size(signals); ++i)
      sigaction(signals[i], &saved[i], nullptr);
  }
  SignalGuard(const SignalGuard &) = delete;
  SignalGuard &operator=(const SignalGuard &) = delete;

  // The signals the child must receive with their default action.
  static constexpr int signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};

private:
  struct sigaction saved[std::size(signals)];
};

// Spawn attributes that give the child default dispositions for the signals
// SignalGuard changes and allocsel's own signal mask.
class SpawnAttributes {
public:
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    sigset_t defaults, mask;
    sigemptyset(&defaults);
    for (int sig : SignalGuard::signals)
      sigaddset(&defaults, sig);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigprocmask(SIG_SETMASK, nullptr, &mask);
    posix_spawnattr_setsigmask(&attr, &mask);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr); }
  SpawnAttributes(const SpawnAttributes &) = delete;
  SpawnAttributes &operator=(const SpawnAttributes &) = delete;

  posix_spawnattr_t attr;
};

ProcessStatus waitFor(pid_t pid) {
  ProcessStatus status;
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      status.error = std::string("waitpid: ") + std::strerror(errno);
      status.code = errno;
      return status;
    }
  }
  if (WIFSIGNALED(wstatus)) {
    status.kind = ProcessStatus::Kind::Signaled;
    status.code = WTERMSIG(wstatus);
  } else {
    status.kind = ProcessStatus::Kind::Exited;
    status.code = WEXITSTATUS(wstatus);
  }
  return status;
}

ProcessStatus spawn(StringRef program, ArrayRef<std::string> argv,
                    const Environment *env,
                    const posix_spawn_file_actions_t *actions,
                    llvm::function_ref<void()> whileRunning = nullptr) {
  // Whatever allocsel printed must precede the child's output.
  outs().flush();
  errs().flush();

  std::string path = program.str();
  std::vector<char *> args = cStrings(argv);
  Environment own;
  if (!env) {
    own = Environment::current();
    env = &own;
  }
  std::vector<char *> envp = cStrings(env->entries());

  SignalGuard guard;
  SpawnAttributes attributes;
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, path.c_str(), actions, &attributes.attr,
                          args.data(), envp.data());
  if (err != 0) {
    ProcessStatus status;
    status.code = err;
    status.error = std::strerror(err);
    return status;
  }
  runningChild.store(pid);
  if (int sig = pendingSignal.exchange(0))
    ::kill(pid, sig);
  if (whileRunning)
    whileRunning();
  return waitFor(pid);
}

// "SIGSEGV", from glibc's abbreviation table; strsignal's text when the
// number has no abbreviation (a real-time signal).
std::string signalName(int sig) {
  if (const char *abbrev = ::sigabbrev_np(sig))
    return std::string("SIG") + abbrev;
  return ::strsignal(sig);
}

} // namespace

ProcessStatus spawnAndWait(StringRef program, ArrayRef<std::string> argv,
                           const Environment *env) {
  return spawn(program, argv, env, nullptr);
}

int shellExitStatus(const ProcessStatus &status, StringRef name,
                    const Twine &aftermath) {
  switch (status.kind) {
  case ProcessStatus::Kind::Exited:
    return status.code;
  case ProcessStatus::Kind::Signaled: {
    std::string after = aftermath.str();
    printError(name + " was killed by signal " + Twine(status.code) + " (" +
               signalName(status.code) + ")" + (after.empty() ? "" : "; ") +
               after);
    return ExitSignalBase + status.code;
  }
  case ProcessStatus::Kind::NotStarted:
    printError("cannot run " + name + ": " + status.error);
    return status.code == ENOENT ? ExitNotFound : ExitCannotExecute;
  }
  llvm_unreachable("unknown process status");
}

int execProgram(StringRef program, ArrayRef<std::string> argv,
                const Environment &env) {
  outs().flush();
  errs().flush();
  std::string path = program.str();
  std::vector<char *> args = cStrings(argv);
  std::vector<char *> envp = cStrings(env.entries());
  ::execve(path.c_str(), args.data(), envp.data());
  ProcessStatus failed;
  failed.code = errno;
  failed.error = std::strerror(errno);
  return shellExitStatus(failed, program);
}

Expected<std::string> runAndCapture(StringRef program,
                                    ArrayRef<std::string> argv, Capture which,
                                    const Environment *env) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return createStringError(std::error_code(errno, std::generic_category()),
                             "pipe: %s", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1],
                                   which == Capture::Stdout ? STDOUT_FILENO
                                                            : STDERR_FILENO);

  // Read while the child runs: it blocks once the pipe holds 64 KiB.
  std::string text;
  ProcessStatus status = spawn(program, argv, env, &actions, [&] {
    ::close(fds[1]);
    fds[1] = -1;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0)
        text.append(buffer, n);
      else if (n == 0 || errno != EINTR)
        break;
    }
  });
  posix_spawn_file_actions_destroy(&actions);
  if (fds[1] >= 0)
    ::close(fds[1]);
  ::close(fds[0]);

  switch (status.kind) {
  case ProcessStatus::Kind::Exited:
    if (status.code == 0)
      return text;
    return createStringError(inconvertibleErrorCode(),
                             "%s exited with status %d", program.str().c_str(),
                             status.code);
  case ProcessStatus::Kind::Signaled:
    return createStringError(
        inconvertibleErrorCode(), "%s was killed by signal %d (%s)",
        program.str().c_str(), status.code, signalName(status.code).c_str());
  case ProcessStatus::Kind::NotStarted:
    return createStringError(inconvertibleErrorCode(), "cannot run %s: %s",
                             program.str().c_str(), status.error.c_str());
  }
  llvm_unreachable("unknown process status");
}

std::vector<std::string> splitSearchPath(StringRef list) {
  std::vector<std::string> dirs;
  SmallVector<StringRef, 16> parts;
  list.split(parts, ':', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  for (StringRef part : parts)
    dirs.push_back(part.empty() ? "." : part.str());
  return dirs;
}

static bool isExecutableFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> findProgram(StringRef name,
                                       ArrayRef<std::string> dirs,
                                       function_ref<bool(StringRef)> skip) {
  if (name.empty())
    return std::nullopt;
  if (name.contains('/')) {
    if (skip && skip(name))
      return std::nullopt;
    return name.str();
  }
  for (const std::string &dir : dirs) {
    SmallString<256> candidate(dir);
    sys::path::append(candidate, name);
    std::string path = candidate.str().str();
    if (isExecutableFile(path) && !(skip && skip(path)))
      return path;
  }
  return std::nullopt;
}

} // namespace allocsel
