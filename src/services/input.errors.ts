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
    this.issues = issues ?? [{ loc: ['body'], msg: message, type: 'value_error' }];
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
