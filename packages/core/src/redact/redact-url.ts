/** What replaces a password in a redacted URL. */
export const REDACTED = '***';

// Where a URL starts inside a message: `scheme://`, or `//` (scheme-relative) after a space, quote or bracket.
const URL_START = /[A-Za-z][A-Za-z0-9+.-]*:\/\/|(?<=^|[\s"'`(<[=])\/\//g;
// Where a URL ends inside a message. A raw space is never part of a URL, so it ends one even when it was meant
// as part of a password: that password is invalid in every URL form and would not have connected anyway.
const URL_END = /[\s"'`<>]/;

/**
 * The text with the password of every URL in it replaced by `***` (the user name is kept, so a message still
 * says who tried to connect). Works on a bare URL and on a message or log line that contains URLs, and does
 * not need the URL to parse: the user info is everything between `scheme://` and the last `@` before the URL
 * ends, so `redis://u:pa/ss@h`, `redis://:p@ss@h` and `http://a:b@h/api` all lose their whole password.
 *
 * Why not WHATWG URL: a password with an unencoded `/` does not parse (or worse, parses as host `u`, port and
 * path), and one with an unencoded `@` parses with only its tail as the host. Both are common in generated
 * passwords. When in doubt this errs on the side of hiding too much: `http://h:80/a@b` reads as `http://h:***@b`.
 */
export function redactUrl(text: string): string {
  if (text.indexOf('@') < 0) return text;
  let out = '';
  let copied = 0;
  URL_START.lastIndex = 0;
  for (let match = URL_START.exec(text); match; match = URL_START.exec(text)) {
    const start = match.index + match[0].length;
    const rest = text.slice(start);
    const endAt = rest.search(URL_END);
    const token = endAt < 0 ? rest : rest.slice(0, endAt);
    const end = start + token.length;
    URL_START.lastIndex = Math.max(end, start);
    const at = token.lastIndexOf('@');
    if (at < 0) continue;
    const colon = token.indexOf(':');
    if (colon < 0 || colon > at) continue; // a user name alone is no secret
    out += text.slice(copied, start + colon + 1) + REDACTED;
    copied = start + at;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
