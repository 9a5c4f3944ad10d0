/* hello: built by make through allocsel-cc; loads libshout.so. */
#include "probe.h"

int main(void) {
  probe_print("make/hello");
  void *lib = dlopen("./libshout.so", RTLD_NOW);
  const char *(*shout)(const char *) =
      lib ? (const char *(*)(const char *))dlsym(lib, "shout") : NULL;
  if (!shout) {
    fprintf(stderr, "hello: %s\n", dlerror());
    return 1;
  }
  printf("%-10s %s\n", "", shout("built without cmake"));
  return 0;
}
