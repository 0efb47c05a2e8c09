/** startBulkScanUpload: the uploaded file's entries into the streaming bulk service. */
import { createGraphQLError } from 'graphql-yoga';
import { ownerOf, quotaSubject } from '../auth/principal.js';
import type { GraphQLContext } from '../schema/builder.js';
import { UploadIncompleteError } from '../services/bulk-stream.js';
import { InputError } from '../services/input.errors.js';
import { entriesOfFile, type ByteSource } from '../upload/entries.js';
import { translateErrors } from './errors.js';

export const startBulkScanUpload = (ctx: GraphQLContext, file: File) =>
  translateErrors(async () => {
    if (!file || typeof (file as Partial<File>).stream !== 'function') throw new InputError('file: expected a file part (multipart request)');
    try {
      const entries = entriesOfFile(file.stream() as unknown as ByteSource, file.type, file.name ?? '');
      return await ctx.services.bulk.startStream(entries, ownerOf(ctx.principal), quotaSubject(ctx.principal));
    } catch (error) {
      if (error instanceof UploadIncompleteError) throw createGraphQLError(error.message, { extensions: { code: 'UPLOAD_INCOMPLETE', jobId: error.jobId } });
      throw error;
    }
  });
