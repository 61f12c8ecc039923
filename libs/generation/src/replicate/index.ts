export * from './replicate.client';
export * from './replicate-inputs.builder';
export * from './replicate-prediction.driver';
export * from './replicate-webhook.waiter';
export * from './replicate-video.adapter';
export * from './replicate-music.adapter';
export * from './replicate-image.adapter';
