import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AdapterTuning, type VideoRequest } from '@app/generation';

const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'tsconfig.json'))) dir = dirname(dir);
  return dir;
})();

/**
 * Runs in the child before the entry: .ts files are transpiled on load with the repository's own
 * compiler settings and `@app/*` aliases (what ts-jest does inside jest), so a test can run and
 * SIGKILL a real process on the current sources without a build.
 */
const LOADER = `
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const root = ${JSON.stringify(ROOT)};
const ts = require(require.resolve('typescript', { paths: [root] }));
const tsconfig = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config;
const { options } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, root);
const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true };
const aliases = Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target)]);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const hit = aliases.find(([alias]) => request === alias || request.startsWith(alias + '/'));
  return resolve.call(this, hit ? hit[1] + request.slice(hit[0].length) : request, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText, filename);
};
require(join(root, 'node_modules', 'reflect-metadata'));
require(process.argv[1]);
`;

/** Starts `node` on a TypeScript entry of this repository; the entry reads `args` from process.argv.slice(2). */
export function spawnTsChild(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['-e', LOADER, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `video-generation.child.ts`: one scene's clip made in a process of its own (see there). */
export const VIDEO_GENERATION_CHILD = join(__dirname, 'video-generation.child.ts');

/** What a parent test asks that child to generate, as its one JSON argument. */
export interface VideoGenerationChildSpec {
  env: NodeJS.ProcessEnv;
  profile: string;
  request: VideoRequest;
  tuning: Partial<AdapterTuning>;
}
