// The program of bench/large-link.sh: small, but it links a good part of
// LLVM's static archives through libObject. Prints the format of a file.
#include "llvm/Object/Binary.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: " << argv[0] << " FILE\n";
    return 2;
  }
  auto binary = llvm::object::createBinary(argv[1]);
  if (!binary) {
    llvm::errs() << argv[1] << ": " << llvm::toString(binary.takeError())
                 << "\n";
    return 1;
  }
  llvm::object::Binary &b = *binary->getBinary();
  if (auto *obj = llvm::dyn_cast<llvm::object::ObjectFile>(&b))
    llvm::outs() << argv[1] << ": " << obj->getFileFormatName() << "\n";
  else
    llvm::outs() << argv[1] << ": binary of type " << unsigned(b.getType())
                 << "\n";
  return 0;
}
