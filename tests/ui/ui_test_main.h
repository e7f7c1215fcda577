#pragma once

#include <QApplication>
#include <QTest>
#include <cstdlib>

// Like QTEST_MAIN, but picks the offscreen platform under CI (CI=true) or without a display,
// so GUI tests run headless on a build machine and in a real window on a desktop.
#define CIMSCOPE_QTEST_MAIN(TestObject)                                                     \
  int main(int argc, char** argv) {                                                         \
    const char* ci = std::getenv("CI");                                                     \
    const bool no_display = !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY");     \
    if (!std::getenv("QT_QPA_PLATFORM") && ((ci && std::string(ci) == "true") || no_display)) \
      qputenv("QT_QPA_PLATFORM", "offscreen");                                              \
    qputenv("CIMSCOPE_NO_FIRST_LAUNCH", "1"); /* tests start their own jobs */             \
    QApplication app(argc, argv);                                                           \
    QApplication::setOrganizationName("cimscope-tests");                                    \
    QApplication::setApplicationName("cimscope-tests");                                    \
    app.setAttribute(Qt::AA_Use96Dpi, true);                                                \
    TestObject tc;                                                                          \
    QTEST_SET_MAIN_SOURCE_PATH                                                              \
    return QTest::qExec(&tc, argc, argv);                                                   \
  }
