/** The GraphQL schema: imports every type file, then builds. */
import { builder } from './builder.js';
import './lead.js';
import './bulk-scan.js';
import './stored-leads.js';
import './dashboard.js';
import './upload.js';

export function buildSchema() {
  return builder.toSchema({ sortSchema: false });
}
