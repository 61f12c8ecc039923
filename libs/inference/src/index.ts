export * from './onnx-runtime.service';
export * from './built-in-models';
export * from './frame-tensor.builder';
export * from './frame-tensor';
export * from './continuity-scorer';
export * from './inference.module';
