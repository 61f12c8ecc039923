import js from '@eslint/js';
import { dirname, relative, resolve } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * House rules the stock rules cannot say:
 * - a relative import never leaves the lib or app it is written in (cross with `@app/<lib>`);
 * - production code never imports test support (`@app/testing`, `*.testing`, `*.fixture`);
 * - an error code string (`'JOB.NOT_FOUND'`) appears only in the error catalog.
 */
const PACKAGE_ROOT = /^(libs|apps|tools)\/[^/]+\//;
const TEST_FILE = /(\.(spec|int-spec|e2e-spec|browser-spec|fixture|testing)\.ts$)|^(test|libs\/testing)\//;
const ERROR_CODE = /^[A-Z][A-Z_]*\.[A-Z][A-Z_]*$/;
const house = {
  rules: {
    'no-cross-boundary-relative-import': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = relative(process.cwd(), context.filename);
        const root = PACKAGE_ROOT.exec(file)?.[0];
        if (!root) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const target = relative(process.cwd(), resolve(dirname(file), spec));
          if (!target.startsWith(root))
            context.report({ node, message: `relative import leaves ${root}; import it through its @app/<lib> alias` });
        };
        return { ImportDeclaration: check, ExportAllDeclaration: check, ExportNamedDeclaration: check };
      },
    },
    'no-test-support-in-production': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = relative(process.cwd(), context.filename);
        if (TEST_FILE.test(file) || !PACKAGE_ROOT.test(file)) return {};
        return {
          ImportDeclaration(node) {
            const spec = String(node.source.value);
            if (spec === '@app/testing' || /\.(testing|fixture)$/.test(spec))
              context.report({ node, message: 'production code must not import test support' });
          },
        };
      },
    },
    'no-loose-error-codes': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = relative(process.cwd(), context.filename);
        if (TEST_FILE.test(file) || file.endsWith('error-catalog.ts') || !PACKAGE_ROOT.test(file)) return {};
        return {
          Literal(node) {
            if (typeof node.value === 'string' && ERROR_CODE.test(node.value))
              context.report({ node, message: `error code "${node.value}" belongs in the error catalog (Errors.*)` });
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { house },
    rules: {
      'house/no-cross-boundary-relative-import': 'error',
      'house/no-test-support-in-production': 'error',
      'house/no-loose-error-codes': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { disallowTypeAnnotations: false, fixStyle: 'inline-type-imports' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/libs/*/src/*'],
              message: 'Import libs through @app/<lib>.',
            },
          ],
        },
      ],
    },
  },
);
