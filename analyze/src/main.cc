#include "strec/analyze/cli.h"

int main(int argc, char** argv) {
  return strec::analyze::AnalyzeMain(argc, argv);
}
