#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace cimscope {

class DatasetBrowserPanel;
class EngineHost;

// The main window wires panels, menus and the engine worker together; it holds no logic of
// its own (STYLE.md rule 4).
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  DatasetBrowserPanel* datasetBrowser() const { return dataset_browser_; }

  // Saves a PNG of the window once the sample grid has been filled (or after 60 s), then quits
  // the application. Used by the screenshot script and for checking the GUI headless.
  void saveScreenshotWhenReady(const QString& path);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void showAbout();
  void onFailed(const QString& what, const QString& message);

  EngineHost* engine_;
  QTabWidget* tabs_;
  DatasetBrowserPanel* dataset_browser_;
  QLabel* status_version_;
  bool first_listing_ = true;
};

}  // namespace cimscope
