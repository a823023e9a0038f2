/**
 * Go's time.Time as TUF's `expires` meets it: `(*time.Time).UnmarshalJSON` (Go 1.20+:
 * the raw bytes between the quotes, escapes NOT decoded, through parseStrictRFC3339 —
 * the strict fast path, else `time.Parse(time.RFC3339, …)` with its leniencies: one-digit
 * hours, `,` before the fraction, offsets up to ±24:59) and `Time.String()`, which is what
 * go-tuf's "expired at …" error prints.
 *
 * Assumes the server's local zone is UTC (as in Rekor's container images): an offset of
 * zero then prints as `+0000 UTC`, any other offset as a nameless fixed zone (`-0600 -0600`).
 */
import { InvalidEntryError } from '../../errors';

export interface GoTime {
  /** Seconds since the Unix epoch (exact: years 0..9999 stay far below 2^53). */
  unixSeconds: number;
  nanoseconds: number;
  /** Zone offset east of UTC, in seconds. */
  offset: number;
  /** The zone's name, or null for a fixed zone Go names by its offset. */
  zone: 'UTC' | null;
}

const SECONDS_PER_DAY = 86400;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Go's zero Time, 0001-01-01 00:00:00 UTC: what a missing or null `expires` leaves. */
export const ZERO_TIME: GoTime = { unixSeconds: daysFromCivil(1, 1, 1) * SECONDS_PER_DAY, nanoseconds: 0, offset: 0, zone: 'UTC' };

function makeTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanoseconds: number,
  offset: number | 'Z',
): GoTime {
  const local = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  if (offset === 'Z') return { unixSeconds: local, nanoseconds, offset: 0, zone: 'UTC' };
  // An offset equal to the local zone's (UTC: 0) takes the local zone.
  return { unixSeconds: local - offset, nanoseconds, offset, zone: offset === 0 ? 'UTC' : null };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
export function formatGoTime(t: GoTime): string {
  const wall = t.unixSeconds + t.offset;
  const days = Math.floor(wall / SECONDS_PER_DAY);
  const secs = wall - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  if (t.nanoseconds > 0) text += `.${pad(t.nanoseconds, 9).replace(/0+$/, '')}`;
  const minutes = Math.abs(t.offset) / 60;
  const numeric = `${t.offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}${pad(minutes % 60, 2)}`;
  return `${text} ${numeric} ${t.zone ?? numeric}`;
}

/** Whether go-tuf's IsExpired holds: `time.Until(t) <= 0`. */
export function isExpired(t: GoTime, now: Date): boolean {
  const nowMs = now.getTime();
  const nowSeconds = Math.floor(nowMs / 1000);
  const nowNanos = (nowMs - nowSeconds * 1000) * 1e6;
  return t.unixSeconds < nowSeconds || (t.unixSeconds === nowSeconds && t.nanoseconds <= nowNanos);
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';

const digit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;

/** Go's parseNanoseconds(value, nbytes): value[0] is the separator; at most 9 digits count. */
function nanos(value: string, nbytes: number): number {
  const digits = value.slice(1, Math.min(nbytes, 10));
  return Number(digits) * 10 ** (10 - Math.min(nbytes, 10));
}

/** Go's parseRFC3339 fast path; null where Go falls back to time.Parse. */
function parseFast(s: string): GoTime | null {
  if (s.length < 19) return null;
  let ok = true;
  const uint = (from: number, to: number, min: number, max: number): number => {
    let x = 0;
    for (let i = from; i < to; i++) {
      if (!digit(s, i)) {
        ok = false;
        return min;
      }
      x = x * 10 + s.charCodeAt(i) - 0x30;
    }
    if (x < min || x > max) {
      ok = false;
      return min;
    }
    return x;
  };
  const year = uint(0, 4, 0, 9999);
  const month = uint(5, 7, 1, 12);
  const day = uint(8, 10, 1, daysIn(month, year));
  const hour = uint(11, 13, 0, 23);
  const minute = uint(14, 16, 0, 59);
  const second = uint(17, 19, 0, 59);
  if (!ok || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return null;
  let rest = s.slice(19);
  let ns = 0;
  if (rest.length >= 2 && rest[0] === '.' && digit(rest, 1)) {
    let n = 2;
    while (n < rest.length && digit(rest, n)) n++;
    ns = nanos(rest, n);
    rest = rest.slice(n);
  }
  if (rest === 'Z') return makeTime(year, month, day, hour, minute, second, ns, 'Z');
  if (rest.length !== 6) return null;
  const zs = rest;
  const zoneHour = (() => {
    let x = 0;
    for (const i of [1, 2]) {
      if (!digit(zs, i)) return -1;
      x = x * 10 + zs.charCodeAt(i) - 0x30;
    }
    return x;
  })();
  const zoneMinute = digit(zs, 4) && digit(zs, 5) ? Number(zs.slice(4, 6)) : -1;
  if (zoneHour < 0 || zoneHour > 23 || zoneMinute < 0 || zoneMinute > 59) return null;
  if ((zs[0] !== '-' && zs[0] !== '+') || zs[3] !== ':') return null;
  const offset = (zoneHour * 60 + zoneMinute) * 60 * (zs[0] === '-' ? -1 : 1);
  return makeTime(year, month, day, hour, minute, second, ns, offset);
}

/** Go's time package quote(): bytes ≥ 0x80 and controls as \xNN, `"` and `\` escaped. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += c === 0x22 || c === 0x5c ? `\\${s[i]}` : s[i];
  }
  return `${out}"`;
}

/** time.Parse(time.RFC3339, s), as Go does it when the fast path declines. */
function parseLayout(s: string): GoTime {
  const cannot = (valueElem: string, layoutElem: string): never => {
    throw new InvalidEntryError(`parsing time ${quote(s)} as ${quote(RFC3339)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
  };
  const outOfRange = (what: string): never => {
    throw new InvalidEntryError(`parsing time ${quote(s)}: ${what} out of range`);
  };
  /** getnum: one or two digits (two if `fixed`); null on errBad. */
  const getnum = (v: string, fixed: boolean): [number, string] | null => {
    if (!digit(v, 0)) return null;
    if (!digit(v, 1)) return fixed ? null : [v.charCodeAt(0) - 0x30, v.slice(1)];
    return [(v.charCodeAt(0) - 0x30) * 10 + v.charCodeAt(1) - 0x30, v.slice(2)];
  };
  let value = s;
  const skip = (prefix: string): void => {
    if (value.length === 0 || value[0] !== prefix) cannot(value, prefix);
    value = value.slice(1);
  };
  // 2006
  let hold = value;
  if (value.length < 4 || !digit(value, 0) || !/^[0-9]{4}/.test(value)) cannot(hold, '2006');
  const year = Number(value.slice(0, 4));
  value = value.slice(4);
  // -01
  skip('-');
  hold = value;
  const m = getnum(value, true);
  if (!m) return cannot(hold, '01');
  const month = m[0];
  value = m[1];
  if (month <= 0 || month > 12) outOfRange('month');
  // -02
  skip('-');
  hold = value;
  const d = getnum(value, true);
  if (!d) return cannot(hold, '02');
  const day = d[0];
  value = d[1];
  // T15
  skip('T');
  hold = value;
  const h = getnum(value, false);
  if (!h) return cannot(hold, '15');
  const hour = h[0];
  value = h[1];
  if (hour >= 24) outOfRange('hour');
  // :04
  skip(':');
  hold = value;
  const mi = getnum(value, true);
  if (!mi) return cannot(hold, '04');
  const minute = mi[0];
  value = mi[1];
  if (minute >= 60) outOfRange('minute');
  // :05 and an optional fraction
  skip(':');
  hold = value;
  const se = getnum(value, true);
  if (!se) return cannot(hold, '05');
  const second = se[0];
  value = se[1];
  if (second >= 60) outOfRange('second');
  let ns = 0;
  if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && digit(value, 1)) {
    let n = 2;
    while (n < value.length && digit(value, n)) n++;
    ns = nanos(value, n);
    value = value.slice(n);
  }
  // Z07:00
  hold = value;
  let offset: number | 'Z';
  if (value.length >= 1 && value[0] === 'Z') {
    value = value.slice(1);
    offset = 'Z';
  } else {
    if (value.length < 6 || value[3] !== ':') return cannot(hold, 'Z07:00');
    const sign = value[0];
    const hh = getnum(value.slice(1, 3), true);
    const mm = hh ? getnum(value.slice(4, 6), true) : null;
    const zoneHour = hh ? hh[0] : 0;
    const zoneMinute = mm ? mm[0] : 0;
    value = value.slice(6);
    if (zoneMinute > 60) outOfRange('time zone offset minute');
    if (zoneHour > 24) outOfRange('time zone offset hour');
    if (!hh || !mm || (sign !== '+' && sign !== '-')) return cannot(hold, 'Z07:00');
    offset = (zoneHour * 60 + zoneMinute) * 60 * (sign === '-' ? -1 : 1);
  }
  if (value.length > 0) throw new InvalidEntryError(`parsing time ${quote(s)}: extra text: ${quote(value)}`);
  if (day < 1 || day > daysIn(month, year)) outOfRange('day');
  return makeTime(year, month, day, hour, minute, second, ns, offset);
}

/**
 * `(*time.Time).UnmarshalJSON(bytes)`: null leaves the time as it was (returns
 * `previous`); anything but a JSON string is refused; the string's raw bytes are parsed.
 */
export function unmarshalGoTime(bytes: Buffer, previous: GoTime | undefined): GoTime | undefined {
  if (bytes.length === 4 && bytes.toString('latin1') === 'null') return previous;
  if (bytes.length < 2 || bytes[0] !== 0x22 || bytes[bytes.length - 1] !== 0x22) {
    throw new InvalidEntryError('Time.UnmarshalJSON: input is not a JSON string');
  }
  // latin1: one character per byte, so offsets and Go's byte-wise quoting line up.
  const s = bytes.toString('latin1', 1, bytes.length - 1);
  return parseFast(s) ?? parseLayout(s);
}
