import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/quickstart.ts', 'src/main.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node22',
});
