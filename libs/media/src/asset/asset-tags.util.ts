/**
 * The AI-generated marks of still and animated images, written into the file bytes: ffmpeg's PNG
 * and GIF muxers write no metadata, so PNG `tEXt` chunks and a GIF comment extension are added here.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function latin1(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

/** The PNG with one `tEXt` chunk per entry, inserted before IEND (keywords 1-79 Latin-1 characters). */
export function withPngText(png: Buffer, entries: Record<string, string>): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new RangeError('not a PNG');
  const iend = png.lastIndexOf(Buffer.from('IEND', 'latin1')) - 4;
  if (iend < 8) throw new RangeError('PNG without IEND');
  const chunks = Object.entries(entries).map(([key, value]) => {
    if (!/^[A-Za-z0-9 _.-]{1,79}$/.test(key)) throw new RangeError(`not a PNG text keyword: ${JSON.stringify(key)}`);
    const data = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(latin1(value), 'latin1')]);
    const type = Buffer.from('tEXt', 'latin1');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
    return Buffer.concat([length, type, data, crc]);
  });
  return Buffer.concat([png.subarray(0, iend), ...chunks, png.subarray(iend)]);
}

/** The `tEXt` entries of a PNG (for checks and tests). */
export function pngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'tEXt') {
      const data = png.subarray(at + 8, at + 8 + length);
      const zero = data.indexOf(0);
      out[data.toString('latin1', 0, zero)] = data.toString('latin1', zero + 1);
    }
    at += 12 + length;
  }
  return out;
}

/**
 * The GIF with a comment extension (0x21 0xFE) after its header, logical screen descriptor and
 * global colour table, where every decoder skips it.
 */
export function withGifComment(gif: Buffer, comment: string): Buffer {
  if (gif.toString('latin1', 0, 6) !== 'GIF89a') throw new RangeError('not a GIF89a');
  const packed = gif[10];
  const tableSize = packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
  const at = 13 + tableSize;
  const text = Buffer.from(latin1(comment), 'latin1');
  const blocks: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let i = 0; i < text.length; i += 255) {
    const part = text.subarray(i, i + 255);
    blocks.push(Buffer.from([part.length]), part);
  }
  blocks.push(Buffer.from([0]));
  return Buffer.concat([gif.subarray(0, at), ...blocks, gif.subarray(at)]);
}
