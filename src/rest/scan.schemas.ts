/** Single-scan shapes on the REST wire (spec/api.md): the request; the answer is `LeadSchema`. */
import { z } from '@hono/zod-openapi';

/** `{"domain": ...}`: the value stays `unknown` here, so the scan service names what is wrong with it. */
export const ScanDomainRequestSchema = z
  .object({ domain: z.unknown().openapi({ type: 'string', example: 'example.com' }) })
  .openapi('ScanDomainRequest');
