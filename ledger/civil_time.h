// Civil time: the calendar date and wall-clock time of an instant in a named time zone (IANA,
// e.g. "Europe/Paris"), through ICU's time-zone rules, so that no offset is written by hand.
// Pure: ICU's zone data is compiled into its library; nothing is read at run time.
#ifndef LIARD_LEDGER_CIVIL_TIME_H_
#define LIARD_LEDGER_CIVIL_TIME_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace liard {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int offset_minutes = 0;  // local time minus UTC, e.g. 60 in Paris in winter
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);
// A valid calendar date (years 1 to 9999)?
bool IsValidDate(int year, int month, int day);

// A time zone. The default is UTC. Thread-safe: immutable once made, cheap to copy.
class TimeZone {
 public:
  TimeZone();
  // The zone named `name` ("Europe/Paris", "UTC"), or nullopt if it is no zone of the IANA
  // database as ICU has it (a custom "GMT+01:00" is refused too). Each name is made once.
  static std::optional<TimeZone> Named(std::string_view name);
  static TimeZone Utc() { return TimeZone(); }

  const std::string& name() const { return name_; }
  // Local time minus UTC at `unix_ms`, in milliseconds.
  int64_t OffsetMs(int64_t unix_ms) const;
  CivilTime Civil(int64_t unix_ms) const;
  // The local calendar day of `unix_ms`, as days since 1970-01-01.
  int64_t DayOf(int64_t unix_ms) const;
  // The local calendar month of `unix_ms`: 202611 for November 2026.
  uint32_t YearMonthOf(int64_t unix_ms) const;
  // The instant local day `day` (days since 1970-01-01) begins, in Unix milliseconds.
  int64_t StartOfDay(int64_t day) const;

 private:
  struct Impl;
  std::string name_ = "UTC";
  std::shared_ptr<const Impl> impl_;  // null: UTC
};

}  // namespace liard

#endif  // LIARD_LEDGER_CIVIL_TIME_H_
