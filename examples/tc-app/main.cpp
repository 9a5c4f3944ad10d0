// tc-app / tally-app: a C++ program whose allocator is chosen per target.
#include "probe.h"

#include <memory>
#include <vector>

#ifndef WHO
#define WHO "tc-app"
#endif

int main() {
  auto v = std::make_unique<std::vector<int>>(1000, 7); // operator new
  probe_print(WHO);
  return v->at(999) == 7 ? 0 : 1;
}
