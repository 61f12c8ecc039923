export * from './vllm-omni.endpoints';
export * from './vllm-omni-video.adapter';
export * from './vllm-omni-image.adapter';
export * from './vllm-omni-speech.adapter';
