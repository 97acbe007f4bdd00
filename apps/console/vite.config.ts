import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The gateway serves the build at /console/ (apps/gateway/src/console), on the API's own origin.
export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
  },
  // `npx vite --config apps/console/vite.config.ts` beside `npm run start:local`: the API through the gateway.
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/console/config.json': 'http://127.0.0.1:3000' },
  },
});
