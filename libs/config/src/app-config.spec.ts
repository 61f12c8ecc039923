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
    });
  });
});
