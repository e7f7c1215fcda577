// cimscope-cli: the headless front end. Parsing and printing only; every action is an engine call.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "engine/common/errors.h"
#include "engine/common/version.h"
#include "engine/nn/runtime_info.h"

namespace {

void printHelp(std::ostream& out) {
  out << "Usage: cimscope-cli COMMAND [OPTIONS]\n"
         "       cimscope-cli --version | --help | COMMAND --help\n\n"
         "cimscope adapts neural networks to Computing-in-Memory macros.\n\nCommands:\n";
  for (const auto& c : cimscope::cli::commands()) {
    std::string name = c.name;
    out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') << c.summary
        << "\n";
  }
  out << "\nErrors go to stderr; the exit status is 0 on success, 2 for bad options or\n"
         "configuration, 1 for data, file or training failures.\n"
         "Documentation: docs/cli.md (installed: /usr/share/doc/cimscope/cli.md)\n";
}

void printVersion() {
  const auto rt = cimscope::runtimeInfo();
  std::cout << cimscope::versionLine() << "\nLibTorch " << rt.torch_version << ", "
            << rt.intra_op_threads << " intra-op threads\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    printHelp(std::cerr);
    return 2;
  }
  const std::string first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    printHelp(std::cout);
    return 0;
  }
  if (first == "--version" || first == "-V") {
    printVersion();
    return 0;
  }
  for (const auto& c : cimscope::cli::commands()) {
    if (first != c.name) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest) {
      if (a == "--help" || a == "-h") {
        std::cout << c.usage;
        return 0;
      }
    }
    try {
      return c.run(rest);
    } catch (const cimscope::ConfigError& e) {
      std::cerr << "cimscope-cli " << c.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "cimscope-cli " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "cimscope-cli: unknown command '" << first << "' (see cimscope-cli --help)\n";
  return 2;
}
