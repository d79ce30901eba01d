import { defineConfig } from 'vite';

// No React plugin: Vite's own transform compiles TSX with the automatic runtime, which keeps
// the build fast (no Babel). Asset URLs are relative so the UI works under any --static-prefix.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    assetsDir: 'static-files',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      // React Query marks its modules "use client" (for server components); meaningless in a static bundle
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
