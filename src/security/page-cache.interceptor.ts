import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import { DataVersionRepository } from '../database/data-version.repository';
import { issuedCsrfToken } from './csrf.middleware';
import { PageCache } from './page-cache';

const KEEP_AS = 'kt:page-cache';
type KeepAs = 'body' | 'value';

/** Folds ended backends' counter rows at most this often per process (one statement). */
const FOLD_EVERY_MS = 10 * 60_000;

/**
 * Reuses a signed-in GET's answer for the same session and URL while no write has committed (PageCache). Guards run
 * before it, so a kept answer is never shown to a request that may not see the page.
 */
@Injectable()
export class PageCacheInterceptor implements NestInterceptor {
  private foldedAt = 0;

  constructor(
    private readonly cache: PageCache,
    private readonly versions: DataVersionRepository,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const keepAs = this.reflector.get<KeepAs>(KEEP_AS, ctx.getHandler());
    if (!this.cache.enabled || !keepAs || req.method !== 'GET' || !req.user || !req.sessionID) return next.handle();
    this.maybeFold();
    const key = PageCache.key(req.sessionID, req.originalUrl);
    return from(this.versions.current()).pipe(
      switchMap((version) => {
        const kept = this.cache.get(key, version, () => String(res.locals.csrfToken));
        if (kept?.kind === 'value') return of(kept.value);
        if (kept?.kind === 'body') {
          res.status(200).type(kept.type).send(kept.body);
          return of(undefined);
        }
        if (keepAs === 'value')
          return next.handle().pipe(tap((value) => res.statusCode === 200 && this.cache.putValue(key, version, value)));
        this.captureBody(res, key, version);
        return next.handle();
      }),
    );
  }

  /** Keeps the page the handler sends (Express's render ends in res.send), if it is a full 200 answer. */
  private captureBody(res: Response, key: string, version: string): void {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      res.send = send;
      if (typeof body === 'string' && res.statusCode === 200) {
        const type = String(res.getHeader('content-type') ?? 'text/html; charset=utf-8');
        this.cache.putBody(key, version, body, type, issuedCsrfToken(res));
      }
      return send(body);
    };
  }

  private maybeFold(): void {
    const now = Date.now();
    if (now - this.foldedAt < FOLD_EVERY_MS) return;
    this.foldedAt = now;
    // A failed fold leaves the rows for the next one; the sum is right either way.
    this.versions.fold().catch(() => undefined);
  }
}

/** A signed-in page (rendered with @Res) whose HTML may be kept until the data changes. */
export const CachedPage = () => applyDecorators(SetMetadata(KEEP_AS, 'body' satisfies KeepAs), UseInterceptors(PageCacheInterceptor));
/** A signed-in JSON read whose returned value may be kept until the data changes. */
export const CachedRead = () => applyDecorators(SetMetadata(KEEP_AS, 'value' satisfies KeepAs), UseInterceptors(PageCacheInterceptor));
