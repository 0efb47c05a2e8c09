/** Write the GraphQL schema to schema.graphql (committed; a test keeps it current). */
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { buildSchema } from '../src/schema/index.js';

writeFileSync(new URL('../schema.graphql', import.meta.url), `${printSchema(buildSchema())}\n`);
console.log('schema.graphql written');
