import { defineConfig } from 'drizzle-kit';

// COCKPIT_SCHEMA selects an older model when regenerating a historical step; new steps use index.ts.
export default defineConfig({
  dialect: 'mysql',
  schema: process.env.COCKPIT_SCHEMA ?? './src/db/schema/index.ts',
  out: './migrations',
  breakpoints: true,
});
