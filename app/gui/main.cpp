// cimscope: the desktop explorer. main() only: application set-up and the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <iostream>

#include "engine/common/version.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("cimscope");
  QApplication::setApplicationName("cimscope");
  QApplication::setApplicationVersion(QString::fromLatin1(cimscope::versionString()));

  QCommandLineParser parser;
  parser.setApplicationDescription("cimscope: adapt neural networks to Computing-in-Memory macros");
  parser.addHelpOption();
  QCommandLineOption version({"v", "version"}, "Print the version and exit.");
  parser.addOption(version);
  QCommandLineOption screenshot("screenshot",
                                "Render the main window to FILE (PNG) once the data set grid "
                                "is shown, then exit.",
                                "FILE");
  parser.addOption(screenshot);
  parser.process(app);
  if (parser.isSet(version)) {
    std::cout << cimscope::versionLine() << "\n";
    return 0;
  }

  cimscope::MainWindow window;
  window.show();
  if (parser.isSet(screenshot)) window.saveScreenshotWhenReady(parser.value(screenshot));
  return app.exec();
}
