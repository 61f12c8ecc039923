import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONTINUITY_MODEL_FILE, FLASH_MODEL_RATES, flashModelFile } from '@app/inference';
import { buildContinuityModel } from './continuity-model.builder';
import { buildFlashModel } from './flash-model.builder';

/** Every model file the runtime ships, by file name, as this code builds it. */
export function builtInModels(): Map<string, Uint8Array> {
  const models = new Map<string, Uint8Array>([[CONTINUITY_MODEL_FILE, buildContinuityModel()]]);
  for (const fps of FLASH_MODEL_RATES) models.set(flashModelFile(fps), buildFlashModel({ sampleFps: fps }));
  return models;
}

/** `npm run models`: writes the built-in models into libs/inference/models (run from the repo root). */
if (require.main === module) {
  const dir = resolve(process.argv[2] ?? join('libs', 'inference', 'models'));
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of builtInModels()) {
    writeFileSync(join(dir, name), bytes);
    console.log(`${join(dir, name)} (${bytes.length} bytes)`);
  }
}
