#include "strec/replay/replay.h"

int main(int argc, char** argv) {
  return strec::replay::ReplayMain(argc, argv);
}
