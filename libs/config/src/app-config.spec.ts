import { sha256 } from './api-keys';
import { ConfigError, loadConfig } from './app-config';
import { PRODUCTION_VARIABLES, productionVariablesFor } from './production-env';

/** A production environment complete for both tiers. */
const PRODUCTION: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  API_KEYS: 'k-live-1=teamA:admin',
  HOST: '0.0.0.0',
  REDIS_URL: 'rediss://cache.internal:6379',
  DYNAMODB_TABLE: 'reelsmith-jobs',
  S3_BUCKET: 'reelsmith-artifacts',
  AWS_REGION: 'eu-west-1',
  WORKER_QUEUES: 'scene',
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('applies the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.redisUrl).toBeNull();
    expect(config.dynamodb.endpoint).toBeNull();
    expect(config.worker.queues).toEqual(['plan', 'scene', 'music', 'compose', 'asset']);
    expect(config.presignTtlSec).toBe(3600);
  });

  it('parses API_KEYS into tenants and scopes', () => {
    const config = loadConfig({ API_KEYS: 'k1=teamA, k2=teamB:admin' });
    expect(config.apiKeys.map((k) => [k.key, k.tenantId, k.scopes])).toEqual([
      ['k1', 'teamA', []],
      ['k2', 'teamB', ['admin']],
    ]);
    expect(config.production).toBe(false);
    expect(config.oidc).toBeNull();
  });

  it('reads the OIDC issuer with its defaults, and wants issuer and audience together', () => {
    expect(loadConfig({ OIDC_ISSUER: 'https://id.example.com/pool', OIDC_AUDIENCE: 'client-1' }).oidc).toEqual({
      issuer: 'https://id.example.com/pool',
      audience: 'client-1',
      clientId: 'client-1',
      tenantClaim: 'tenant',
      adminScope: 'reelsmith:admin',
      clockToleranceSec: 30,
    });
    expect(
      loadConfig({ OIDC_ISSUER: 'https://id.example.com/pool', OIDC_AUDIENCE: 'api', OIDC_CLIENT_ID: 'studio' }).oidc
        ?.clientId,
    ).toBe('studio');
    expect(problemsOf(() => loadConfig({ OIDC_ISSUER: 'https://id.example.com' }))).toEqual([
      'OIDC_AUDIENCE: required with OIDC_ISSUER',
    ]);
    expect(problemsOf(() => loadConfig({ OIDC_AUDIENCE: 'client-1', OIDC_ADMIN_SCOPE: 'two words' }))).toEqual([
      'OIDC_ADMIN_SCOPE: must be one scope token (no spaces or quotes)',
    ]);
  });

  it('boots in production when every production variable is set', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.production).toBe(true);
    expect(config.apiKeys.map((k) => k.tenantId)).toEqual(['teamA']);
  });

  it('refuses to boot in production without API_KEYS or any other production variable, naming each', () => {
    const problems = problemsOf(() => loadConfig({ NODE_ENV: 'production' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(PRODUCTION_VARIABLES.map((v) => v.name).sort());
    expect(problems).toContain(
      'API_KEYS: required in production (without it the development key dev-key would be accepted)',
    );
  });

  it('refuses the development key in production, plain or hashed, beside every other problem', () => {
    const hashedDevKey = `sha256:${sha256('dev-key').toString('hex')}`;
    expect(problemsOf(() => loadConfig({ ...PRODUCTION, API_KEYS: 'dev-key=demo', PORT: 'x' }))).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'API_KEYS: the development key dev-key is refused in production',
    ]);
    expect(problemsOf(() => loadConfig({ ...PRODUCTION, API_KEYS: `k=teamA,${hashedDevKey}=demo` }))).toEqual([
      'API_KEYS: the development key dev-key is refused in production',
    ]);
    expect(() => loadConfig({ API_KEYS: 'dev-key=demo' })).not.toThrow();
  });

  it('demands of each tier only what that tier needs', () => {
    const { API_KEYS: _k, HOST: _h, ...worker } = PRODUCTION;
    expect(loadConfig(worker, 'worker').production).toBe(true);
    const { WORKER_QUEUES: _q, ...api } = PRODUCTION;
    expect(loadConfig(api, 'api').production).toBe(true);
    expect(problemsOf(() => loadConfig(worker, 'api')).map((p) => p.split(':')[0])).toEqual(['API_KEYS', 'HOST']);
    expect(productionVariablesFor('worker').map((v) => v.name)).not.toContain('API_KEYS');
  });

  it('wants an https issuer in production', () => {
    expect(
      problemsOf(() => loadConfig({ ...PRODUCTION, OIDC_ISSUER: 'http://id.example.com', OIDC_AUDIENCE: 'c' })),
    ).toEqual(['OIDC_ISSUER: must be https in production']);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', WORKER_QUEUES: 'scene,render', API_KEYS: 'nokey', REDIS_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['PORT', 'WORKER_QUEUES', 'API_KEYS', 'REDIS_URL']));
  });

  it('selects queues for separate scene and compose tiers', () => {
    expect(loadConfig({ WORKER_QUEUES: 'scene', WORKER_CONCURRENCY: '4' }).worker).toEqual({
      queues: ['scene'],
      concurrency: 4,
      gpuDevices: [],
      profiles: [],
    });
  });

  it('reads GPU devices, served profiles and ONNX execution providers', () => {
    const config = loadConfig({
      GPU_DEVICES: '0, 1,2,3',
      WORKER_PROFILES: 'video_default',
      ONNX_EXECUTION_PROVIDERS: 'CPU',
    });
    expect(config.worker.gpuDevices).toEqual(['0', '1', '2', '3']);
    expect(config.worker.profiles).toEqual(['video_default']);
    expect(config.onnxExecutionProviders).toEqual(['cpu']);
    expect(loadConfig({}).onnxExecutionProviders).toEqual(['cuda', 'cpu']);
  });

  it('names every bad GPU device, profile and execution provider', () => {
    expect(() =>
      loadConfig({ GPU_DEVICES: '0,gpu1,0', WORKER_PROFILES: 'Video!', ONNX_EXECUTION_PROVIDERS: 'cpu,tpu' }),
    ).toThrow(
      /GPU_DEVICES: device ids are numbers.*gpu1[\s\S]*GPU_DEVICES: a device is listed twice[\s\S]*WORKER_PROFILES: not a profile name: Video![\s\S]*ONNX_EXECUTION_PROVIDERS: unknown execution provider\(s\) tpu/,
    );
  });

  it('reads several NVIDIA API keys and the catalogue and Cloud Functions hosts, defaulting to NVIDIA', () => {
    const defaults = loadConfig({}).providers;
    expect(defaults).toMatchObject({
      nvidiaApiKeys: [],
      nvidiaBaseUrl: 'https://ai.api.nvidia.com',
      nvcfBaseUrl: 'https://api.nvcf.nvidia.com',
    });
    const local = loadConfig({
      NVIDIA_API_KEY: 'nvapi-one, nvapi-two,nvapi-one',
      NVIDIA_BASE_URL: 'http://127.0.0.1:9000',
      NVCF_BASE_URL: 'http://127.0.0.1:9001',
    }).providers;
    expect(local).toMatchObject({
      nvidiaApiKeys: ['nvapi-one', 'nvapi-two'],
      nvidiaBaseUrl: 'http://127.0.0.1:9000',
      nvcfBaseUrl: 'http://127.0.0.1:9001',
    });
  });

  it('refuses a pasted NVIDIA key with its quotes and a host that is not http(s)', () => {
    const problems = problemsOf(() => loadConfig({ NVIDIA_API_KEY: '"nvapi-x"', NVCF_BASE_URL: 'ftp://nvcf.example' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['NVCF_BASE_URL', 'NVIDIA_API_KEY']);
  });
});
