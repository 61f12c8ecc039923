/**
 * Escapes a value for an ffmpeg filter option inside a filter graph. Two parsers read it: the graph
 * parser (which splits on `[ ] , ;` and unescapes once) and then the filter's option parser (which
 * splits on `:` and unescapes again), so the value is escaped for the option level first and the
 * result again for the graph level (ffmpeg-filters, "Notes on filtergraph escaping").
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** Seconds as ffmpeg reads them: no exponent, no float noise, at most microsecond precision. */
export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec)) throw new RangeError(`not a finite number of seconds: ${sec}`);
  return String(Math.round(sec * 1e6) / 1e6);
}

const HEX_COLOUR = /^#([0-9a-fA-F]{6})$/;

/** `#RRGGBB` as an ffmpeg colour (`0xRRGGBB[@alpha]`); anything else is refused so nothing odd reaches a graph. */
export function ffmpegColour(hex: string, opacity = 1): string {
  const match = HEX_COLOUR.exec(hex);
  if (!match) throw new RangeError(`not a #RRGGBB colour: ${JSON.stringify(hex)}`);
  const alpha = opacity >= 1 ? '' : `@${Math.max(0, opacity).toFixed(2)}`;
  return `0x${match[1].toUpperCase()}${alpha}`;
}
