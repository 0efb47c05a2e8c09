/** Bulk lists as a file: `startBulkScanUpload(file: File!)` over yoga's multipart requests. */
import { GraphQLScalarType } from 'graphql';
import { startBulkScanUpload } from '../resolvers/upload.resolvers.js';
import { builder } from './builder.js';
import { BulkScanRef, RejectedInputRef } from './bulk-scan.js';

const FileScalar = new GraphQLScalarType({
  name: 'File',
  description: 'A file sent as a part of a multipart request (GraphQL multipart request spec).',
  serialize: () => {
    throw new TypeError('File is an input type');
  },
  parseValue: (value) => value,
});
builder.addScalarType('File' as never, FileScalar as never, {});

interface UploadPayload {
  job: import('../jobs/job.types.js').JobSnapshot;
  total: number;
  rejected: { input: string; error: string }[];
  rejectedCount: number;
  duplicates: number;
}

const StartBulkScanUploadPayload = builder.objectRef<UploadPayload>('StartBulkScanUploadPayload').implement({
  fields: (t) => ({
    job: t.field({ type: BulkScanRef, resolve: (p) => p.job }),
    total: t.exposeInt('total', { description: 'Unique valid domains queued.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Entries that repeated a domain already in the list.' }),
    rejectedCount: t.exposeInt('rejectedCount', { description: 'Entries that are not domains (all of them).' }),
    rejected: t.field({ type: [RejectedInputRef], description: 'The first 100 rejected entries, with their reasons.', resolve: (p) => p.rejected }),
  }),
});

builder.mutationField('startBulkScanUpload', (t) =>
  t.field({
    type: StartBulkScanUploadPayload,
    description:
      'Queue the domains of an uploaded file (multipart request): CSV (a domain/website/url/email column by header, else the first), NDJSON, or one entry per line; up to SCOUT_MAX_BULK_STREAM domains. An upload that breaks off leaves the job failed with upload_incomplete.',
    args: { file: t.arg({ type: 'File' as never, required: true }) },
    resolve: (_root, args, ctx) => startBulkScanUpload(ctx, args.file as unknown as File),
  }),
);
