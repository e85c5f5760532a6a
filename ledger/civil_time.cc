#include "ledger/civil_time.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <map>
#include <mutex>

namespace liard {

struct TimeZone::Impl {
  std::unique_ptr<icu::TimeZone> zone;
};

namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int* year, int* month, int* day) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(yoe + era * 400 + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

bool IsValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

TimeZone::TimeZone() = default;

std::optional<TimeZone> TimeZone::Named(std::string_view name) {
  if (name == "UTC") return TimeZone();
  if (name.empty() || name.size() > 64) return std::nullopt;
  // Made once per name and shared: a ledger asks for its zone at every limit it checks. Only
  // names ICU knows are kept, so the cache is bounded by its list of zones.
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Impl>, std::less<>> made;
  std::lock_guard<std::mutex> lock(mu);
  auto it = made.find(name);
  if (it == made.end()) {
    const icu::UnicodeString id = icu::UnicodeString::fromUTF8(
        icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
    // A zone of the IANA database only: ICU also makes custom zones of "GMT+01:00", which are
    // a fixed offset, not a place's rules.
    icu::UnicodeString canonical;
    UBool system = false;
    UErrorCode status = U_ZERO_ERROR;
    icu::TimeZone::getCanonicalID(id, canonical, system, status);
    if (U_FAILURE(status) || !system) return std::nullopt;
    auto impl = std::make_shared<Impl>();
    impl->zone.reset(icu::TimeZone::createTimeZone(id));
    if (impl->zone == nullptr || *impl->zone == icu::TimeZone::getUnknown()) return std::nullopt;
    it = made.emplace(std::string(name), std::move(impl)).first;
  }
  TimeZone tz;
  tz.name_ = it->first;
  tz.impl_ = it->second;
  return tz;
}

int64_t TimeZone::OffsetMs(int64_t unix_ms) const {
  if (impl_ == nullptr) return 0;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffset(static_cast<UDate>(unix_ms), false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return static_cast<int64_t>(raw) + dst;
}

CivilTime TimeZone::Civil(int64_t unix_ms) const {
  const int64_t offset = OffsetMs(unix_ms);
  const int64_t local = unix_ms + offset;
  const int64_t days = FloorDiv(local, kDayMs);
  const int64_t in_day = (local - days * kDayMs) / 1000;
  CivilTime c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(in_day / 3600);
  c.minute = static_cast<int>(in_day / 60 % 60);
  c.second = static_cast<int>(in_day % 60);
  c.offset_minutes = static_cast<int>(offset / 60'000);
  return c;
}

int64_t TimeZone::DayOf(int64_t unix_ms) const {
  return FloorDiv(unix_ms + OffsetMs(unix_ms), kDayMs);
}

uint32_t TimeZone::YearMonthOf(int64_t unix_ms) const {
  CivilTime c = Civil(unix_ms);
  return static_cast<uint32_t>(c.year * 100 + c.month);
}

int64_t TimeZone::StartOfDay(int64_t day) const {
  const int64_t local_midnight = day * kDayMs;
  if (impl_ == nullptr) return local_midnight;
  // The offset in force at that wall-clock time (ICU resolves a skipped or repeated hour).
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffset(static_cast<UDate>(local_midnight), true, raw, dst, status);
  if (U_FAILURE(status)) return local_midnight;
  return local_midnight - raw - dst;
}

}  // namespace liard
