export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Shortens at a word boundary so on-screen lines and prompts never end mid-word. */
export function fitText(text: string, max: number): string {
  const clean = squash(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

export function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export function stripArticle(text: string): string {
  return text.replace(/^(?:a|an|the)\s+/i, '');
}

/**
 * FNV-1a over the parts: a stable, platform-independent hash, so the same brief and seed pick the
 * same options on every machine and every run (Math.random would break determinism).
 */
export function stableHash(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function pick<T>(items: readonly T[], ...key: ReadonlyArray<string | number>): T {
  return items[stableHash(...key) % items.length];
}
