#pragma once

#include <QSettings>
#include <QString>
#include <QVariant>

namespace cimscope {

// A typed setting over QSettings (STYLE.md rule 13): `Preference<int> p{"group/key", 3};`
// Settings stay in the UI; they are turned into engine configs before any job starts.
template <typename T>
class Preference {
 public:
  Preference(QString key, T fallback) : key_(std::move(key)), fallback_(std::move(fallback)) {}

  T get() const {
    QSettings s;
    const QVariant v = s.value(key_);
    return v.isValid() && v.canConvert<T>() ? v.value<T>() : fallback_;
  }
  void set(const T& value) const {
    QSettings s;
    s.setValue(key_, QVariant::fromValue(value));
  }
  const QString& key() const { return key_; }

 private:
  QString key_;
  T fallback_;
};

}  // namespace cimscope
