// kvssink reads the file with fscanf("%s"), which splits tokens at the characters isspace()
// accepts in the "C" locale, and a NUL would end the C string early.
const FIELD_SEPARATOR = /[\t\n\v\f\r \0]/;

// AWS access key ids, secret access keys and session tokens use printable ASCII only.
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;

/** Problem with the characters of a credential field, or undefined when there is none. */
export type FieldCharacterProblem = 'whitespace' | 'control' | 'non-ascii';

/**
 * Finds the first kind of character that does not belong in a credential field. A value that
 * passes contains printable ASCII only, so its length in bytes equals its length in characters.
 */
export function findCharacterProblem(value: string): FieldCharacterProblem | undefined {
  if (FIELD_SEPARATOR.test(value)) {
    return 'whitespace';
  }

  const match = NOT_PRINTABLE_ASCII.exec(value);
  if (match === null) {
    return undefined;
  }
  return match[0].charCodeAt(0) < 0x80 ? 'control' : 'non-ascii';
}

/** Describes a problem for an error message, without showing the value. */
export function describeCharacterProblem(problem: FieldCharacterProblem): string {
  switch (problem) {
    case 'whitespace':
      return "contains whitespace or a NUL character, which would split kvssink's file fields";
    case 'control':
      return 'contains a control character; AWS credentials are printable ASCII';
    case 'non-ascii':
      return 'contains a non-ASCII character; AWS credentials are printable ASCII';
  }
}
