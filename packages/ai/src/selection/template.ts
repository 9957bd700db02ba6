const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders from `vars`. A placeholder with no value is left as written, so a missing
 * variable shows up in the prompt instead of silently becoming an empty string.
 */
export function fillTemplate(text: string, vars?: Record<string, unknown>): string {
  if (!vars || text.indexOf('{{') < 0) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined || value === null) return whole;
    return typeof value === 'string' ? value : typeof value === 'object' ? toJson(value) : String(value);
  });
}

/** Objects go in as JSON; one JSON cannot write (a cycle, a BigInt inside) goes in as `String(value)` instead of throwing. */
function toJson(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The `{{name}}` placeholders of a prompt, each once, in the order they first appear. */
export function templateVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}
