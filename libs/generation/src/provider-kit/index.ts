// What every remote provider adapter shares: HTTP with error mapping, media post-processing,
// the provider-job lifecycle (record before polling, resume, cancel), webhooks and health.
export * from './adapter-tuning';
export * from './provider-http.client';
export * from './provider-media.builder';
export * from './provider-media.service';
export * from './provider-job.runner';
export * from './standard-webhook.util';
export * from './provider-health.service';
