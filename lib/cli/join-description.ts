/**
 * Joins command-line words into one pipeline description the way gst-launch-1.0 does: a
 * space inside a word, outside double quotes, is escaped with a backslash, so a
 * shell-quoted `location=my file.mp4` stays one value. Unlike gst-launch-1.0, a single
 * word is taken as the whole description, so `launch -- 'videotestsrc ! fakesink'` works.
 */
export function joinDescription(words: string[]): string {
  if (words.length === 1) {
    return words[0];
  }
  return words.map(escapeWord).join(' ');
}

function escapeWord(word: string): string {
  let result = '';
  let inQuotes = false;
  let previous = '';

  for (const character of word) {
    if (character === '"' && previous !== '\\') {
      inQuotes = !inQuotes;
    }
    if (character === ' ' && !inQuotes) {
      result += '\\';
    }
    result += character;
    previous = character;
  }
  return result;
}
