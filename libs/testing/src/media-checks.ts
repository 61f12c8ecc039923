// Readers for test assertions: independent of the builders they check, strict where a player would be.

/** A strict reading of the WebVTT body: header, then blocks of one timing line and text lines. */
export function parseWebVtt(vtt: string): { startSec: number; endSec: number; text: string }[] {
  const [header, ...blocks] = vtt.trimEnd().split('\n\n');
  if (header !== 'WEBVTT') throw new Error(`bad header ${JSON.stringify(header)}`);
  const time = (t: string) => {
    const m = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(t);
    if (!m) throw new Error(`bad timestamp ${t}`);
    return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
  };
  return blocks.map((block) => {
    const [timing, ...text] = block.split('\n');
    const [start, end] = timing.split(' --> ');
    if (!text.length || text.some((l) => !l.trim() || l.includes('-->'))) throw new Error(`bad cue ${block}`);
    return { startSec: time(start), endSec: time(end), text: text.join('\n') };
  });
}

/** The chunks of a RIFF/WebP file and whether it is animated, read from its bytes. */
export function webpChunks(bytes: Buffer): { animated: boolean; frames: number; width: number; height: number } {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WEBP') {
    throw new Error('not a WebP file');
  }
  let animated = false;
  let frames = 0;
  let width = 0;
  let height = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'VP8X') {
      animated = (bytes[at + 8] & 0x02) !== 0;
      width = 1 + bytes.readUIntLE(at + 12, 3);
      height = 1 + bytes.readUIntLE(at + 15, 3);
    }
    if (id === 'ANMF') frames++;
    at += 8 + size + (size % 2);
  }
  return { animated, frames, width, height };
}
