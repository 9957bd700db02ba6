/**
 * JSON.parse keeps the last of two equal keys without a word; this linear scan over text that JSON.parse
 * already accepted finds the first key repeated in one object, so a JSON flag file can take the fast
 * native parser and still refuse duplicates like the YAML path does.
 */

export interface DuplicateJsonKey {
  /** Keys and list indexes down to the repeated key, e.g. `['flags', 'chat-model']`. */
  path: (string | number)[];
  /** Character offset of the repeated key's opening quote. */
  offset: number;
}

interface Frame {
  /** Keys seen so far in this object; undefined for an array. */
  seen: Set<string> | undefined;
  /** The entry being read: the current key, or the array index. */
  at: string | number;
  expectKey: boolean;
}

/** The first duplicate key in valid JSON text, or undefined. Keys are compared after unescaping (`"a"` = `"\u0061"`). */
export function findDuplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ seen: new Set(), at: '', expectKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ seen: undefined, at: 0, expectKey: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.seen === undefined) top.at = (top.at as number) + 1;
      else top.expectKey = true;
    } else if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.seen === undefined || !top.expectKey) continue;
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      top.expectKey = false;
      if (top.seen.has(key)) {
        const path = stack.slice(0, -1).map((f) => f.at);
        return { path: [...path, key], offset: start };
      }
      top.seen.add(key);
      top.at = key;
    }
  }
  return undefined;
}
