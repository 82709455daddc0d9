/**
 * Environment the backends read when they load, set before anything else is imported (run.ts imports
 * this first; ES modules evaluate in import order). Dawn's OpenGL ES backend, which gpu.js's WebGPU
 * mode uses on machines without a GPU, needs no display with this.
 */
process.env.EGL_PLATFORM ??= 'surfaceless';
