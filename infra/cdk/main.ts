/**
 * The CDK app. `npm run synth` runs it directly (no CDK CLI needed, no AWS credentials, no lookups)
 * and writes the CloudFormation templates to cdk.out/; with the CLI, `npx cdk deploy` uses cdk.json.
 *   npm run synth -- -c natGateways=2 -c gpuProfiles='[{"profile":"video_default","maxTasks":8}]'
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { readDeployParams } from './deploy-params';
import { ReelsmithImagesStack } from './images.stack';
import { ReelsmithStack } from './reelsmith.stack';

/** Both stacks from the given context; environment-agnostic, so nothing is looked up in an account. */
export function buildReelsmithApp(context: Record<string, unknown>, outdir?: string) {
  const app = new App({ context, outdir });
  const params = readDeployParams(app.node.getAllContext() as Record<string, unknown>);
  const images = new ReelsmithImagesStack(app, 'ReelsmithImages', { repositoryName: params.imageRepository });
  const stack = new ReelsmithStack(app, 'Reelsmith', {
    params,
    description: 'Reelsmith: API, workers, queues, job table, artifacts, sign-in and CDN',
  });
  stack.addStackDependency(images);
  return { app, stack, images, params };
}

const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** cdk.json's context, then `-c key=value` / `--context key=value` from the command line. */
function contextFromCommandLine(argv: string[]): Record<string, unknown> {
  const file = join(ROOT, 'cdk.json');
  const context: Record<string, unknown> = existsSync(file)
    ? ((JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {})
    : {};
  argv.forEach((arg, i) => {
    if (arg !== '-c' && arg !== '--context') return;
    const pair = argv[i + 1] ?? '';
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`${arg} wants key=value, got "${pair}"`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return context;
}

if (require.main === module) {
  // Under the CDK CLI, it passes the context and the output folder itself.
  const underCli = process.env.CDK_CONTEXT_JSON !== undefined || process.env.CDK_OUTDIR !== undefined;
  try {
    const { app } = underCli
      ? buildReelsmithApp({})
      : buildReelsmithApp(contextFromCommandLine(process.argv.slice(2)), join(ROOT, 'cdk.out'));
    const assembly = app.synth();
    if (!underCli) {
      for (const stack of assembly.stacks)
        console.log(`${stack.stackName}: ${join(assembly.directory, stack.templateFile)}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
