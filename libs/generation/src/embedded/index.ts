// Stand-ins that run offline when no provider is configured: the animatic (video and keyframes,
// rendered by ffmpeg from the storyboard) and the music synthesiser.
export * from './animatic-video.generator';
export * from './animatic-image.generator';
export * from './synth-music.generator';
export * from './music';
export * from './prompt-scene';
