// Hides the values of kvssink's key properties in anything printed that may echo a
// pipeline description: the description itself, parse errors, GStreamer's debug strings.

/** kvssink properties whose values are secrets, or (access-key) identify one. */
export const SECRET_PROPERTIES = ['access-key', 'secret-key', 'session-token'] as const;

export const REDACTED = '***';

// GLib accepts "_" for "-" in property names, so `secret_key=` sets secret-key too.
const NAMES = SECRET_PROPERTIES.map(propertyNamePattern).join('|');

// `secret-key=value`, `secret_key = "quoted value"`, `secret-key='value'`, and unquoted
// values with backslash escapes such as `secret-key=two\ words`.
const ASSIGNMENT = new RegExp(
  `((?:^|[^\\w-])(?:${NAMES})\\s*=\\s*)("(?:[^"\\\\]|\\\\.)*"?|'[^']*'?|(?:\\\\.|[^\\s!\\\\])+)`,
  'g',
);

// GStreamer's parser: could not set property "secret-key" in element "kvs" to "value".
const PARSER_MESSAGE = new RegExp(
  `(property "(?:${NAMES})"[^"]*(?:"[^"]*"[^"]*)? to )"[^"]*"?`,
  'g',
);

/** Returns a regular expression source matching `name` with "-" or "_" between its words. */
export function propertyNamePattern(name: string): string {
  return name.split('-').join('[-_]');
}

/** Replaces the values of access-key, secret-key and session-token with ***. */
export function redactDescription(text: string): string {
  return text.replace(ASSIGNMENT, `$1${REDACTED}`).replace(PARSER_MESSAGE, `$1"${REDACTED}"`);
}

/** Returns the values the description gives to secret properties, without quotes. */
export function secretValuesOf(description: string): string[] {
  const values: string[] = [];
  for (const match of description.matchAll(ASSIGNMENT)) {
    const value = match[2].replace(/^["']|["']$/g, '');
    if (value.length > 0) {
      values.push(value);
    }

    // GStreamer repeats a value without the backslashes of its escapes.
    const unescaped = value.replace(/\\(.)/g, '$1');
    if (unescaped !== value && unescaped.length > 0) {
      values.push(unescaped);
    }
  }
  return values;
}

/**
 * Builds a redaction function for one description: it hides property assignments like
 * redactDescription() and also every verbatim occurrence of the secret values the
 * description contains, wherever GStreamer may repeat them.
 */
export function createRedactor(description: string): (text: string) => string {
  const secrets = secretValuesOf(description).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let result = redactDescription(text);
    for (const secret of secrets) {
      result = result.replaceAll(secret, REDACTED);
    }
    return result;
  };
}
