import {
  buildGifEncodeCommand,
  buildGifPaletteCommand,
  buildInpaintCommand,
  smallerGifPass,
  watermarkFilter,
} from './asset-media.builder';
import { pngText, withGifComment, withPngText } from './asset-tags.util';

describe('asset media builders', () => {
  const pass = { width: 240, height: 160, fps: 8, frames: 12, colors: 256 };

  it('makes GIFs in two passes: palettegen over the kept frames, then paletteuse looping forever', () => {
    const palette = buildGifPaletteCommand('in.mp4', 'pal.png', pass, null);
    expect(palette.outputs[0].options.join(' ')).toMatch(
      /fps=8,.*crop=240:160,trim=end_frame=12,palettegen=max_colors=256/,
    );
    const encode = buildGifEncodeCommand('in.mp4', 'pal.png', 'out.gif', pass, null);
    expect(encode.inputs.map((i) => i.path)).toEqual(['in.mp4', 'pal.png']);
    expect(encode.filterComplex).toMatch(/\[x\]\[1:v\]paletteuse/);
    expect(encode.outputs[0].options).toEqual(['-map', '[out]', '-frames:v', '12', '-loop', '0', '-f', 'gif']);
  });

  it('shrinks a GIF over its cap by colours first, then size, keeping frames and rate, until nothing is left', () => {
    expect(smallerGifPass(pass)).toEqual({ ...pass, colors: 128 });
    expect(smallerGifPass({ ...pass, colors: 32 })).toEqual({ ...pass, width: 180, height: 120, colors: 128 });
    expect(smallerGifPass({ ...pass, width: 80, height: 64, colors: 32 })).toBeNull();
  });

  it('inpaints by merging a blur of the image through the mask over the untouched image', () => {
    const cmd = buildInpaintCommand('img.png', 'mask.png', 'out.png', null);
    expect(cmd.filterComplex).toContain('[blur][m]alphamerge[fill]');
    expect(cmd.filterComplex).toContain('[base2][fill]overlay');
  });

  it('escapes the watermark text for the filter graph', () => {
    expect(watermarkFilter({ text: "it's: AI", position: 'top-left' })).toContain("text=it\\\\\\'s\\\\: AI");
    expect(watermarkFilter(null)).toBeNull();
  });
});

describe('AI-generated marks', () => {
  it('adds PNG tEXt chunks that read back, and a GIF comment after the colour table', () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    expect(pngText(withPngText(png, { ai_generated: 'true', generator: 'Reelsmith' }))).toEqual({
      ai_generated: 'true',
      generator: 'Reelsmith',
    });
    // GIF89a, 1x1, global colour table of 2 entries (packed 0x80), then the trailer
    const gif = Buffer.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x3b]);
    const marked = withGifComment(gif, 'ai_generated=true');
    expect(marked.subarray(19, 21)).toEqual(Buffer.from([0x21, 0xfe]));
    expect(marked.includes(Buffer.from('ai_generated=true'))).toBe(true);
  });
});
