// strec-analyze's entry point: parses the command line (CLI11, in cli.cc only), runs the
// analysis and prints the report. Returns the process exit status.
#ifndef STREC_ANALYZE_CLI_H_
#define STREC_ANALYZE_CLI_H_

namespace strec::analyze {

// 0: done; 1: a trace could not be read; 2: a usage error.
int AnalyzeMain(int argc, char** argv);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_CLI_H_
