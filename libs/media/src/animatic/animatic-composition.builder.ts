/**
 * A cheap stand-in picture for a storyboard scene: a palette gradient and a few flat shapes whose
 * layout follows the words of the visual prompt. Pure and deterministic in (prompt, palette, seed),
 * so a re-render of the same scene draws the same picture.
 */

export interface Gradient {
  colors: string[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type Shape =
  | { kind: 'box'; x: number; y: number; w: number; h: number; color: string; opacity: number }
  | { kind: 'disc'; x: number; y: number; size: number; color: string; opacity: number };

export interface Composition {
  width: number;
  height: number;
  gradient: Gradient;
  shapes: Shape[];
}

export type Motif = 'sky' | 'city' | 'product' | 'figure' | 'water';

const MOTIF_WORDS: Record<Motif, RegExp> = {
  sky: /\b(sun|sunset|sunrise|moon|sky|dawn|dusk|planet|golden hour|stars?)\b/i,
  city: /\b(city|skyline|street|buildings?|town|urban|office|downtown|skyscrapers?)\b/i,
  product: /\b(products?|bottles?|box|cans?|phone|package|pack|device|jar|tube|sneakers?|shoes?|cup|packshot|logo)\b/i,
  figure: /\b(person|people|man|woman|runner|athlete|family|child|kid|customer|face|portrait|hiker|couple|friends)\b/i,
  water: /\b(ocean|sea|lake|river|water|beach|waves?|pool)\b/i,
};

const FALLBACK_MOTIFS: Motif[] = ['sky', 'product', 'figure'];

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, seedable, good enough for layout. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function motifsFor(prompt: string): Motif[] {
  return (Object.keys(MOTIF_WORDS) as Motif[]).filter((m) => MOTIF_WORDS[m].test(prompt));
}

export function planComposition(
  input: { visualPrompt: string; palette: readonly string[]; seed: number },
  width: number,
  height: number,
): Composition {
  const rnd = random(hash(`${input.seed}\u0000${input.visualPrompt}`));
  const between = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const palette = input.palette;
  const colour = (i: number) => palette[i % palette.length];
  const ix = (fraction: number) => Math.round(fraction * width);
  const iy = (fraction: number) => Math.round(fraction * height);
  const unit = Math.min(width, height);

  const matched = motifsFor(input.visualPrompt);
  const motifs = matched.length ? matched.slice(0, 3) : [FALLBACK_MOTIFS[Math.floor(rnd() * FALLBACK_MOTIFS.length)]];

  const gradient: Gradient = {
    colors: palette.slice(0, Math.min(3, palette.length)),
    x0: ix(between(0, 1)),
    y0: 0,
    x1: ix(between(0, 1)),
    y1: height,
  };

  const horizon = between(motifs.includes('water') ? 0.52 : 0.6, 0.7);
  const shapes: Shape[] = [
    {
      kind: 'box',
      x: 0,
      y: iy(horizon),
      w: width,
      h: height - iy(horizon),
      color: colour(palette.length - 1),
      opacity: 0.55,
    },
    {
      kind: 'box',
      x: 0,
      y: iy(horizon) - Math.max(2, iy(0.006)),
      w: width,
      h: Math.max(2, iy(0.006)),
      color: colour(1),
      opacity: 0.8,
    },
  ];

  for (const motif of motifs) {
    switch (motif) {
      case 'sky': {
        const size = Math.round(unit * between(0.2, 0.3));
        shapes.push({
          kind: 'disc',
          x: ix(between(0.2, 0.8)) - size / 2,
          y: iy(horizon) - Math.round(size * between(1.1, 2)),
          size,
          color: colour(2),
          opacity: 0.95,
        });
        break;
      }
      case 'city': {
        const count = 5 + Math.floor(rnd() * 4);
        let x = ix(between(0.1, 0.2));
        for (let i = 0; i < count && x < ix(0.9); i++) {
          const w = ix(between(0.04, 0.08));
          const h = iy(between(0.12, 0.36));
          shapes.push({ kind: 'box', x, y: iy(horizon) - h, w, h, color: colour(i + 1), opacity: 0.85 });
          x += w + ix(between(0.005, 0.03));
        }
        break;
      }
      case 'product': {
        const w = Math.round(unit * between(0.14, 0.2));
        const h = Math.round(w * between(1.6, 2.2));
        const x = ix(between(0.4, 0.6)) - Math.round(w / 2);
        const y = iy(horizon) + iy(0.04) - h;
        shapes.push({
          kind: 'box',
          x: x - iy(0.01),
          y: y + h,
          w: w + iy(0.02),
          h: iy(0.025),
          color: '#000000',
          opacity: 0.3,
        });
        shapes.push({ kind: 'box', x, y, w, h, color: colour(2), opacity: 0.95 });
        shapes.push({
          kind: 'box',
          x,
          y: y + Math.round(h * 0.35),
          w,
          h: Math.round(h * 0.3),
          color: colour(0),
          opacity: 0.85,
        });
        break;
      }
      case 'figure': {
        const body = Math.round(unit * between(0.1, 0.14));
        const bodyH = Math.round(body * 2.2);
        const x = ix(between(0.3, 0.7)) - Math.round(body / 2);
        const y = iy(horizon) + iy(0.05) - bodyH;
        const head = Math.round(body * 0.8);
        shapes.push({ kind: 'box', x, y, w: body, h: bodyH, color: colour(palette.length - 2), opacity: 0.9 });
        shapes.push({
          kind: 'disc',
          x: x + Math.round((body - head) / 2),
          y: y - head - iy(0.01),
          size: head,
          color: colour(palette.length - 2),
          opacity: 0.9,
        });
        break;
      }
      case 'water': {
        for (let i = 0; i < 3; i++) {
          const y = iy(horizon + (i + 1) * between(0.05, 0.08));
          const x = ix(between(0.05, 0.5));
          shapes.push({
            kind: 'box',
            x,
            y,
            w: ix(between(0.2, 0.45)),
            h: Math.max(2, iy(0.008)),
            color: '#FFFFFF',
            opacity: 0.35,
          });
        }
        break;
      }
    }
  }
  return { width, height, gradient, shapes: shapes.map((s) => fitShape(s, width, height)) };
}

/** Whole pixels, moved (not cropped) onto the canvas: random layout can push a shape past an edge. */
function fitShape(shape: Shape, width: number, height: number): Shape {
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), Math.max(0, max));
  if (shape.kind === 'box') {
    const w = Math.min(width, Math.max(1, Math.round(shape.w)));
    const h = Math.min(height, Math.max(1, Math.round(shape.h)));
    return { ...shape, x: clamp(shape.x, width - w), y: clamp(shape.y, height - h), w, h };
  }
  const size = Math.min(width, height, Math.max(2, Math.round(shape.size)));
  return { ...shape, x: clamp(shape.x, width - size), y: clamp(shape.y, height - size), size };
}
