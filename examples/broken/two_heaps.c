#include <stdlib.h>

int main(void) {
  void *p = malloc(16);
  free(p);
  return 0;
}
