export * from './generation.ports';
export * from './animatic-video.generator';
export * from './synth-music.generator';
export * from './generation.module';
