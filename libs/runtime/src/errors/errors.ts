import { status } from '@grpc/grpc-js';

/** An error a user can act on, carrying the gRPC status code that fits it. */
export class FailmineError extends Error {
  readonly code: status;

  constructor(code: status, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad input from a caller: a field, a file line, a flag. */
export class InvalidArgumentError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.INVALID_ARGUMENT, message, options);
  }
}

/** A named thing (model, run, artifact, dataset) does not exist. */
export class NotFoundError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.NOT_FOUND, message, options);
  }
}

/** The request is valid but the system is not in a state to serve it (e.g. no model loaded). */
export class FailedPreconditionError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.FAILED_PRECONDITION, message, options);
  }
}

/** A dependency is down or overloaded; the caller may retry. */
export class UnavailableError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.UNAVAILABLE, message, options);
  }
}

/** Bytes arrived damaged: sha256 or size mismatch, a lost chunk. */
export class DataLossError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.DATA_LOSS, message, options);
  }
}

/** The thing being created exists already with different content. */
export class AlreadyExistsError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.ALREADY_EXISTS, message, options);
  }
}

/** A limit (memory, context length, queue) would be exceeded. */
export class ResourceExhaustedError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.RESOURCE_EXHAUSTED, message, options);
  }
}

/** The caller cancelled, or its deadline passed, while the work ran. */
export class CancelledError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.CANCELLED, message, options);
  }
}

/** The caller did not present valid credentials. */
export class UnauthenticatedError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.UNAUTHENTICATED, message, options);
  }
}

/** The operation exists in the contract but this implementation does not do it. */
export class UnimplementedError extends FailmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(status.UNIMPLEMENTED, message, options);
  }
}
