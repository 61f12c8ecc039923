export * from './generation.ports';
export * from './animatic-video.generator';
export * from './animatic-image.generator';
export * from './synth-music.generator';
export * from './generation.module';
export * from './registry';
export * from './throughput';
export * from './providers';
