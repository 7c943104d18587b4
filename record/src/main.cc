#include "strec/record/recorder.h"

int main(int argc, char** argv) {
  return strec::record::RecordMain(argc, argv);
}
