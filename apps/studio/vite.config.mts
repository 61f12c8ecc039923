import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The studio is static files the API serves at `/`: built into dist/studio, no CDN at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  // The API's vocabulary and error codes from the domain's dependency-free part (no schemas come along).
  resolve: {
    alias: {
      '@app/domain/contract': fileURLToPath(new URL('../../libs/domain/src/contract.ts', import.meta.url)),
    },
  },
  // Preact's automatic JSX runtime, without a framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/studio', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or data: modules: the CSP allows scripts from 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
