import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_MODELS_DIR } from '@app/inference';
import { builtInModels } from './generate-models';

describe('builtInModels', () => {
  it('matches the model files the runtime loads, byte for byte (run `npm run models` after changing a builder)', () => {
    const built = builtInModels();
    expect(readdirSync(BUILT_IN_MODELS_DIR).sort()).toEqual([...built.keys()].sort());
    for (const [name, bytes] of built) {
      expect(Buffer.from(readFileSync(join(BUILT_IN_MODELS_DIR, name))).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
