#pragma once

#include <QApplication>
#include <QDir>
#include <QTest>
#include <cstdlib>

namespace cimscope_test {
// Settings and data folders under `root` (a QTemporaryDir), so a test neither reads the user's
// settings nor leaves its own.
inline void isolateSettings(const QString& root) {
  qputenv("XDG_CONFIG_HOME", QDir(root).filePath("config").toUtf8());
  qputenv("XDG_DATA_HOME", QDir(root).filePath("data").toUtf8());
}
}  // namespace cimscope_test

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
