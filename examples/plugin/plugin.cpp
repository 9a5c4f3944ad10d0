// plugin.cpp — loaded by app with dlopen; its operator new and malloc are
// the host's.
#include "probe.h"

#include <string>

extern "C" void plugin_run() {
  std::string *s = new std::string(100, 'x'); // operator new of the host
  probe_print("plugin");
  delete s;
}
