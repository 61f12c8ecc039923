/** The longest error message a tenant is shown; the full text goes to the logs. */
export const PUBLIC_MESSAGE_MAX = 500;

/**
 * An error message as a tenant may see it: its first line only (a process's stderr follows it),
 * file paths and command lines replaced, URLs without their query (signatures), bounded. The
 * row's code stays the stable part; this is only a hint.
 */
export function publicErrorMessage(message: string): string {
  const firstLine = (message.split(/\r?\n/, 1)[0] ?? '').slice(0, 2000);
  const cleaned = firstLine
    // "ffmpeg exited with code 1: <stderr>" and "Command failed: ffmpeg -i …": the part after names internals
    .replace(/\b(Command failed|exited with code \d+|killed with signal \w+)\b.*$/i, '$1')
    .split(/(https?:\/\/[^\s'"]+)/)
    .map((part, i) =>
      i % 2
        ? part.replace(/[?#].*$/, '')
        : part.replace(/(?:[A-Za-z]:)?[/\\]?(?:[\w.@~-]+[/\\]){2,}[\w.@~-]*|(?<![\w.])\/[\w.@~-]+\/?/g, '[path]'),
    )
    .join('')
    .trim();
  return cleaned.length > PUBLIC_MESSAGE_MAX ? `${cleaned.slice(0, PUBLIC_MESSAGE_MAX - 1)}…` : cleaned || 'failed';
}
