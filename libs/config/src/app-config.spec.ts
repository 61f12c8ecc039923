import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('applies the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.redisUrl).toBeNull();
    expect(config.dynamodb.endpoint).toBeNull();
    expect(config.worker.queues).toEqual(['plan', 'scene', 'music', 'compose']);
    expect(config.presignTtlSec).toBe(3600);
  });

  it('parses API_KEYS into key -> tenant', () => {
    const config = loadConfig({ API_KEYS: 'k1=teamA, k2=teamB' });
    expect([...config.apiKeys]).toEqual([
      ['k1', 'teamA'],
      ['k2', 'teamB'],
    ]);
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
});
