/** Names the type of a value for error messages: 'null', 'an array', 'a string', 'a Date'. */
export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value instanceof Date) {
    return 'a Date';
  }

  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
