/* app: the default allocator, a static library, and a dlopen'ed plugin. */
#include "probe.h"

#include "greet.h"

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : PLUGIN_PATH;
  char *s = greet("allocsel");
  probe_print("app");
  void *plugin = dlopen(path, RTLD_NOW);
  if (!plugin) {
    fprintf(stderr, "app: %s\n", dlerror());
    return 1;
  }
  void (*run)(void) = (void (*)(void))dlsym(plugin, "plugin_run");
  if (run)
    run();
  free(s);
  return 0;
}
