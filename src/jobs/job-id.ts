/** What a job id can look like: UUIDs (older ones 32 hex digits), so letters, digits and dashes. Pure. */
export const JOB_ID_PATTERN = /^[0-9A-Za-z-]{1,64}$/;

/** Whether `id` could name a job; anything else (a NUL, "%", 1 MB) is unknown without a lookup. */
export const isJobId = (id: string): boolean => JOB_ID_PATTERN.test(id);
