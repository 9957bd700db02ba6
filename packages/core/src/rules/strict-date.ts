/**
 * Dates as `before`/`after` read them: RFC 3339 date-times (ISO 8601's internet profile) and ISO 8601
 * calendar dates, nothing else. `Date.parse` is not used: V8 accepts "March 7, 2020", reads
 * "00:00:00.000-07.00" as 2000-01-01T07:00Z, rolls 2023-02-29 over to March 1 and reads a date-time
 * without an offset in the machine's time zone, so the same rule would answer differently per runtime.
 */

// full-date, then optionally 'T' full-time with a mandatory offset. RFC 3339 §5.6 allows lowercase 't' and 'z'.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2})))?$/;

/** Longest date string read, in characters: longer input is no date (bounds the work per evaluation). */
export const MAX_DATE_LENGTH = 64;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * Epoch ms of a strict RFC 3339 date-time (`2026-01-01T09:30:00.250+05:30`, `...Z`) or a calendar date
 * (`2026-01-01`, read as UTC midnight, as ECMAScript reads it); NaN for anything else. Fractional seconds
 * past milliseconds are truncated. A leap second (`23:59:60` in UTC, last day of a month) is the instant
 * after 23:59:59, as POSIX time counts it; second 60 at any other time is no date.
 */
export function parseStrictDate(s: string): number {
  if (s.length > MAX_DATE_LENGTH) return NaN;
  const m = RFC3339.exec(s);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  const midnight = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (m[4] === undefined) return midnight;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offset = 0;
  if (m[8] !== undefined) {
    const offsetHour = Number(m[9]);
    const offsetMinute = Number(m[10]);
    if (offsetHour > 23 || offsetMinute > 59) return NaN;
    offset = (m[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute) * MS_PER_MINUTE;
  }
  const utc = midnight + ((hour * 60 + minute) * 60 + Math.min(second, 59)) * 1000 - offset;
  if (second === 60 && !isLeapSecondSlot(utc)) return NaN;
  return utc + ms + (second === 60 ? 1000 : 0);
}

/** True when epoch ms `utc` falls in 23:59:59 UTC of a month's last day, the only place a leap second goes. */
function isLeapSecondSlot(utc: number): boolean {
  const next = new Date(utc + 1000);
  return next.getUTCDate() === 1 && next.getUTCHours() === 0 && next.getUTCMinutes() === 0 && next.getUTCSeconds() === 0;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil); no Date.UTC, which maps years 0-99 to 1900-1999. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
