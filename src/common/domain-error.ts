import { HttpException } from '@nestjs/common';

// One error type for rule violations: English for the API, German for the pages, and a stable code.
export class DomainError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly messageDe: string,
    readonly field?: string,
  ) {
    super({ statusCode: status, error: code, message }, status);
  }
}
