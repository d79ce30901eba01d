export * from './errors.js';
export * from './limits.js';
export * from './proto.js';
export * from './enums.js';
export * from './wire.js';
export * from './endpoint.js';
export * from './endpoints/index.js';
export * from './downsample.js';
