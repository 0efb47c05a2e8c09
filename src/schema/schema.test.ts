import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from './index.js';

describe('GraphQL schema', () => {
  it('matches the committed schema.graphql (run `npm run schema:print` after changing types)', () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(buildSchema())}\n`).toBe(committed);
  });
});
