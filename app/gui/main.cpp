// cimscope: the desktop explorer. main() only: application set-up and the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <iostream>
#include <string>

#include "engine/common/version.h"
#include "ui/app_palette.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  // --version needs no display: answer before QApplication connects to one.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--version" || a == "-v") {
      std::cout << cimscope::versionLine() << "\n";
      return 0;
    }
  }
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
  QCommandLineOption report("report",
                            "Write the one-page design-point report (PDF) to FILE once the "
                            "window has settled, then exit.",
                            "FILE");
  parser.addOption(report);
  QCommandLineOption tab("tab",
                         "Show tab NAME at start: occupancy, summary, importance, adc, sweep or "
                         "datasets.",
                         "NAME");
  parser.addOption(tab);
  QCommandLineOption dock("dock", "Bring dock NAME to the front at start: macro or model.",
                          "NAME");
  parser.addOption(dock);
  QCommandLineOption open("open",
                          "Open FILE at start: a run file, sweep file or checkpoint (.h5), or a "
                          "macro spec (.json). Repeatable, opened in order (a run, then a macro).",
                          "FILE");
  parser.addOption(open);
  QCommandLineOption palette("palette",
                             "Colour scheme: system (the desktop's, the default), dark or light. "
                             "Also CIMSCOPE_PALETTE.",
                             "NAME");
  parser.addOption(palette);
  parser.process(app);
  if (parser.isSet(version)) {
    std::cout << cimscope::versionLine() << "\n";
    return 0;
  }

  const QString scheme = parser.isSet(palette) ? parser.value(palette)
                                               : qEnvironmentVariable("CIMSCOPE_PALETTE");
  if (!cimscope::AppPalette::apply(app, scheme)) {
    std::cerr << "cimscope: unknown palette '" << scheme.toStdString()
              << "' (expected system, dark or light)\n";
    return 2;
  }

  cimscope::MainWindow window;
  // Opening a file or taking a screenshot is not a first launch to fill by itself.
  if (parser.isSet(open) || parser.isSet(screenshot) || parser.isSet(report)) {
    window.setFirstLaunchEnabled(false);
  }
  if (parser.isSet(tab) && !window.selectTab(parser.value(tab))) {
    std::cerr << "cimscope: unknown tab '" << parser.value(tab).toStdString() << "' (expected "
              << cimscope::MainWindow::tabNames().join(", ").toStdString() << ")\n";
    return 2;
  }
  if (parser.isSet(dock) && !window.raiseDock(parser.value(dock))) {
    std::cerr << "cimscope: unknown dock '" << parser.value(dock).toStdString()
              << "' (expected macro or model)\n";
    return 2;
  }
  for (const QString& file : parser.values(open)) window.openFile(file);
  window.show();
  if (parser.isSet(screenshot)) window.saveScreenshotWhenReady(parser.value(screenshot));
  if (parser.isSet(report)) window.exportReportWhenReady(parser.value(report));
  return app.exec();
}
