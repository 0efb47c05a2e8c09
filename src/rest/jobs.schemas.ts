/** An upload (or any bulk) job as the old UI polls it: `GET /jobs/{job_id}`. */
import { z } from '@hono/zod-openapi';

export const UploadJobSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(['pending', 'processing', 'completed', 'failed']).openapi({ description: 'A cancelled job reads failed' }),
    total: z.number().int(),
    processed: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    progress_percent: z.number().min(0).max(100).openapi({ description: '2 decimals; 100 when completed' }),
    remaining: z.number().int(),
    errors: z.array(z.string()),
    message: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi('UploadJob');
