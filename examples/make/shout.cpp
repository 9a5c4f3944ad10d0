// A C++ shared library: its operator new is whatever heap its host has.
#include <cctype>
#include <string>

extern "C" const char *shout(const char *s) {
  static std::string out;
  out = s;
  for (char &c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out.c_str();
}
