/** The longest piece of client input echoed back in an error message. */
export const MAX_ECHO_CHARS = 200;

/** Client input shortened for an error message: a 1 MB entry is not echoed whole. */
export function truncateForEcho(text: string, max = MAX_ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Bad input from a client: shown to it as a 422 (REST) or a BAD_USER_INPUT error (GraphQL). */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class InputError extends Error {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues?: ValidationIssue[]) {
    super(message);
    this.name = 'InputError';
    // never an empty list: a 422 always says why
    this.issues = issues?.length ? issues : [{ loc: ['body'], msg: message, type: 'value_error' }];
  }
}

/** A thing asked for by id that does not exist (REST 404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A request that is valid but cannot be answered in the current state (REST 400). */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** A required body field that is absent (the old service's `value_error.missing`). */
export const missingField = (field: string) =>
  new InputError(`field required: ${field}`, [{ loc: ['body', field], msg: 'field required', type: 'value_error.missing' }]);
